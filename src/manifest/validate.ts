import { compareDiagnostics, type Diagnostic } from '../errors/index.js';
import type { Desired } from '../model/desired.js';
import { pushAll } from '../util/arrays.js';
import { buildDesired } from './build-desired.js';
import { interpolate } from './interpolate.js';
import { findManifestFiles, type ManifestFile, rootsOf } from './manifest-files.js';
import { type CheckedDocument, mergeDocuments } from './merge.js';
import { readManifests } from './read-manifests.js';
import { checkAgentRequests } from './rules/agent-requests.js';
import { checkAgents } from './rules/agents.js';
import type { ValidateOptions } from './rules/context.js';
import { checkDisk } from './rules/disk.js';
import { checkLimits } from './rules/limits.js';
import { checkMoveForms, checkMoveTargets } from './rules/moves.js';
import { checkReferences } from './rules/references.js';
import { checkTools } from './rules/tools.js';
import { checkSchema } from './schema-check.js';
import type { SourceDocument } from './source-document.js';

/**
 * Findings of each severity that validation reports: the first ones in file order, then one
 * TOO_MANY_DIAGNOSTICS that counts the rest. A broken generated file can hold hundreds of
 * thousands of problems; printing them all would take longer than reading the file.
 */
const MAX_REPORTED = 1_000;

export type { ValidateOptions } from './rules/context.js';

/**
 * The outcome of validation: the desired model when there is no error, and the findings (at most
 * MAX_REPORTED of each severity, see there).
 */
export interface ValidationResult {
  value?: Desired;
  errors: Diagnostic[];
  warnings: Diagnostic[];
  /** How many errors and warnings were found in all, when more were found than are listed. */
  total?: { errors: number; warnings: number };
  /** The manifest files that were read, as displayed. */
  manifests: string[];
  /** With a value: the manifest files and their documents as written (before interpolation). */
  read?: { files: readonly ManifestFile[]; documents: readonly SourceDocument[] };
}

/** How many errors and warnings were found: all of them, also those past the ones listed. */
export function foundCounts(result: ValidationResult): { errors: number; warnings: number } {
  return result.total ?? { errors: result.errors.length, warnings: result.warnings.length };
}

/**
 * Reads and validates the manifests named by the -f arguments (none: the working folder): YAML,
 * then schema, then semantic rules, reporting every finding at once; the semantic rules only once
 * every document parses. Offline: no network, and no file content read except manifests,
 * instruction files and skills' SKILL.md. Never throws for bad input; it answers with diagnostics.
 */
export async function validateManifests(
  fileArgs: readonly string[],
  options: ValidateOptions,
): Promise<ValidationResult> {
  const diagnostics: Diagnostic[] = [];
  const found = await findManifestFiles(fileArgs, options.cwd, {
    allowOutsideRoot: options.allowOutsideRoot === true,
  });
  pushAll(diagnostics, found.diagnostics);

  const read = await readManifests(found.files);
  pushAll(diagnostics, read.diagnostics);
  for (const skipped of [...found.skipped, ...read.skipped]) options.onSkipped?.(skipped);
  const checked: CheckedDocument[] = [];
  for (const doc of read.documents) {
    // A document with YAML errors has its one error (see parseManifest), and nothing more.
    if (doc.broken) continue;
    const interpolated = interpolate(doc, doc.value, options.env);
    const schema = checkSchema(doc, interpolated.value, interpolated.invalidPaths);
    pushAll(diagnostics, interpolated.diagnostics);
    pushAll(diagnostics, schema.diagnostics);
    checked.push({ doc, written: interpolated.value, value: schema.value });
  }

  const { merged, diagnostics: mergeDiagnostics } = mergeDocuments(checked);
  pushAll(diagnostics, mergeDiagnostics);
  const ctx = {
    merged,
    manifests: read.files.map((f) => f.path),
    options,
    report: (d: Diagnostic) => diagnostics.push(d),
  };
  // What a document that does not parse holds is unknown: rules that look across documents (a
  // name it defines, a file it lists) would report what is in it as missing. They wait for it.
  const unparsed = read.documents.some((doc) => doc.broken);
  if (!unparsed) {
    checkReferences(ctx);
    checkLimits(ctx);
    checkTools(ctx);
    checkAgents(ctx);
    checkMoveForms(ctx);
  }
  const disk = unparsed ? undefined : await checkDisk(ctx);

  const manifests = read.files.map((f) => f.displayPath);
  const allErrors = diagnostics.filter((d) => d.severity === 'error');
  const allWarnings = diagnostics.filter((d) => d.severity === 'warning');
  const errors = firstReported(allErrors, 'error');
  const warnings = firstReported(allWarnings, 'warning');
  const total =
    allErrors.length > MAX_REPORTED || allWarnings.length > MAX_REPORTED
      ? { total: { errors: allErrors.length, warnings: allWarnings.length } }
      : {};
  if (errors.length > 0 || read.files.length === 0 || !disk) return { errors, warnings, ...total, manifests };
  const value = buildDesired(merged, disk, manifests, rootsOf(read.files));
  // Moves are checked against what is declared, globs expanded: once the model is built.
  const moveErrors = checkMoveTargets(merged.moved, value);
  if (moveErrors.length > 0) return { errors: moveErrors.sort(compareDiagnostics), warnings, manifests };
  // Rendered requests are checked once everything they are rendered from is valid.
  const requestErrors = await checkAgentRequests(merged, value);
  if (requestErrors.length > 0) return { errors: requestErrors, warnings, manifests };
  return {
    value,
    errors,
    warnings,
    ...total,
    manifests,
    read: { files: read.files, documents: read.documents },
  };
}

/** Findings that say a limit stopped the run short: listed whatever comes before them. */
const LIMITS_REACHED: ReadonlySet<Diagnostic['code']> = new Set([
  'MANIFEST_TOO_LARGE',
  'YAML_TOO_MANY_VALUES',
  'TOO_MANY_MEMBERS',
]);

/**
 * The first MAX_REPORTED findings in file order (those that say a limit was reached among them
 * whatever their place), and a count of the rest when there are more.
 */
function firstReported(found: Diagnostic[], severity: Diagnostic['severity']): Diagnostic[] {
  const sorted = found.sort(compareDiagnostics);
  if (sorted.length <= MAX_REPORTED) return sorted;
  const limits = sorted.filter((d) => LIMITS_REACHED.has(d.code)).slice(0, MAX_REPORTED);
  const others = sorted.filter((d) => !LIMITS_REACHED.has(d.code)).slice(0, MAX_REPORTED - limits.length);
  const more = sorted.length - MAX_REPORTED;
  return [
    ...[...limits, ...others].sort(compareDiagnostics),
    {
      severity,
      code: 'TOO_MANY_DIAGNOSTICS',
      message: `${more.toLocaleString('en-US')} more ${severity}s were found and are not shown; the first ${MAX_REPORTED.toLocaleString('en-US')} are`,
      hint: 'fix the ones shown and validate again',
    },
  ];
}
