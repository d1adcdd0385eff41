import path from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import type { SourceLocation } from '../../errors/index.js';
import { diagnosticAt } from '../diagnostic-at.js';
import {
  type FileFacts,
  inspectFile,
  isInside,
  isProblem,
  OUTSIDE_ROOT_HINT,
  toPosix,
} from '../file-inspect.js';
import { validEntries } from '../merge.js';
import type { SourceDocument, ValuePath } from '../source-document.js';
import type { RuleContext } from './context.js';
import type { DiskFacts } from './disk.js';
import { listed } from './listed.js';

/** A file matched by a glob member, and the file name it goes by. */
export interface GlobMatch {
  name: string;
  facts: FileFacts;
  /** True when the match is a file also declared under `files:` (it then goes by that name). */
  declared: boolean;
}

/**
 * Expands every glob member into `facts.globs`. A match goes by its declared name when it is also
 * declared under `files:`, else by its path relative to the manifest file's folder; a derived name
 * that another file already has is an error at the later member.
 */
export async function expandGlobMembers(
  ctx: RuleContext,
  facts: DiskFacts,
  declaredByReal: ReadonlyMap<string, string>,
): Promise<void> {
  const { merged, report } = ctx;
  const allowOutside = ctx.options.allowOutsideRoot === true;
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
                hint: taken
                  ? `rename the file "${match.name}" under files:, or narrow the glob`
                  : 'two globs in different folders match files with the same relative path; declare one under files: with its own name',
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
}

async function expandGlob(
  doc: SourceDocument,
  at: ValuePath,
  pattern: string,
  allowOutside: boolean,
  ctx: RuleContext,
): Promise<GlobMatch[] | undefined> {
  const cwd = doc.dir;
  // Refuse before walking: a glob rooted outside the manifest root (e.g. /**/*) would crawl the disk.
  const base = path.resolve(cwd, staticBase(pattern));
  if (!allowOutside && !isInside(doc.file.root, base)) {
    ctx.report(
      diagnosticAt(
        doc,
        at,
        'PATH_OUTSIDE_ROOT',
        `glob "${pattern}" searches ${base}, outside the manifest root ${doc.file.root}`,
        {
          hint: OUTSIDE_ROOT_HINT,
        },
      ),
    );
    return undefined;
  }
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
    // Named by the path as matched, relative to the manifest file: the same whichever -f reached it.
    if (!isProblem(result))
      matches.push({ name: toPosix(path.relative(cwd, file)), facts: result, declared: false });
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
          hint: OUTSIDE_ROOT_HINT,
        },
      ),
    );
  }
  return matches;
}

/** The leading segments of a glob pattern that hold no wildcard: where a walk would start. */
function staticBase(pattern: string): string {
  const segments = pattern.split('/');
  const fixed: string[] = [];
  for (const segment of segments.slice(0, -1)) {
    if (isDynamicPattern(segment)) break;
    fixed.push(segment);
  }
  return fixed.length === 0 ? '.' : fixed.join('/') || '/';
}
