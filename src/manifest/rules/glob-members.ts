import path from 'node:path';
import type { SourceLocation } from '../../errors/index.js';
import { agrees, counted } from '../../util/words.js';
import {
  type GlobBudget,
  globBudget,
  MAX_FOLDER_LINKS,
  MAX_GLOB_ENTRIES,
  walkGlob,
} from '../confined-glob.js';
import { isInside, type PathResolver } from '../confined-path.js';
import { diagnosticAt } from '../diagnostic-at.js';
import {
  type FileFacts,
  inspectFile,
  isProblem,
  OUTSIDE_ROOT_HINT,
  type PathProblem,
  toPosix,
} from '../file-inspect.js';
import { isGlobMember } from '../manifest-types.js';
import { validEntries } from '../merge.js';
import type { SourceDocument, ValuePath } from '../source-document.js';
import { UNSENDABLE_NAME_HINT, unsendableName } from '../upload-name.js';
import type { RuleContext } from './context.js';
import type { DiskFacts } from './disk.js';
import { globPatternProblem, staticBase } from './glob-pattern.js';
import { listed } from './listed.js';
import { checkStoreSizes, MAX_STORE_MEMBERS, tooManyGlobs } from './member-limits.js';

/** A file matched by a glob member, and the file name it goes by. */
export interface GlobMatch {
  name: string;
  facts: FileFacts;
  /** True when the match is a file also declared under `files:` (it then goes by that name). */
  declared: boolean;
}

/** A match before naming: the path it was reached by, relative to the manifest's folder. */
interface Reached {
  path: string;
  facts: FileFacts;
  /** True when the path reached is the file's real path (no link on the way). */
  direct: boolean;
}

/**
 * Expands every glob member into `facts.globs`. One real file is one managed file: a file reached
 * under several paths (a link and its target, hard links, or routes through folder links) is one
 * match, named by the path without links if a glob reached it so, else by the first of its paths
 * in sorted order; in every store and glob that reaches it. A match also declared under `files:`
 * goes by its declared name; a derived name that another file already has is an error at the
 * later member. A file whose name the upload cannot carry is an error (see unsendableName).
 * More than MAX_GLOB_MEMBERS glob members is an error and none is expanded; globs that read more
 * than MAX_GLOB_ENTRIES folder entries in all are an error (once); a store with more than
 * MAX_STORE_MEMBERS members, or a glob matching more, is an error.
 */
