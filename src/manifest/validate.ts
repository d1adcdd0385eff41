import { compareDiagnostics, type Diagnostic } from '../errors/index.js';
import type { Desired } from '../model/desired.js';
import { buildDesired } from './build-desired.js';
import { interpolate } from './interpolate.js';
import { findManifestFiles, type ManifestFile } from './manifest-files.js';
import { type CheckedDocument, mergeDocuments } from './merge.js';
import { readRegularText } from './read-text.js';
import type { ValidateOptions } from './rules/context.js';
import { checkDisk } from './rules/disk.js';
import { checkLimits } from './rules/limits.js';
import { checkReferences } from './rules/references.js';
import { checkTools } from './rules/tools.js';
import { checkSchema } from './schema-check.js';
import { parseManifest } from './source-document.js';

/**
 * Bytes a manifest file may have: room for a generated manifest of 150,000 store members, while a
 * stray data file (or a hostile one) is refused before it is read, not parsed for minutes.
 */
export const MAX_MANIFEST_BYTES = 8 * 1024 * 1024;

export type { ValidateOptions } from './rules/context.js';

/** The outcome of validation: the desired model when there is no error, and every finding. */
export interface ValidationResult {
  value?: Desired;
  errors: Diagnostic[];
  warnings: Diagnostic[];
  /** The manifest files that were read, as displayed. */
  manifests: string[];
}

/**
 * Reads and validates the manifests named by the -f arguments: YAML, then schema, then semantic
 * rules, reporting every finding at once. Offline: no network, and no file content read except
 * manifests and instruction files. Never throws for bad input; it answers with diagnostics.
 */
export async function validateManifests(
  fileArgs: readonly string[],
  options: ValidateOptions,
): Promise<ValidationResult> {
  const diagnostics: Diagnostic[] = [];
  const found = await findManifestFiles(fileArgs, options.cwd, {
    allowOutsideRoot: options.allowOutsideRoot === true,
  });
  diagnostics.push(...found.diagnostics);

  const checked: CheckedDocument[] = [];
  for (const file of found.files) {
    const text = await readManifest(file, diagnostics);
    if (text === undefined) continue;
    const parsed = parseManifest(file, text);
    diagnostics.push(...parsed.diagnostics);
    for (const doc of parsed.documents) {
      // A document with YAML errors only lends its names (see parseManifest).
      if (doc.broken) {
        checked.push({ doc, written: doc.value, value: {} });
        continue;
      }
      const interpolated = interpolate(doc, doc.value, options.env);
      const schema = checkSchema(doc, interpolated.value, interpolated.invalidPaths);
      diagnostics.push(...interpolated.diagnostics, ...schema.diagnostics);
      checked.push({ doc, written: interpolated.value, value: schema.value });
    }
  }

  const { merged, diagnostics: mergeDiagnostics } = mergeDocuments(checked);
  diagnostics.push(...mergeDiagnostics);
  const ctx = { merged, options, report: (d: Diagnostic) => diagnostics.push(d) };
  checkReferences(ctx);
  checkLimits(ctx);
  checkTools(ctx);
  const disk = await checkDisk(ctx);

  const manifests = found.files.map((f) => f.displayPath);
  const errors = diagnostics.filter((d) => d.severity === 'error').sort(compareDiagnostics);
  const warnings = diagnostics.filter((d) => d.severity === 'warning').sort(compareDiagnostics);
  if (errors.length > 0 || found.files.length === 0) return { errors, warnings, manifests };
  return { value: buildDesired(merged, disk, manifests), errors, warnings, manifests };
}

/** The text of a manifest file, or undefined with the reason in `diagnostics`. */
async function readManifest(file: ManifestFile, diagnostics: Diagnostic[]): Promise<string | undefined> {
  const read = await readRegularText(file.path, MAX_MANIFEST_BYTES);
  if ('text' in read) return read.text;
  if (read.kind === 'too-large') {
    diagnostics.push({
      severity: 'error',
      code: 'MANIFEST_TOO_LARGE',
      message: `manifest ${file.displayPath} is ${(read.bytes / 2 ** 20).toFixed(1)} MB; manifests may be at most ${MAX_MANIFEST_BYTES / 2 ** 20} MB`,
      hint: 'split it into several files, or keep data that is not a manifest out of the folder given with -f',
    });
  } else {
    diagnostics.push({
      severity: 'error',
      code: 'MANIFEST_UNREADABLE',
      message:
        read.kind === 'not-regular'
          ? `cannot read manifest ${file.displayPath}: it is not a regular file`
          : `cannot read manifest ${file.displayPath}: ${read.code}`,
    });
  }
  return undefined;
}
