import type { Diagnostic } from '../errors/index.js';
import { counted } from '../util/words.js';
import type { Style } from './style.js';

/**
 * Diagnostics as text for people, one block each:
 *
 *   examples/bot.yaml:12:5 error[UNKNOWN_KEY]: unknown key "instruction" in assistant "bot"; did you mean "instructions"?
 *      12 |     instruction: Be brief
 *         |     ^^^^^^^^^^^
 *      = hint: known keys: ...
 */
export function renderDiagnostics(diagnostics: readonly Diagnostic[], style: Style): string {
  return diagnostics.map((d) => renderDiagnostic(d, style)).join('\n');
}

export function renderDiagnostic(d: Diagnostic, style: Style): string {
  const where = d.location ? `${d.location.file}:${d.location.line}:${d.location.column} ` : '';
  const label =
    d.severity === 'error'
      ? style.red(style.bold(`error[${d.code}]`))
      : style.yellow(style.bold(`warning[${d.code}]`));
  const lines = [`${style.bold(where)}${label}: ${d.message}`];
  if (d.location && d.excerpt !== undefined) {
    const number = String(d.location.line);
    const gutter = ' '.repeat(number.length);
    const sameLine = d.location.endLine === undefined || d.location.endLine === d.location.line;
    const end = sameLine && d.location.endColumn !== undefined ? d.location.endColumn - 1 : undefined;
    const view = excerptWindow(d.excerpt, d.location.column - 1, end);
    lines.push(`${style.dim(` ${number} |`)} ${view.text}`);
    lines.push(`${style.dim(` ${gutter} |`)} ${' '.repeat(view.start)}${style.red('^'.repeat(view.width))}`);
  }
  for (const related of d.related ?? []) {
    const l = related.location;
    lines.push(`${style.dim('  = note:')} ${related.message} at ${l.file}:${l.line}:${l.column}`);
  }
  if (d.hint) lines.push(`${style.dim('  = hint:')} ${d.hint}`);
  return `${lines.join('\n')}\n`;
}

/** "2 errors, 1 warning" */
export function countSummary(errors: number, warnings: number): string {
  return `${counted(errors, 'error')}, ${counted(warnings, 'warning')}`;
}

/** Re-exported for the renderers and flows that count with it. */
export { counted };

/** Columns of source shown around the mark, so a minified 300,000-character line prints as one line. */
const WINDOW = 100;

/**
 * The part of a source line to print and where the carets go. Control characters become `·` so a
 * stray carriage return or escape sequence cannot garble the terminal; long lines are cut to a
 * window around the mark, with `…` where text is left out.
 */
export function excerptWindow(
  line: string,
  start: number,
  end: number | undefined,
): { text: string; start: number; width: number } {
  const clean = line.replace(/\t/g, ' ').replace(/\p{Cc}/gu, '·');
  const from = Math.max(0, Math.min(start, clean.length));
  const to = Math.max(from + 1, Math.min(end ?? clean.length, clean.length));
  if (clean.length <= WINDOW)
    return { text: clean, start: from, width: Math.max(1, Math.min(to, clean.length) - from) };
  const left = Math.max(0, from - 20);
  const right = Math.min(clean.length, left + WINDOW);
  const text = `${left > 0 ? '…' : ''}${clean.slice(left, right)}${right < clean.length ? '…' : ''}`;
  const offset = left > 0 ? 1 : 0;
  return { text, start: from - left + offset, width: Math.max(1, Math.min(to, right) - from) };
}
