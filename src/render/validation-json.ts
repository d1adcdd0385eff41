import type { Diagnostic } from '../errors/index.js';
import { foundCounts, type ValidationResult } from '../manifest/validate.js';

/** Format version of the JSON that `validate --format json` prints; bumped on breaking changes. */
export const VALIDATION_FORMAT_VERSION = '1';

/** A diagnostic as JSON: flat, snake_case, stable field names. */
export function diagnosticJson(d: Diagnostic): Record<string, unknown> {
  return {
    severity: d.severity,
    code: d.code,
    message: d.message,
    file: d.location?.file ?? null,
    line: d.location?.line ?? null,
    column: d.location?.column ?? null,
    end_line: d.location?.endLine ?? null,
    end_column: d.location?.endColumn ?? null,
    source_line: d.excerpt ?? null,
    hint: d.hint ?? null,
    related: (d.related ?? []).map((r) => ({
      message: r.message,
      file: r.location.file,
      line: r.location.line,
      column: r.location.column,
    })),
  };
}

/** The outcome of `validate` for machines. */
export function renderValidationJson(result: ValidationResult): string {
  const d = result.value;
  const found = foundCounts(result);
  const body = {
    format_version: VALIDATION_FORMAT_VERSION,
    valid: d !== undefined,
    manifests: result.manifests,
    // The numbers found, also when only the first of them are listed (see MAX_REPORTED).
    error_count: found.errors,
    warning_count: found.warnings,
    diagnostics: [...result.errors, ...result.warnings].map(diagnosticJson),
    summary: d
      ? {
          stack: d.stack,
          files: d.files.length,
          vector_stores: d.vectorStores.length,
          vector_store_files: d.memberships.length,
          assistants: d.assistants.length,
          agents: d.agents.length,
          addresses: [...d.files, ...d.vectorStores, ...d.memberships, ...d.assistants, ...d.agents].map(
            (r) => r.address,
          ),
        }
      : null,
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}
