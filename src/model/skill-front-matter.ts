import { parse } from 'yaml';

/**
 * Reading a skill's `SKILL.md`: pure text in, a result out (no I/O, no error thrown). The manifest
 * rules and the emulator both read it and each words the problems its own way: a located
 * diagnostic before upload, a 400 from the emulator.
 */

/** What a skill's `SKILL.md` says of it: the name and description its skill and versions show. */
export interface SkillFrontMatter {
  name: string;
  description: string;
}

/**
 * Why a `SKILL.md` gives no name and description: no front matter block at the top, a block that
 * is not YAML, YAML that is not a mapping, or a `name` or `description` that is missing or not a
 * non-empty string (`found` is what is there, or undefined).
 */
export type SkillFrontMatterProblem =
  | { kind: 'no-front-matter' }
  | {
      kind: 'not-yaml';
      /** The parser's first line, with its place in the front matter (`... at line 1, column 16:`). */
      reason: string;
      /** The parser's words alone, without a place. */
      detail: string;
      /** Where the mistake is in SKILL.md itself (1-based), when the parser says. */
      line?: number;
      column?: number;
    }
  | { kind: 'not-mapping' }
  | { kind: 'bad-field'; key: 'name' | 'description'; found: unknown };

/** `---` on a line of its own, opening and closing the front matter (a BOM and CRLF allowed). */
const FRONT_MATTER = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

/**
 * `name` and `description` from the YAML front matter of a `SKILL.md` (the skills convention),
 * trimmed; or the first problem found. The create bodies carry only files, so this is the one
 * place a skill's name and description can come from (an inference from the spec, not a sentence
 * of it).
 */
export function parseSkillFrontMatter(
  text: string,
): { frontMatter: SkillFrontMatter } | { problem: SkillFrontMatterProblem } {
  const block = FRONT_MATTER.exec(text);
  if (!block) return { problem: { kind: 'no-front-matter' } };
  let data: unknown;
  try {
    data = parse(block[1] ?? '');
  } catch (err) {
    const reason = (err as Error).message.split('\n')[0] ?? '';
    const detail = reason.replace(/ at line \d+, column \d+:?$/, '');
    const at = (err as { linePos?: { line: number; col: number }[] }).linePos?.[0];
    // The front matter starts on the line after the opening `---`.
    const place = at ? { line: at.line + 1, column: at.col } : {};
    return { problem: { kind: 'not-yaml', reason, detail, ...place } };
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    return { problem: { kind: 'not-mapping' } };
  const fields = data as Record<string, unknown>;
  for (const key of ['name', 'description'] as const) {
    const value = fields[key];
    if (typeof value !== 'string' || value.trim() === '')
      return { problem: { kind: 'bad-field', key, found: value } };
  }
  return {
    frontMatter: {
      name: (fields.name as string).trim(),
      description: (fields.description as string).trim(),
    },
  };
}
