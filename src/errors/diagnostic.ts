import type { ErrorCode } from './codes.js';

/** A place in a source file. Lines and columns are 1-based, as editors and compilers print them. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
}

export type Severity = 'error' | 'warning';

/** A located note attached to a diagnostic, e.g. "first defined here". */
export interface RelatedLocation {
  message: string;
  location: SourceLocation;
}

/**
 * One finding about the user's input. Diagnostics are plain data: rules produce them, renderers
 * print them. `excerpt` is the text of the source line at `location`, kept here so that renderers
 * never read files.
 */
export interface Diagnostic {
  severity: Severity;
  code: ErrorCode;
  message: string;
  location?: SourceLocation;
  excerpt?: string;
  hint?: string;
  related?: RelatedLocation[];
}

/** Orders diagnostics by file, line, column, then code, so output is stable across runs. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  const fa = a.location?.file ?? '';
  const fb = b.location?.file ?? '';
  if (fa !== fb) return fa < fb ? -1 : 1;
  const la = a.location?.line ?? 0;
  const lb = b.location?.line ?? 0;
  if (la !== lb) return la - lb;
  const ca = a.location?.column ?? 0;
  const cb = b.location?.column ?? 0;
  if (ca !== cb) return ca - cb;
  if (a.code !== b.code) return a.code < b.code ? -1 : 1;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}