export async function expandGlobMembers(
  ctx: RuleContext,
  facts: DiskFacts,
  declaredByIdentity: ReadonlyMap<string, string>,
  resolverFor: (root: string) => PathResolver,
): Promise<void> {
  const { merged, report } = ctx;
  if (tooManyGlobs(ctx)) return;
  const run: GlobRun = { budget: globBudget(), budgetReported: false, inspected: new Map() };
  const reachedBy = new Map<string, Map<number, Reached[]>>();
  for (const store of validEntries(merged.vector_stores)) {
    const byIndex = new Map<number, Reached[]>();
    reachedBy.set(store.name, byIndex);
    // One glob at a time, in manifest order: which glob spends the run's budget is the same
    // in every run.
    const members = store.value.files ?? [];
    for (const [index, member] of members.entries()) {
      if (!isGlobMember(member)) continue;
      const at = [...store.path, 'files', index, 'glob'];
      const reached = await expandGlob(
        store.doc,
        at,
        member.glob,
        resolverFor(store.doc.file.root),
        ctx,
        run,
      );
      if (reached) byIndex.set(index, reached);
    }
  }

  // The name each file goes by (and the path it is taken from), whichever glob reached it.
  const nameOf = new Map<string, { name: string; direct: boolean; facts: FileFacts }>();
  for (const byIndex of reachedBy.values())
    for (const reached of byIndex.values())
      for (const r of reached) {
        const best = nameOf.get(r.facts.identity);
        if (!best || (r.direct && !best.direct) || (r.direct === best.direct && r.path < best.name))
          nameOf.set(r.facts.identity, { name: r.path, direct: r.direct, facts: r.facts });
      }

  // Names derived from glob matches so far, with where each was first derived.
  const derived = new Map<string, { identity: string; location: SourceLocation }>();
  for (const store of validEntries(merged.vector_stores)) {
    const byIndex = new Map<number, GlobMatch[]>();
    facts.globs.set(store.name, byIndex);
    // Names are given in member order (the order reachedBy was filled in) so that collisions are
    // reported at the later member.
    for (const [index, reached] of reachedBy.get(store.name) ?? []) {
      const at = [...store.path, 'files', index, 'glob'];
      const kept: GlobMatch[] = [];
      const taken = new Set<string>();
      for (const r of reached) {
        const { identity } = r.facts;
        if (taken.has(identity)) continue;
        taken.add(identity);
        const declaredName = declaredByIdentity.get(identity);
        if (declaredName !== undefined) {
          kept.push({ name: declaredName, facts: r.facts, declared: true });
          continue;
        }
        const chosen = nameOf.get(identity) ?? { name: r.path, facts: r.facts };
        const { name } = chosen;
        const declared = merged.files.get(name);
        const other = derived.get(name);
        const first = declared
          ? declared.doc.locate(declared.path, 'key')
          : other?.identity !== identity
            ? other?.location
            : undefined;
        if (first) {
          report(
            diagnosticAt(
              store.doc,
              at,
              'DUPLICATE_NAME',
              `a glob matches "${name}", a name already taken by another file`,
              {
                related: [{ message: 'the name is first used here', location: first }],
                hint: declared
                  ? `rename the file "${name}" under files:, or narrow the glob`
                  : 'two globs in different folders match files with the same relative path; declare one under files: with its own name',
              },
            ),
          );
          continue;
        }
        if (!other) derived.set(name, { identity, location: store.doc.locate(at) });
        kept.push({ name, facts: chosen.facts, declared: false });
      }
      byIndex.set(index, kept);
    }
  }
  checkStoreSizes(ctx, facts);
}

/** What the globs of one run share: what they may still read, and the files they inspected. */
interface GlobRun {
  budget: GlobBudget;
  /** True once a glob has said that the budget is spent (the others stop without a word). */
  budgetReported: boolean;
  /** Inspections by manifest folder, root and matched path: globs that overlap stat each file once. */
  inspected: Map<string, Promise<FileFacts | PathProblem>>;
}

