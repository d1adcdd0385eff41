import { type Dirent, readdir, type Stats, stat } from 'node:fs';
import path from 'node:path';
import { type FileSystemAdapter, glob } from 'tinyglobby';
import { isInside, type PathResolver } from './confined-path.js';

/** What a glob walk found. Paths are absolute, as reached (through links, not resolved). */
interface GlobWalk {
  /** Matched files. One real file may be reached under several paths (through folder links). */
  files: string[];
  /** Links the walk would have followed that lead outside the root; nothing behind them was read. */
  outside: string[];
  /** Links not followed because they loop, or lead back to a folder on the way to them. */
  loops: string[];
  /** True when the walk stopped following folder links after MAX_FOLDER_LINKS of them. */
  truncated: boolean;
  /** True when the walk stopped because the globs of the run had read their MAX_GLOB_ENTRIES. */
  exhausted: boolean;
}

/** Folder links one glob may follow: far beyond real trees, low enough to stop a crafted maze. */
export const MAX_FOLDER_LINKS = 1000;

/**
 * Folder entries the globs of one run may read in all, each glob's walk counted on its own (a
 * walk costs about 2 µs an entry): ten globs over a tree of 100,000 files, while a thousand globs
 * over one tree cannot make a run take minutes.
 */
export const MAX_GLOB_ENTRIES = 1_000_000;

/** What the globs of one run have left to read: one per run, shared by its walks. */
export interface GlobBudget {
  entries: number;
}

/** A fresh budget of MAX_GLOB_ENTRIES. */
export function globBudget(): GlobBudget {
  return { entries: MAX_GLOB_ENTRIES };
}

/**
 * Matches `pattern` below `cwd` with tinyglobby, through a file-system adapter that keeps the walk
 * inside the resolver's root: a link is resolved by the resolver (which never looks outside a
 * confined root), and one that leads outside, loops, or leads back to a folder it sits in is shown
 * to the walker as an empty folder, so the walker itself decides whether the pattern would have
 * gone there (it then lists the folder, and we record the link) without anything behind the link
 * being read. The caller refuses `..` and absolute patterns first; the adapter holds regardless.
 * Every folder entry read is taken from `budget`; once it is spent, folders read as empty and the
 * walk says it was `exhausted`.
 */
export async function walkGlob(
  pattern: string,
  cwd: string,
  resolver: PathResolver,
  budget: GlobBudget,
): Promise<GlobWalk> {
  const { root } = resolver;
  let exhausted = false;
  const blocked = new Map<string, 'outside' | 'loop'>();
  const entered = { outside: new Set<string>(), loops: new Set<string>() };
  const linkTargets = new Set<string>();
  let followed = 0;
  let truncated = false;

  /** The real folders from the root down to (and including) `folder`, as the walk reached them. */
  const route = async (folder: string): Promise<string[]> => {
    const reals: string[] = [];
    for (let at = folder; isInside(root, at); at = path.dirname(at)) {
      const resolution = await resolver.resolve(at);
      if (resolution.kind === 'found') reals.push(resolution.real);
      if (at === root || at === path.dirname(at)) break;
    }
    return reals;
  };

  const adapter: FileSystemAdapter = {
    realpath: ((link: string, callback: (err: Error | null, resolved?: string) => void) => {
      void (async () => {
        const at = trim(link);
        const resolution = await resolver.resolve(at);
        if (resolution.kind === 'missing') return callback(errnoError(resolution.code, at));
        if (resolution.kind === 'outside' || resolution.kind === 'loop') {
          blocked.set(at, resolution.kind);
          return callback(null, at);
        }
        // A link to the folder it sits in, or to any folder above it on the walk, would walk forever.
        const reals = await route(path.dirname(at));
        if (reals.some((folder) => isInside(resolution.real, folder))) {
          blocked.set(at, 'loop');
          return callback(null, at);
        }
        linkTargets.add(resolution.real);
        callback(null, resolution.real);
      })().catch((err: Error) => callback(err));
    }) as FileSystemAdapter['realpath'],

    stat: ((target: string, callback: (err: Error | null, stats?: Stats) => void) => {
      if (blocked.has(trim(target))) return callback(null, EMPTY_FOLDER);
      stat(target, callback);
    }) as FileSystemAdapter['stat'],

    readdir: ((
      folder: string,
      _options: unknown,
      callback: (err: Error | null, entries?: Dirent[]) => void,
    ) => {
      void (async () => {
        const at = trim(folder);
        const why = blocked.get(at);
        if (why) {
          (why === 'outside' ? entered.outside : entered.loops).add(at);
          return callback(null, []);
        }
        if (linkTargets.has(at) && ++followed > MAX_FOLDER_LINKS) {
          truncated = true;
          return callback(null, []);
        }
        // The folder the walk starts from may itself be reached through a link.
        const resolution = await resolver.resolve(at);
        if (resolution.kind === 'outside' || resolution.kind === 'loop') {
          (resolution.kind === 'outside' ? entered.outside : entered.loops).add(at);
          return callback(null, []);
        }
        if (resolution.kind === 'missing') return callback(errnoError(resolution.code, at));
        if (budget.entries <= 0) {
          exhausted = true;
          return callback(null, []);
        }
        readdir(resolution.real, { withFileTypes: true }, (err, entries) => {
          if (entries) budget.entries -= entries.length;
          if (!err && budget.entries < 0) {
            exhausted = true;
            return callback(null, []);
          }
          callback(err, entries);
        });
      })().catch((err: Error) => callback(err));
    }) as FileSystemAdapter['readdir'],
  };

  const files = await glob(pattern, {
    cwd,
    absolute: true,
    onlyFiles: true,
    dot: false,
    expandDirectories: false,
    followSymbolicLinks: true,
    fs: adapter,
  });
  return {
    files: files.map(trim),
    outside: [...entered.outside].sort(),
    loops: [...entered.loops].sort(),
    truncated,
    exhausted,
  };
}

/** Stands in for whatever a blocked link leads to: the walker may list it, and finds nothing. */
const EMPTY_FOLDER = {
  isDirectory: () => true,
  isFile: () => false,
  isSymbolicLink: () => false,
} as unknown as Stats;

/** The walker writes folders with a trailing separator; the resolver and our maps do not. */
function trim(p: string): string {
  const normal = path.normalize(p);
  return normal.length > 1 && normal.endsWith(path.sep) ? normal.slice(0, -1) : normal;
}

function errnoError(code: string, at: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`${code}: ${at}`);
  error.code = code;
  return error;
}
