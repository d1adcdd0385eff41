import path from 'node:path';
import type { Diagnostic } from '../../errors/index.js';
import type { SkillFile } from '../../model/desired.js';
import { parseSkillFrontMatter, type SkillFrontMatterProblem } from '../../model/skill-front-matter.js';
import type { PathResolver } from '../confined-path.js';
import { diagnosticAt } from '../diagnostic-at.js';
import { OUTSIDE_ROOT_HINT } from '../file-inspect.js';
import type { RawSkill } from '../manifest-types.js';
import { type Entry, validEntries } from '../merge.js';
import { readRegularText } from '../read-text.js';
import { inspectSkillFolder, type SkillEntryProblem, walkSkillFolder } from '../skill-folder.js';
import { MAX_SKILL_BYTES, MAX_SKILL_ENTRIES, MAX_SKILL_FILES } from '../skill-limits.js';
import { UNSENDABLE_NAME_HINT } from '../upload-name.js';
import type { RuleContext } from './context.js';

/** What the skill rules learned of one skill's folder: everything DesiredSkill takes from disk. */
export interface SkillFacts {
  /** The folder, real. */
  real: string;
  /** The folder relative to the manifest root, `/`-separated. */
  relativePath: string;
  /** `name` and `description` of its SKILL.md front matter. */
  skillName: string;
  description: string;
  /** Every regular file under it, sorted by relativePath (code units). */
  files: SkillFile[];
}

/** The file every skill's folder holds at its top, whose front matter names the skill. */
const SKILL_MD = 'SKILL.md';

const FRONT_MATTER_HINT = `begin ${SKILL_MD} with a line ---, then name: and description:, then a line ---`;

/**
 * Every skill's folder: inside the root (it and each file below it, links followed), a folder,
 * holding only regular files and folders, at most MAX_SKILL_FILES files and MAX_SKILL_BYTES in all,
 * with a SKILL.md at its top whose front matter sets a name and a description; and no two skills
 * of one name (the API names skills by it: the later is the error). Each finding is located at the
 * skill's `path:`. Files are only listed and stat'ed, except SKILL.md, which is read. Returns the
 * facts of each skill that passed, by the key under `skills:`.
 */
export async function checkSkills(
  ctx: RuleContext,
  resolverFor: (root: string) => PathResolver,
): Promise<Map<string, SkillFacts>> {
  const entries = validEntries(ctx.merged.skills);
  const found = await Promise.all(entries.map((entry) => checkSkill(ctx, entry, resolverFor)));
  const facts = new Map<string, SkillFacts>();
  entries.forEach((entry, index) => {
    const skill = found[index];
    if (skill) facts.set(entry.name, skill);
  });
  checkSkillNames(ctx, entries, facts);
  return facts;
}

async function checkSkill(
  ctx: RuleContext,
  entry: Entry<RawSkill>,
  resolverFor: (root: string) => PathResolver,
): Promise<SkillFacts | undefined> {
  const shown = entry.value.path;
  const at = [...entry.path, 'path'];
  let failed = false;
  const report = (code: Diagnostic['code'], message: string, hint?: string) => {
    failed = true;
    ctx.report(diagnosticAt(entry.doc, at, code, `skill "${entry.name}": ${message}`, hint ? { hint } : {}));
  };
  const resolver = resolverFor(entry.doc.file.root);
  const folder = await inspectSkillFolder(path.resolve(entry.doc.dir, shown), shown, resolver);
  if ('code' in folder) return void report(folder.code, folder.message, folder.hint);

  const walk = await walkSkillFolder(folder.real, resolver);
  const shownEntry = (entry: string) => (entry === '' ? shown : path.posix.join(shown, entry));
  for (const problem of walk.problems) {
    const { code, message, hint } = entryProblem(problem, shownEntry(problem.entry), resolver.root);
    report(code, message, hint);
  }
  if (walk.stopped === 'files')
    report(
      'SKILL_TOO_MANY_FILES',
      `folder "${shown}" holds more than ${MAX_SKILL_FILES} files; a skill version holds at most ${MAX_SKILL_FILES}`,
      'every file under the folder is uploaded, hidden ones too: move what the skill does not need (a .git folder, build output) out of it',
    );
  else if (walk.stopped === 'entries')
    report(
      'SKILL_TOO_MANY_FILES',
      `folder "${shown}" holds more than ${MAX_SKILL_ENTRIES.toLocaleString('en-US')} entries (files, folders and links, counted as the folder shows them)`,
      `a skill version holds at most ${MAX_SKILL_FILES} files: move what the skill does not need out of its folder`,
    );
  const bytes = walk.files.reduce((sum, file) => sum + file.bytes, 0);
  if (bytes > MAX_SKILL_BYTES)
    report(
      'SKILL_TOO_LARGE',
      `the files of folder "${shown}" are ${megabytes(bytes)} in all; a skill version may be at most ${megabytes(MAX_SKILL_BYTES)}`,
      'move large data out of the skill: put it in a file under files: and give it to the shell tool with files: [NAME]',
    );

  const front = await readFrontMatter(walk.files, shown);
  if (front === undefined) return undefined;
  if ('code' in front) {
    // An entry named SKILL.md that is no regular file was reported as such; so was a walk cut short.
    const reported = walk.stopped !== undefined || walk.problems.some((p) => p.entry === SKILL_MD);
    if (front.code !== 'SKILL_MD_MISSING' || !reported) report(front.code, front.message, front.hint);
    return undefined;
  }
  if (failed) return undefined;
  return {
    real: folder.real,
    relativePath: folder.relativePath,
    skillName: front.name,
    description: front.description,
    files: walk.files,
  };
}