async function expandGlob(
  doc: SourceDocument,
  at: ValuePath,
  pattern: string,
  resolver: PathResolver,
  ctx: RuleContext,
  run: GlobRun,
): Promise<Reached[] | undefined> {
  const cwd = doc.dir;
  const { root } = resolver;
  const refused = globPatternProblem(pattern);
  if (refused) {
    ctx.report(
      diagnosticAt(doc, at, 'INVALID_VALUE', refused, {
        hint: 'to take files from a sibling folder, put the manifest (or a link to the folder) above them, or declare the files under files:',
      }),
    );
    return undefined;
  }
  // Refuse before walking: a manifest whose own folder is outside the root has no glob to walk.
  const base = path.resolve(cwd, staticBase(pattern));
  if (!resolver.allowOutside && !isInside(root, base)) {
    ctx.report(
      diagnosticAt(
        doc,
        at,
        'PATH_OUTSIDE_ROOT',
        `glob "${pattern}" searches outside the manifest root ${root}`,
        {
          hint: OUTSIDE_ROOT_HINT,
        },
      ),
    );
    return undefined;
  }
  let walk: Awaited<ReturnType<typeof walkGlob>>;
  try {
    walk = await walkGlob(pattern, cwd, resolver, run.budget);
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
  const shown = (p: string) => toPosix(path.relative(cwd, p)) || '.';
  if (walk.outside.length > 0) {
    ctx.report(
      diagnosticAt(
        doc,
        at,
        'PATH_OUTSIDE_ROOT',
        `glob "${pattern}" reaches ${counted(walk.outside.length, 'link')} that ${agrees(walk.outside.length, 'leads', 'lead')} outside the manifest root ${root}: ${listed(walk.outside.map(shown))}`,
        { hint: `nothing behind them was read; ${OUTSIDE_ROOT_HINT}` },
      ),
    );
  }
  if (walk.loops.length > 0) {
    ctx.report(
      diagnosticAt(
        doc,
        at,
        'LINK_LOOP',
        `glob "${pattern}" does not follow ${counted(walk.loops.length, 'link')} that ${agrees(walk.loops.length, 'loops or leads', 'loop or lead')} back to a folder it is already searching: ${listed(walk.loops.map(shown))}`,
        {
          severity: 'warning',
          hint: 'each file is taken once, where it really is; remove the link to silence this',
        },
      ),
    );
  }
  if (walk.truncated) {
    ctx.report(
      diagnosticAt(
        doc,
        at,
        'INVALID_VALUE',
        `glob "${pattern}" follows more than ${MAX_FOLDER_LINKS} folder links; it was not expanded`,
        { hint: 'narrow the glob, or replace the links by the folders themselves' },
      ),
    );
    return undefined;
  }
  if (walk.exhausted) {
    if (!run.budgetReported)
      ctx.report(
        diagnosticAt(
          doc,
          at,
          'TOO_MANY_MEMBERS',
          `glob "${pattern}" was not expanded: the globs of this run have read ${MAX_GLOB_ENTRIES.toLocaleString('en-US')} folder entries, as many as a run may read`,
          {
            hint: 'each glob walks the folders below where it starts: use fewer globs, or start them deeper ("docs/faq/**/*.md")',
          },
        ),
      );
    run.budgetReported = true;
    return undefined;
  }
  if (walk.files.length > MAX_STORE_MEMBERS) {
    ctx.report(
      diagnosticAt(
        doc,
        at,
        'TOO_MANY_MEMBERS',
        `glob "${pattern}" matches ${walk.files.length.toLocaleString('en-US')} files; a store may have at most ${MAX_STORE_MEMBERS.toLocaleString('en-US')} members`,
        { hint: 'narrow the glob, or split the files among several stores' },
      ),
    );
    return undefined;
  }
  if (walk.files.length === 0) {
    if (walk.outside.length > 0) return undefined;
    ctx.report(
      diagnosticAt(doc, at, 'GLOB_NO_MATCH', `glob "${pattern}" matches no file`, {
        hint: `it is read relative to ${cwd}; files starting with "." are not matched`,
      }),
    );
    return undefined;
  }
  const results = await Promise.all(
    walk.files.sort().map(async (file) => ({
      file,
      result: await inspected(run, `${cwd}\0${root}\0${file}`, () =>
        inspectFile(file, shown(file), resolver),
      ),
    })),
  );
  const reached: Reached[] = [];
  const outside: string[] = [];
  const unsendable: string[] = [];
  for (const { file, result } of results) {
    // Named by the path as matched, relative to the manifest file: the same whichever -f reached it.
    if (!isProblem(result)) {
      if (unsendableName(result) === undefined)
        reached.push({ path: shown(file), facts: result, direct: result.real === file });
      else unsendable.push(JSON.stringify(shown(file)));
    } else if (result.code === 'PATH_OUTSIDE_ROOT') outside.push(shown(file));
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
  if (unsendable.length > 0) {
    ctx.report(
      diagnosticAt(
        doc,
        at,
        'UNSUPPORTED_FILE_NAME',
        `glob "${pattern}" matches ${counted(unsendable.length, 'file')} whose names the API would not record as written: ${listed(unsendable)}`,
        { hint: UNSENDABLE_NAME_HINT },
      ),
    );
  }
  // Only reachable when a link changes between the walk and the check: still never followed out.
  if (outside.length > 0) {
    ctx.report(
      diagnosticAt(
        doc,
        at,
        'PATH_OUTSIDE_ROOT',
        `glob "${pattern}" matches ${counted(outside.length, 'file')} outside the manifest root ${root}: ${listed(outside)}`,
        { hint: OUTSIDE_ROOT_HINT },
      ),
    );
  }
  return reached;
}

/** The inspection cached under `key`, made by `inspect` the first time. */
function inspected(
  run: GlobRun,
  key: string,
  inspect: () => Promise<FileFacts | PathProblem>,
): Promise<FileFacts | PathProblem> {
  let result = run.inspected.get(key);
  if (!result) {
    result = inspect();
    run.inspected.set(key, result);
  }
  return result;
}
