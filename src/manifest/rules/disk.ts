import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { glob } from 'tinyglobby';
import type { Diagnostic, SourceLocation } from '../../errors/index.js';
import { CODE_INTERPRETER_EXTENSIONS, extensionOf, FILE_SEARCH_EXTENSIONS } from '../../model/file-types.js';
import { LIMITS } from '../../model/limits.js';
import { diagnosticAt } from '../diagnostic-at.js';
import { type FileFacts, inspectFile, isProblem } from '../file-inspect.js';
import { validEntries } from '../merge.js';
import type { SourceDocument, ValuePath } from '../source-document.js';
import { codePointLength } from '../text-length.js';
import type { RuleContext } from './context.js';

/** A file matched by a glob member, and the file name it goes by. */
export interface GlobMatch {
  name: string;
  facts: FileFacts;
  /** True when the match is a file also declared under `files:` (it then goes by that name). */
  declared: boolean;
}

/** What the disk rules learned, for building the desired model without touching the disk again. */
export interface DiskFacts {
  files: Map<string, FileFacts>;
  /** Glob matches by store name and member index. */
  globs: Map<string, Map<number, GlobMatch[]>>;
  instructions: Map<string, { text: string; relativePath: string }>;
}

/** How many file names a summary diagnostic lists before "and N more". */
const LISTED = 5;

const dirOf = (doc: SourceDocument) => path.dirname(doc.file.path);

function listed(names: readonly string[]): string {
  const head = names.slice(0, LISTED).join(', ');
  return names.length > LISTED ? `${head} and ${names.length - LISTED} more` : head;
}

/**
 * Everything that needs the file system: declared files and instruction files exist, are regular,
 * small enough and inside the root; globs match something; files attached to vector stores have a
 * type file_search reads. Only stat and realpath touch referenced files; only instruction files
 * are read.
 */
export async function checkDisk(ctx: RuleContext): Promise<DiskFacts> {
  const { merged, report } = ctx;
  const allowOutside = ctx.options.allowOutsideRoot === true;
  const facts: DiskFacts = { files: new Map(), globs: new Map(), instructions: new Map() };

  const problemAt = (
    doc: SourceDocument,
    at: ValuePath,
    problem: { code: Diagnostic['code']; message: string; hint?: string },
  ) =>
    report(diagnosticAt(doc, at, problem.code, problem.message, problem.hint ? { hint: problem.hint } : {}));

  // Declared files.
  await Promise.all(
    validEntries(merged.files).map(async (entry) => {
      const shown = entry.value.path;
      const result = await inspectFile(
        path.resolve(dirOf(entry.doc), shown),
        shown,
        entry.doc.file.root,
        allowOutside,
      );
      if (isProblem(result)) problemAt(entry.doc, [...entry.path, 'path'], result);
      else facts.files.set(entry.name, result);
    }),
  );
  const declaredByReal = new Map<string, string>();
  for (const [name, f] of facts.files) if (!declaredByReal.has(f.real)) declaredByReal.set(f.real, name);

  // Instruction files.
  await Promise.all(
    validEntries(merged.assistants).map(async (entry) => {
      const instructions = entry.value.instructions;
      if (typeof instructions !== 'object') return;
      const at = [...entry.path, 'instructions', 'file'];
      const result = await inspectFile(
        path.resolve(dirOf(entry.doc), instructions.file),
        instructions.file,
        entry.doc.file.root,
        allowOutside,
      );
      if (isProblem(result)) return problemAt(entry.doc, at, result);
      const text = await readFile(result.real, 'utf8');
      const length = codePointLength(text);
      if (length > LIMITS.instructions) {
        return report(
          diagnosticAt(
            entry.doc,
            at,
            'OUT_OF_RANGE',
            `instructions of assistant "${entry.name}" read from "${instructions.file}" are ${length.toLocaleString('en-US')} characters long; the limit is ${LIMITS.instructions.toLocaleString('en-US')}`,
          ),
        );
      }
      facts.instructions.set(entry.name, { text, relativePath: result.relativePath });
    }),
  );

  // Glob members.
  // Names derived from glob matches so far, with where each was first derived.
  const derived = new Map<string, { real: string; location: SourceLocation }>();
  for (const store of validEntries(merged.vector_stores)) {
    const byIndex = new Map<number, GlobMatch[]>();
    facts.globs.set(store.name, byIndex);
    await Promise.all(
      (store.value.files ?? []).map(async (member, index) => {
        if (typeof member !== 'object' || !('glob' in member)) return;
        const at = [...store.path, 'files', index, 'glob'];
        const matches = await expandGlob(store.doc, at, member.glob, allowOutside, ctx);
        if (matches) byIndex.set(index, matches);
      }),
    );
    // Names are given in member order so that collisions are reported at the later member.
    for (const [index, matches] of [...byIndex].sort((a, b) => a[0] - b[0])) {
      const at = [...store.path, 'files', index, 'glob'];
      const kept: GlobMatch[] = [];
      for (const match of matches) {
        const declaredName = declaredByReal.get(match.facts.real);
        if (declaredName !== undefined) {
          kept.push({ ...match, name: declaredName, declared: true });
          continue;
        }
        const taken = merged.files.get(match.name);
        const other = derived.get(match.name);
        const first = taken
          ? taken.doc.locate(taken.path, 'key')
          : other?.real !== match.facts.real
            ? other?.location
            : undefined;
        if (first) {
          report(
            diagnosticAt(
              store.doc,
              at,
              'DUPLICATE_NAME',
              `a glob matches "${match.name}", a name already taken by another file`,
              {
                related: [{ message: 'the name is first used here', location: first }],
                hint: 'rename the file under files:, or narrow the glob',
              },
            ),
          );
          continue;
        }
        derived.set(match.name, { real: match.facts.real, location: store.doc.locate(at) });
        kept.push(match);
      }
      byIndex.set(index, kept);
    }
  }

  checkStoreMembers(ctx, facts);
  checkCodeInterpreterFiles(ctx, facts);
  return facts;
}

