/**
 * YAML values the manifests of one run may hold together, as estimated before each file is parsed
 * (see checkYamlBudget and readManifests).
 * The parser takes about 1 KB of memory and 10 to 20 µs per value, so this keeps any file under
 * about 600 MB and a few seconds; a manifest `import --generate` writes for 100,000 store members
 * (`- file_id: file-...`, 4 each) counts 400,000. Hand-written manifests count a few thousand.
 */
export const MAX_YAML_VALUES = 500_000;
/**
 * YAML documents the manifests of one run may hold together (each file is at least one): each
 * costs a document of its own, and real stacks have a few dozen.
 */
export const MAX_YAML_DOCUMENTS = 1_000;

/** The estimate, and where the text passes a limit: the offset of the character that passes it. */
export interface YamlBudget {
  values: number;
  documents: number;
  exceeded?: { limit: 'values' | 'documents'; offset: number };
}

const LF = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;

/**
 * Estimates, in one pass over the text and without parsing it, how many values and documents the
 * YAML parser would build, and stops at the first character that passes a limit (by default
 * MAX_YAML_VALUES and MAX_YAML_DOCUMENTS). Each indicator counts for the most values it can start,
 * problems the parser would report included (each costs about as much as a value): `: ` and `,`
 * two (a key and its value; three for a `:` with no key before it), `- ` two, `? ` two, `[` and `{` two, `]` and `}` one, an alias,
 * anchor or tag three, a quote half (two make a quoted value, which YAML that does not parse
 * strings together without commas), a backslash or a control character one (a bad escape), a
 * line with none of those that start a value (all but quotes, `]`, `}` and backslashes) two (a
 * plain key or scalar, and the problem of a line that does not parse), a document one. So the estimate is never below the values of well-formed YAML and
 * within a small factor of values and problems of any text (test/property/yaml-budget).
 * Indicators count wherever they stand, in quoted text and comments too: telling those apart
 * would take a parser, and a mistake there could hide a list from the count. Prose counts a
 * little high, which the limit leaves room for.
 */
export function checkYamlBudget(
  text: string,
  limits: { values: number; documents: number } = { values: MAX_YAML_VALUES, documents: MAX_YAML_DOCUMENTS },
): YamlBudget {
  // Counted in halves of a value: a quote may open a quoted scalar, which takes two.
  const maxHalves = limits.values * 2;
  // Each document has a value at its root that no indicator announces.
  let halves = 2;
  let documents = 1;
  /** Whether the current line has text, and whether an indicator that starts a value was counted on it. */
  let content = false;
  let counted = false;
  const result = (offset?: number, limit: 'values' | 'documents' = 'values'): YamlBudget => ({
    values: Math.ceil(halves / 2),
    documents,
    ...(offset === undefined ? {} : { exceeded: { limit, offset } }),
  });
  for (let i = 0; i <= text.length; i++) {
    const c = text.charCodeAt(i);
    if (Number.isNaN(c) || c === LF || c === CR) {
      // A line with text but no indicator counted: a plain key or scalar, or (in YAML that does
      // not parse) a value and a problem of its own.
      if (content && !counted) halves += 4;
      content = false;
      counted = false;
      if (halves > maxHalves) return result(Math.min(i, text.length));
      continue;
    }
    if (!content && isDocumentMarker(text, i)) {
      halves += 2;
      if (++documents > limits.documents) return result(i, 'documents');
    }
    content = true;
    const before = halves;
    // Characters YAML refuses (controls but tab and line breaks, BOMs, NEL, line separators),
    // and escapes in quoted text, are an error each when they are wrong.
    if (c < 0x20 || c === 0x7f || c === 0x5c || c === 0x85 || c === 0xfeff || c === 0x2028 || c === 0x2029)
      halves += c === TAB ? 0 : 2;
    switch (c) {
      case 0x2c: // ,
        halves += 4;
        break;
      case 0x5b: // [
      case 0x7b: // {
        halves += 4;
        break;
      case 0x5d: // ]
      case 0x7d: // }
        halves += 2;
        break;
      case 0x22: // "
      case 0x27: // '
        halves += 1;
        break;
      case 0x3a: {
        // `:` ends a key when a space, a line break, a flow indicator or the end follows it, or
        // right after a quoted key (`{"a":1}`); with no key before it, the empty key is one more.
        const previous = text.charCodeAt(i - 1);
        if (isSeparator(text.charCodeAt(i + 1)) || previous === 0x22 || previous === 0x27)
          halves += isSeparator(previous) ? 6 : 4;
        break;
      }
      case 0x2d: // -
        if (isBlank(text.charCodeAt(i + 1))) halves += 4;
        break;
      case 0x3f: // ?
        if (isBlank(text.charCodeAt(i + 1))) halves += 4;
        break;
      case 0x2a: // * an alias
      case 0x21: // ! a tag
      case 0x26: // & an anchor
        if (isSeparator(text.charCodeAt(i - 1))) halves += 6;
        break;
    }
    // An indicator that starts a value (not a quote, `]`, `}` or `\`) stands for the line's value.
    if (halves - before >= 4) counted = true;
    if (halves > maxHalves) return result(i);
  }
  return result();
}

/** `---` or `...` at the start of a line, followed by a blank or the end: a document boundary. */
function isDocumentMarker(text: string, at: number): boolean {
  const c = text.charCodeAt(at);
  if (c !== 0x2d && c !== 0x2e) return false;
  return text.charCodeAt(at + 1) === c && text.charCodeAt(at + 2) === c && isBlank(text.charCodeAt(at + 3));
}

/** A space, tab or line break, or past the end (NaN). */
function isBlank(c: number): boolean {
  return Number.isNaN(c) || c === SPACE || c === TAB || c === LF || c === CR;
}

/** What may follow the `:` of a key: a blank, or a flow indicator. */
function isSeparator(c: number): boolean {
  return isBlank(c) || c === 0x2c || c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d;
}
