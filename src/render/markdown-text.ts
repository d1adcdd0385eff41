import { escapeControls } from './format-value.js';

/** Escaping and small building blocks of GitHub-flavoured Markdown, shared by the Markdown renderers. */

/** HTML-escaped, with control characters escaped too (a newline would end a summary line). */
export function escapeHtml(text: string): string {
  return escapeControls(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function htmlCode(text: string): string {
  return `<code>${escapeHtml(text)}</code>`;
}

/** A Markdown code span that holds any text (names derived from paths may contain backticks). */
export function codeSpan(raw: string): string {
  const text = escapeControls(raw);
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = '`'.repeat(longest + 1);
  const pad = longest > 0 ? ' ' : '';
  return `${ticks}${pad}${text}${pad}${ticks}`;
}

/** A fence longer than any backtick run in the content, so content cannot close the block. */
export function fenceFor(lines: readonly string[]): string {
  const longest = Math.max(0, ...lines.flatMap((line) => (line.match(/`+/g) ?? []).map((run) => run.length)));
  return '`'.repeat(Math.max(3, longest + 1));
}

export type AlertKind = 'CAUTION' | 'WARNING' | 'NOTE' | 'IMPORTANT';

/** A GitHub alert (`> [!KIND]`) of the given lines. */
export function alert(kind: AlertKind, lines: readonly string[]): string {
  return [`> [!${kind}]`, ...lines.map((line) => `> ${line}`)].join('\n');
}

/** `1 file`, `2 files`, with thousands separated (`3,000 files`). */
export function counted(n: number, noun: string, plural = `${noun}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? noun : plural}`;
}
