import path from 'node:path';
import type { Diagnostic } from '../../errors/index.js';
import { LIMITS } from '../../model/limits.js';
import { type PathResolver, resolverCache } from '../confined-path.js';
import { diagnosticAt } from '../diagnostic-at.js';
import { type FileFacts, inspectFile, isProblem } from '../file-inspect.js';
import type { RawSections } from '../manifest-types.js';
import { type Entry, validEntries } from '../merge.js';
import { readRegularText } from '../read-text.js';
import type { SourceDocument, ValuePath } from '../source-document.js';
import { codePointLength } from '../text-length.js';
import { UNSENDABLE_NAME_HINT, unsendableName } from '../upload-name.js';
import type { RuleContext } from './context.js';
import { checkCodeInterpreterFiles, checkStoreMembers } from './file-types.js';
import { expandGlobMembers, type GlobMatch } from './glob-members.js';
import { checkRenderTargets } from './render-targets.js';
import { checkSkills, type SkillFacts } from './skills.js';

/** What the disk rules learned, for building the desired model without touching the disk again. */
export interface DiskFacts {
  files: Map<string, FileFacts>;
  /** Glob matches by store name and member index. */
  globs: Map<string, Map<number, GlobMatch[]>>;
  /** Instructions read from files, by assistant name and by agent name. */
  instructions: Map<string, InstructionsText>;
  agentInstructions: Map<string, InstructionsText>;
  /** What each skill's folder holds, by the key under `skills:` (see checkSkills). */
  skills: Map<string, SkillFacts>;
  /** Where each agent with `render_to` renders, relative to the working folder (see checkRenderTargets). */
  renderTargets: Map<string, string>;
}

interface InstructionsText {
  text: string;
  relativePath: string;
  /** The file's real path (a render_to must not name it). */
  real: string;
}

/** An entry that may take its instructions from a file. */
type InstructionsOwner = { instructions?: string | { file: string } };

type ProblemAt = (
  doc: SourceDocument,
  at: ValuePath,
  problem: { code: Diagnostic['code']; message: string; hint?: string },
) => void;

/** The instructions of an assistant or agent read from `{file}`: inside the root, regular, not too long. */
async function readInstructions(
  entry: Entry<InstructionsOwner>,
  noun: string,
  resolverFor: (root: string) => PathResolver,
  problemAt: ProblemAt,
  report: RuleContext['report'],
): Promise<InstructionsText | undefined> {
  const instructions = entry.value.instructions;
  if (typeof instructions !== 'object') return undefined;
  const at = [...entry.path, 'instructions', 'file'];
  const result = await inspectFile(
    path.resolve(entry.doc.dir, instructions.file),
    instructions.file,
    resolverFor(entry.doc.file.root),
  );
  if (isProblem(result)) return void problemAt(entry.doc, at, result);
  // A character is at most 4 bytes of UTF-8: a larger file is too long without reading it.
  const read = await readRegularText(result.real, LIMITS.instructions * 4);
  if (!('text' in read)) {
    if (read.kind === 'too-large') {
      return void problemAt(entry.doc, at, {
        code: 'OUT_OF_RANGE',
        message: `instructions of ${noun} "${entry.name}" read from "${instructions.file}" are ${read.bytes.toLocaleString('en-US')} bytes long; the limit is ${LIMITS.instructions.toLocaleString('en-US')} characters`,
      });
    }
    return void problemAt(
      entry.doc,
      at,
      read.kind === 'not-regular'
        ? { code: 'NOT_A_REGULAR_FILE', message: `path "${instructions.file}" is not a regular file` }
        : { code: 'FILE_NOT_FOUND', message: `file "${instructions.file}" cannot be read: ${read.code}` },
    );
  }
  const { text } = read;
  const length = codePointLength(text);
  if (length > LIMITS.instructions) {
    return void report(
      diagnosticAt(
        entry.doc,
        at,
        'OUT_OF_RANGE',
        `instructions of ${noun} "${entry.name}" read from "${instructions.file}" are ${length.toLocaleString('en-US')} characters long; the limit is ${LIMITS.instructions.toLocaleString('en-US')}`,
      ),
    );
  }
  return { text, relativePath: result.relativePath, real: result.real };
}

/**
 * Everything that needs the file system: declared files and instruction files exist, are regular,
 * small enough and inside the root; skills' folders hold what a skill version may (see
 * checkSkills); globs match something; files attached to vector stores have a
 * type file_search reads; files to upload have names the upload carries as written (see
 * unsendableName); two entries under files: are not one file. Only lstat, readlink and stat
 * touch referenced files, and, unless --allow-outside-root, only inside the root; only instruction
 * files and skills' SKILL.md are read.
 */
