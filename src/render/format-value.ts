import { isUnknown } from '../model/attributes.js';

/** How plans print a value that only apply will know (Terraform's wording). */
export const UNKNOWN_TEXT = '(known after apply)';

/**
 * Strings and compact values longer than this are shown as blocks (or diffed line by line) rather
 * than inline, so that a plan line stays readable in an 80-column terminal and in a PR comment.
 */
export const INLINE_WIDTH = 80;

/** A JSON-like object: not null, not an array, not the UNKNOWN symbol. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True for strings shown as text blocks: multi-line, or longer than INLINE_WIDTH. */
export function isLongText(value: unknown): value is string {
  return typeof value === 'string' && (value.includes('\n') || value.length > INLINE_WIDTH);
}

// C0/C1 controls (but tab) and the bidirectional overrides behind "Trojan Source": a reviewed plan
// must show what will be sent, not let the text it shows repaint the terminal or reorder itself.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const HIDDEN_CHARACTERS = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Escapes control and bidi-override characters as `\uXXXX`; tabs and everything else stay. */
export function escapeControls(text: string): string {
  return text.replace(HIDDEN_CHARACTERS, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A string as a JSON literal, with the characters JSON leaves raw (bidi overrides) escaped too. */
export function quote(text: string): string {
  return escapeControls(JSON.stringify(text));
}

/**
 * A value on one line: JSON without spaces (`{"type":"boolean"}`), strings quoted and escaped,
 * UNKNOWN as `(known after apply)` wherever it sits. Never contains a newline.
 */
export function formatInline(value: unknown): string {
  if (isUnknown(value)) return UNKNOWN_TEXT;
  if (typeof value === 'string') return quote(value);
  if (Array.isArray(value)) return `[${value.map(formatInline).join(',')}]`;
  if (isPlainObject(value))
    return `{${Object.entries(value)
      .map(([key, item]) => `${quote(key)}:${formatInline(item)}`)
      .join(',')}}`;
  if (value === undefined) return 'null';
  return String(value);
}

/** Pretty JSON lines, two spaces per level, UNKNOWN as `(known after apply)`. At least one line. */
export function formatPretty(value: unknown, indent = ''): string[] {
  const inner = `${indent}  `;
  if (Array.isArray(value) && value.length > 0) {
    const items = value.map((item) => formatPretty(item, inner));
    return ['[', ...joinItems(items, inner), `${indent}]`];
  }
  if (isPlainObject(value) && Object.keys(value).length > 0) {
    const items = Object.entries(value).map(([key, item]) => {
      const [first = '', ...rest] = formatPretty(item, inner);
      return [`${quote(key)}: ${first}`, ...rest];
    });
    return ['{', ...joinItems(items, inner), `${indent}}`];
  }
  return [formatInline(value)];
}

function joinItems(items: string[][], indent: string): string[] {
  return items.flatMap((lines, i) => {
    const out = lines.map((line, j) => (j === 0 ? `${indent}${line}` : line));
    if (i < items.length - 1) out[out.length - 1] = `${out[out.length - 1]},`;
    return out;
  });
}

/**
 * A value as the lines that show it in full. The first line follows `name: ` on the attribute's
 * line; the others go below it, at the attribute name's column:
 * - a multi-line string becomes a heredoc (`<<EOT`, its lines indented by two, `EOT`), so
 *   instructions read as text rather than as one long escaped literal;
 * - an object or array whose compact form is longer than INLINE_WIDTH becomes pretty JSON;
 * - anything else is one line (formatInline).
 */
export function valueLines(value: unknown): string[] {
  if (typeof value === 'string' && value.includes('\n')) {
    const body = (value.endsWith('\n') ? value.slice(0, -1) : value).split('\n').map(escapeControls);
    let tag = 'EOT';
    while (body.includes(tag)) tag = `${tag}_`;
    return [`<<${tag}`, ...body.map((line) => (line === '' ? '' : `  ${line}`)), tag];
  }
  const inline = formatInline(value);
  if ((Array.isArray(value) || isPlainObject(value)) && inline.length > INLINE_WIDTH)
    return formatPretty(value);
  return [inline];
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * A path as people read it: `tools[2].function.parameters`, `metadata["team.name"]`. Keys that are
 * not plain identifiers are quoted so that a key holding a dot cannot pass for two levels.
 */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${quote(segment)}]`;
  }
  return out;
}