async function expandGlob(
  doc: SourceDocument,
  at: ValuePath,
  pattern: string,
  allowOutside: boolean,
  ctx: RuleContext,
): Promise<GlobMatch[] | undefined> {
  const cwd = dirOf(doc);
  let found: string[];
  try {
    found = await glob(pattern, {
      cwd,
      absolute: true,
      onlyFiles: true,
      dot: false,
      expandDirectories: false,
      followSymbolicLinks: true,
    });
  } catch (err) {
    ctx.report(
      diagnosticAt(
        doc,
        at,
        'INVALID_VALUE',
        `glob "${pattern}" cannot be expanded: ${err instanceof Error ? err.message : String(err)}`,
      ),
    );
    return undefined;
  }
  if (found.length === 0) {
    ctx.report(
      diagnosticAt(doc, at, 'GLOB_NO_MATCH', `glob "${pattern}" matches no file`, {
        hint: `it is read relative to ${cwd}; files starting with "." are not matched`,
      }),
    );
    return undefined;
  }
  const results = await Promise.all(
    found.sort().map(async (file) => ({
      file,
      result: await inspectFile(file, path.relative(cwd, file), doc.file.root, allowOutside),
    })),
  );
  const matches: GlobMatch[] = [];
  const outside: string[] = [];
  for (const { file, result } of results) {
    if (!isProblem(result)) matches.push({ name: result.relativePath, facts: result, declared: false });
    else if (result.code === 'PATH_OUTSIDE_ROOT') outside.push(path.relative(cwd, file));
    else
      ctx.report(
        diagnosticAt(
          doc,
          at,
          result.code,
          `glob "${pattern}": ${result.message}`,
          result.hint ? { hint: result.hint } : {},
        ),
      );
  }
  if (outside.length > 0) {
    ctx.report(
      diagnosticAt(
        doc,
        at,
        'PATH_OUTSIDE_ROOT',
        `glob "${pattern}" matches ${outside.length} file(s) outside the manifest root ${doc.file.root}: ${listed(outside)}`,
        {
          hint: 'a reviewed manifest must not upload files from elsewhere; pass --allow-outside-root if this is intended',
        },
      ),
    );
  }
  return matches;
}