export async function checkDisk(ctx: RuleContext): Promise<DiskFacts> {
  const { merged, report } = ctx;
  const resolverFor = resolverCache(ctx.options.allowOutsideRoot === true);
  const facts: DiskFacts = {
    files: new Map(),
    globs: new Map(),
    instructions: new Map(),
    agentInstructions: new Map(),
    skills: new Map(),
    renderTargets: new Map(),
  };

  const problemAt: ProblemAt = (doc, at, problem) =>
    report(diagnosticAt(doc, at, problem.code, problem.message, problem.hint ? { hint: problem.hint } : {}));

  // Declared files.
  await Promise.all(
    validEntries(merged.files).map(async (entry) => {
      const shown = entry.value.path;
      const result = await inspectFile(
        path.resolve(entry.doc.dir, shown),
        shown,
        resolverFor(entry.doc.file.root),
      );
      if (isProblem(result)) return problemAt(entry.doc, [...entry.path, 'path'], result);
      const unsendable = unsendableName(result);
      if (unsendable !== undefined)
        return problemAt(entry.doc, [...entry.path, 'path'], {
          code: 'UNSUPPORTED_FILE_NAME',
          message: `file "${entry.name}" would be uploaded as ${JSON.stringify(unsendable)}, a name the API would not record as written`,
          hint: UNSENDABLE_NAME_HINT,
        });
      facts.files.set(entry.name, result);
    }),
  );
  // Instruction files.
  const readFor = (noun: string, into: Map<string, InstructionsText>) => (entry: Entry<InstructionsOwner>) =>
    readInstructions(entry, noun, resolverFor, problemAt, report).then((read) => {
      if (read) into.set(entry.name, read);
    });
  const [skills] = await Promise.all([
    checkSkills(ctx, resolverFor),
    ...validEntries(merged.assistants).map(readFor('assistant', facts.instructions)),
    ...validEntries(merged.agents).map(readFor('agent', facts.agentInstructions)),
  ]);
  facts.skills = skills;
  checkSameFiles(ctx, facts);
  const declaredByIdentity = new Map<string, string>();
  for (const [name, f] of facts.files)
    if (!declaredByIdentity.has(f.identity)) declaredByIdentity.set(f.identity, name);
  await expandGlobMembers(ctx, facts, declaredByIdentity, resolverFor);
  checkStoreMembers(ctx, facts);
  checkCodeInterpreterFiles(ctx, facts);
  // Last: a render_to must not name any file the manifests read or upload.
  facts.renderTargets = await checkRenderTargets(ctx, resolverFor, referencedFiles(facts));
  return facts;
}

/** Real paths of every file the manifests read or upload: instruction files, files, glob matches, skills' files. */
function referencedFiles(facts: DiskFacts): Set<string> {
  const paths = new Set<string>();
  for (const file of facts.files.values()) paths.add(file.real);
  for (const byMember of facts.globs.values())
    for (const matches of byMember.values()) for (const match of matches) paths.add(match.facts.real);
  for (const read of [...facts.instructions.values(), ...facts.agentInstructions.values()])
    paths.add(read.real);
  for (const skill of facts.skills.values()) for (const file of skill.files) paths.add(file.path);
  return paths;
}

/**
 * Two entries under files: that are one file on disk (the same path, a link and its target, or
 * two hard links) with the same purpose would upload it twice under two addresses: an error at the later one.
 * Entries are visited in manifest order, so the report is stable.
 */
function checkSameFiles(ctx: RuleContext, facts: DiskFacts): void {
  const first = new Map<string, Entry<RawSections['files']>>();
  for (const entry of validEntries(ctx.merged.files)) {
    const file = facts.files.get(entry.name);
    if (!file) continue;
    const key = `${entry.value.purpose ?? 'assistants'}\0${file.identity}`;
    const earlier = first.get(key);
    if (!earlier) {
      first.set(key, entry);
      continue;
    }
    const earlierPath = facts.files.get(earlier.name)?.relativePath ?? file.relativePath;
    const where =
      earlierPath === file.relativePath
        ? file.relativePath
        : `${file.relativePath} and ${earlierPath} are hard links to one file`;
    ctx.report(
      diagnosticAt(
        entry.doc,
        [...entry.path, 'path'],
        'DUPLICATE_FILE',
        `file "${entry.name}" is the same file on disk as file "${earlier.name}" (${where})`,
        {
          related: [
            { message: 'declared first here', location: earlier.doc.locate([...earlier.path, 'path']) },
          ],
          hint: `one file is uploaded once: use the name "${earlier.name}" wherever this file is meant`,
        },
      ),
    );
  }
}