type Finding = { code: Diagnostic['code']; message: string; hint?: string };

/**
 * `name` and `description` of the SKILL.md among the files at the folder's top (`shown` as the
 * manifest writes it), or why not; undefined when it is larger than a whole version may be (which
 * the size rule reports), so it is not read.
 */
async function readFrontMatter(
  files: readonly SkillFile[],
  folder: string,
): Promise<{ name: string; description: string } | Finding | undefined> {
  const file = files.find((f) => f.relativePath === SKILL_MD);
  if (!file) {
    const near = files.find((f) => f.relativePath.toUpperCase() === SKILL_MD.toUpperCase());
    return {
      code: 'SKILL_MD_MISSING',
      message: `folder "${folder}" has no ${SKILL_MD} at its top`,
      hint: near
        ? `the name is ${SKILL_MD}, in capitals: rename ${near.relativePath}`
        : `a skill's folder holds ${SKILL_MD}, whose front matter gives the skill's name and description: ${FRONT_MATTER_HINT}`,
    };
  }
  if (file.bytes > MAX_SKILL_BYTES) return undefined;
  const shown = path.posix.join(folder, SKILL_MD);
  const read = await readRegularText(file.path, MAX_SKILL_BYTES);
  if (!('text' in read))
    return {
      code: 'FILE_UNREADABLE',
      message: `"${shown}" cannot be read: ${read.kind === 'error' ? read.code : read.kind}`,
    };
  const parsed = parseSkillFrontMatter(read.text);
  if ('problem' in parsed)
    return {
      code: 'SKILL_FRONT_MATTER_INVALID',
      message: frontMatterMessage(parsed.problem, shown),
      hint: FRONT_MATTER_HINT,
    };
  return parsed.frontMatter;
}

function frontMatterMessage(problem: SkillFrontMatterProblem, shown: string): string {
  switch (problem.kind) {
    case 'no-front-matter':
      return `"${shown}" does not begin with YAML front matter`;
    case 'not-yaml': {
      const place = problem.line !== undefined ? ` (line ${problem.line}, column ${problem.column})` : '';
      return `the front matter of "${shown}" is not valid YAML${place}: ${problem.detail}`;
    }
    case 'not-mapping':
      return `the front matter of "${shown}" is not a mapping with name and description`;
    case 'bad-field':
      return problem.found === undefined
        ? `the front matter of "${shown}" does not set ${problem.key}`
        : `the front matter of "${shown}" sets ${problem.key} to ${JSON.stringify(problem.found)}, not a non-empty string`;
  }
}

/** An entry of the folder that is not uploaded, in words; `shown` is its path as the manifest reaches it. */
function entryProblem(problem: SkillEntryProblem, shown: string, root: string): Finding {
  switch (problem.kind) {
    case 'outside':
      return {
        code: 'PATH_OUTSIDE_ROOT',
        message: `"${shown}" is a link that leads outside the manifest root ${root}`,
        hint: OUTSIDE_ROOT_HINT,
      };
    case 'loop':
      return {
        code: 'LINK_LOOP',
        message: `"${shown}" is a link that loops`,
        hint: 'fix or remove the link',
      };
    case 'cycle':
      return {
        code: 'LINK_LOOP',
        message: `"${shown}" is a link to a folder that holds it: the skill's folder would never end`,
        hint: 'remove the link, or make it lead to a folder that is not above it',
      };
    case 'dangling':
      return { code: 'FILE_NOT_FOUND', message: `"${shown}" is a link that leads nowhere (${problem.code})` };
    case 'special':
      return {
        code: 'NOT_A_REGULAR_FILE',
        message: `"${shown}" is not a regular file or folder (a FIFO, socket or device)`,
        hint: "only regular files are uploaded: move it out of the skill's folder",
      };
    case 'unreadable':
      return { code: 'FILE_UNREADABLE', message: `folder "${shown}" cannot be listed: ${problem.code}` };
    case 'unsendable':
      return {
        code: 'UNSUPPORTED_FILE_NAME',
        message: `"${shown}" has a name the API would not record as written`,
        hint: UNSENDABLE_NAME_HINT,
      };
  }
}

/**
 * Two skills whose SKILL.md names them alike: the API names a skill by that name, so the second
 * is an error at its `path:`, the first one related. Visited in manifest order, so the report is stable.
 */
function checkSkillNames(
  ctx: RuleContext,
  entries: readonly Entry<RawSkill>[],
  facts: ReadonlyMap<string, SkillFacts>,
): void {
  const first = new Map<string, Entry<RawSkill>>();
  for (const entry of entries) {
    const skill = facts.get(entry.name);
    if (!skill) continue;
    const earlier = first.get(skill.skillName);
    if (!earlier) {
      first.set(skill.skillName, entry);
      continue;
    }
    const same = facts.get(earlier.name)?.real === skill.real;
    ctx.report(
      diagnosticAt(
        entry.doc,
        [...entry.path, 'path'],
        'DUPLICATE_SKILL_NAME',
        `skill "${entry.name}" is named "${skill.skillName}" in its ${SKILL_MD}, as skill "${earlier.name}" is${same ? ` (both are the folder ${skill.relativePath})` : ''}`,
        {
          related: [
            {
              message: `skill "${earlier.name}" is here`,
              location: earlier.doc.locate([...earlier.path, 'path']),
            },
          ],
          hint: same
            ? `one folder is one skill: use the name "${earlier.name}" wherever this skill is meant`
            : `the API names a skill by the name in its ${SKILL_MD} front matter: give each skill its own`,
        },
      ),
    );
  }
}

function megabytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1).replace(/\.0$/, '')} MB`;
}
