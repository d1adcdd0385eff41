import {
  parseSkillFrontMatter,
  type SkillFrontMatter,
  type SkillFrontMatterProblem,
} from '../model/skill-front-matter.js';
import { invalidRequest } from './api-error.js';

export type { SkillFrontMatter } from '../model/skill-front-matter.js';

/**
 * Reads `name` and `description` from the YAML front matter of an uploaded `SKILL.md` (see
 * parseSkillFrontMatter). Anything missing or malformed is a 400 that says which file and what to
 * fix; `where` is the file's path in the upload.
 */
export function readSkillFrontMatter(text: string, where: string): SkillFrontMatter {
  const read = parseSkillFrontMatter(text);
  if ('problem' in read) throw invalidRequest(problemText(read.problem, where), 'files');
  return read.frontMatter;
}

function problemText(problem: SkillFrontMatterProblem, where: string): string {
  switch (problem.kind) {
    case 'no-front-matter':
      return `${where} must begin with YAML front matter: a line '---', then 'name:' and 'description:', then a line '---'.`;
    case 'not-yaml':
      return `The front matter of ${where} is not valid YAML: ${problem.reason}`;
    case 'not-mapping':
      return `The front matter of ${where} must be a YAML mapping with 'name' and 'description'.`;
    case 'bad-field': {
      const found = problem.found === undefined ? 'it is missing' : `found ${JSON.stringify(problem.found)}`;
      return `The front matter of ${where} must set '${problem.key}' to a non-empty string; ${found}.`;
    }
  }
}
