import { readFile } from 'node:fs/promises';
import { compareDiagnostics, type Diagnostic } from '../errors/index.js';
import type { Desired } from '../model/desired.js';
import { buildDesired } from './build-desired.js';
import { interpolate } from './interpolate.js';
import { findManifestFiles } from './manifest-files.js';
import { type CheckedDocument, mergeDocuments } from './merge.js';
import type { ValidateOptions } from './rules/context.js';
import { checkDisk } from './rules/disk.js';
import { checkLimits } from './rules/limits.js';
import { checkReferences } from './rules/references.js';
import { checkTools } from './rules/tools.js';
import { checkSchema } from './schema-check.js';
import { parseManifest } from './source-document.js';

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
  const found = await findManifestFiles(fileArgs, options.cwd);
  diagnostics.push(...found.diagnostics);

  const checked: CheckedDocument[] = [];
  for (const file of found.files) {
    let text: string;
    try {
      text = await readFile(file.path, 'utf8');
    } catch (err) {
      diagnostics.push({
        severity: 'error',
        code: 'MANIFEST_UNREADABLE',
        message: `cannot read manifest ${file.displayPath}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      });
      continue;
    }
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
