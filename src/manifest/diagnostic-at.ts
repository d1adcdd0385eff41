import type { Diagnostic, ErrorCode, RelatedLocation, Severity, SourceLocation } from '../errors/index.js';
import type { SourceDocument, ValuePath } from './source-document.js';

export interface DiagnosticOptions {
  severity?: Severity;
  hint?: string;
  /** Point at the key of the last path step instead of its value. */
  at?: 'key' | 'value';
  related?: RelatedLocation[];
  /** An exact location, when the caller knows better than the path (e.g. inside a string). */
  location?: SourceLocation;
}

/** A diagnostic located at a path of a manifest document, with the source line as its excerpt. */
export function diagnosticAt(
  doc: SourceDocument,
  path: ValuePath,
  code: ErrorCode,
  message: string,
  options: DiagnosticOptions = {},
): Diagnostic {
  const location = options.location ?? doc.locate(path, options.at ?? 'value');
  return {
    severity: options.severity ?? 'error',
    code,
    message,
    location,
    excerpt: doc.lineText(location.line),
    ...(options.hint ? { hint: options.hint } : {}),
    ...(options.related ? { related: options.related } : {}),
  };
}
