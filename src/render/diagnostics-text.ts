import type { Diagnostic } from '../errors/index.js';
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
    const text = d.excerpt.replace(/\t/g, ' ');
    const start = d.location.column - 1;
    const sameLine = d.location.endLine === undefined || d.location.endLine === d.location.line;
    const end = sameLine && d.location.endColumn !== undefined ? d.location.endColumn - 1 : text.length;
    const width = Math.max(1, Math.min(end, text.length) - start);
    lines.push(`${style.dim(` ${number} |`)} ${text}`);
    lines.push(
      `${style.dim(` ${gutter} |`)} ${' '.repeat(Math.max(0, start))}${style.red('^'.repeat(width))}`,
    );
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
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
}
