import { parse } from 'yaml';
import { invalidRequest } from './api-error.js';

/** What a skill's `SKILL.md` says of it: the name and description its skill and version show. */
export interface SkillFrontMatter {
  name: string;
  description: string;
}

/** `---` on a line of its own, opening and closing the front matter (a BOM and CRLF allowed). */
const FRONT_MATTER = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

/**
 * Reads `name` and `description` from the YAML front matter of a `SKILL.md` (the skills
 * convention). The create bodies carry only files, so this is the one place a skill's name and
 * description can come from (api/README.md, "Skills": an inference, not a sentence of the spec).
 * Anything missing or malformed is a 400 that says which file and what to fix; `where` is the
 * file's path in the upload.
 */
export function readSkillFrontMatter(text: string, where: string): SkillFrontMatter {
  const block = FRONT_MATTER.exec(text);
  if (!block) {
    throw invalidRequest(
      `${where} must begin with YAML front matter: a line '---', then 'name:' and 'description:', then a line '---'.`,
      'files',
    );
  }
  let data: unknown;
  try {
    data = parse(block[1] ?? '');
  } catch (err) {
    const reason = (err as Error).message.split('\n')[0];
    throw invalidRequest(`The front matter of ${where} is not valid YAML: ${reason}`, 'files');
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw invalidRequest(
      `The front matter of ${where} must be a YAML mapping with 'name' and 'description'.`,
      'files',
    );
  }
  const fields = data as Record<string, unknown>;
  return { name: textField(fields, 'name', where), description: textField(fields, 'description', where) };
}

function textField(fields: Record<string, unknown>, key: 'name' | 'description', where: string): string {
  const value = fields[key];
  if (typeof value !== 'string' || value.trim() === '') {
    const found = value === undefined ? 'it is missing' : `found ${JSON.stringify(value)}`;
    throw invalidRequest(
      `The front matter of ${where} must set '${key}' to a non-empty string; ${found}.`,
      'files',
    );
  }
  return value.trim();
}