/** Each store lists a file once, and every file it lists has a type file_search can index. */
function checkStoreMembers(ctx: RuleContext, facts: DiskFacts): void {
  const supported = [...FILE_SEARCH_EXTENSIONS].join(' ');
  for (const store of validEntries(ctx.merged.vector_stores)) {
    const seen = new Map<string, ValuePath>();
    const globs = facts.globs.get(store.name);
    const duplicate = (file: string, at: ValuePath) => {
      const first = seen.get(file);
      if (!first) {
        seen.set(file, at);
        return false;
      }
      ctx.report(
        diagnosticAt(
          store.doc,
          at,
          'DUPLICATE_MEMBER',
          `vector store "${store.name}" lists file "${file}" twice`,
          {
            related: [{ message: 'first listed here', location: store.doc.locate(first) }],
            hint: 'a file is attached to a store once; narrow the glob or drop one entry',
          },
        ),
      );
      return true;
    };
    (store.value.files ?? []).forEach((member, index) => {
      const memberPath = [...store.path, 'files', index];
      if (typeof member === 'object' && 'glob' in member) {
        const unsupported: string[] = [];
        for (const match of globs?.get(index) ?? []) {
          if (duplicate(match.name, [...memberPath, 'glob'])) continue;
          if (!FILE_SEARCH_EXTENSIONS.has(extensionOf(match.facts.real)))
            unsupported.push(match.facts.relativePath);
        }
        if (unsupported.length > 0) {
          ctx.report(
            diagnosticAt(
              store.doc,
              [...memberPath, 'glob'],
              'UNSUPPORTED_FILE_TYPE',
              `glob "${member.glob}" matches ${unsupported.length} file(s) that file_search cannot index: ${listed(unsupported)}`,
              { hint: `file_search reads ${supported}; narrow the glob, e.g. **/*.md` },
            ),
          );
        }
        return;
      }
      const name = typeof member === 'string' ? member : member.file;
      const at = typeof member === 'string' ? memberPath : [...memberPath, 'file'];
      if (duplicate(name, at)) return;
      const file = facts.files.get(name);
      if (file && !FILE_SEARCH_EXTENSIONS.has(extensionOf(file.real))) {
        ctx.report(
          diagnosticAt(
            store.doc,
            at,
            'UNSUPPORTED_FILE_TYPE',
            `file "${name}" (${file.relativePath}) cannot be indexed by file_search: its type ${extensionOf(file.real) || '(no extension)'} is not supported`,
            { hint: `file_search reads ${supported}` },
          ),
        );
      }
    });
  }
}

/** code_interpreter reads a wider set of types; an unknown one is a warning, as the sandbox may cope. */
function checkCodeInterpreterFiles(ctx: RuleContext, facts: DiskFacts): void {
  for (const assistant of validEntries(ctx.merged.assistants)) {
    const names = assistant.value.tool_resources?.code_interpreter?.files ?? [];
    names.forEach((name, index) => {
      const file = facts.files.get(name);
      if (!file || CODE_INTERPRETER_EXTENSIONS.has(extensionOf(file.real))) return;
      ctx.report(
        diagnosticAt(
          assistant.doc,
          [...assistant.path, 'tool_resources', 'code_interpreter', 'files', index],
          'UNSUPPORTED_FILE_TYPE',
          `file "${name}" (${file.relativePath}) has a type code_interpreter does not list as supported: ${extensionOf(file.real) || '(no extension)'}`,
          {
            severity: 'warning',
            hint: `code_interpreter reads ${[...CODE_INTERPRETER_EXTENSIONS].join(' ')}`,
          },
        ),
      );
    });
  }
}
