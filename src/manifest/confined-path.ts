import { type BigIntStats, lstatSync, readlinkSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import path from 'node:path';

/** True for a relative path that climbs out of its base: `..` or `../x` (not `..data.md`). */
export function isUpward(rel: string): boolean {
  return rel === '..' || rel.startsWith(`..${path.sep}`);
}

/** True when `target` is `root` or lies below it (both absolute; compared as written). */
export function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' || (!isUpward(rel) && !path.isAbsolute(rel));
}

/**
 * Where a path leads once its links are followed: to a real path, outside the root (how far
 * outside is deliberately unknown), nowhere, or round in circles.
 */
export type Resolution =
  | {
      kind: 'found';
      real: string;
      /** What lstat said of `real` when the last step was no link (then it is what stat would say). */
      stats?: BigIntStats;
    }
  | { kind: 'outside' }
  | { kind: 'missing'; code: string }
  | { kind: 'loop' };

/**
 * Resolves paths against one manifest root. Confined (the default), it follows links one step at a
 * time and stops at the first step that leaves the root: nothing outside the root is looked at, not
 * even with lstat, so a link cannot make validation touch or reveal anything there (whether the
 * target exists, what it is). With --allow-outside-root it is plain realpath.
 */
export interface PathResolver {
  /** The manifest root: an absolute real path. */
  readonly root: string;
  /** True when links may lead anywhere (--allow-outside-root). */
  readonly allowOutside: boolean;
  resolve(absolute: string): Promise<Resolution>;
}

/** Links followed for one path before it counts as a loop (Linux's own limit). */
const MAX_LINK_STEPS = 40;

type Entry =
  | { kind: 'link'; target: string }
  | { kind: 'folder' }
  | { kind: 'other'; stats: BigIntStats }
  | { kind: 'missing'; code: string };

class ConfinedResolver implements PathResolver {
  readonly allowOutside = false;
  /** lstat (and readlink) answers by real path: a glob asks about the same folders many times. */
  private readonly entries = new Map<string, Entry>();

  /** The root as a prefix of the paths below it. */
  private readonly below: string;

  constructor(readonly root: string) {
    this.below = withSep(root);
  }

  async resolve(absolute: string): Promise<Resolution> {
    // A path written below the root (a glob's match always is) is split as it stands: the walk
    // below checks every `..` it meets, so only other paths need path.relative first.
    const { below } = this;
    let relative: string;
    if (absolute.startsWith(below)) relative = absolute.slice(below.length);
    else if (isInside(this.root, absolute)) relative = path.relative(this.root, absolute);
    else return { kind: 'outside' };
    // `current` is always a real folder inside the root; `pending` the steps still to take from it.
    let current = this.root;
    const pending = steps(relative);
    let links = 0;
    let stats: BigIntStats | undefined;
    while (pending.length > 0) {
      const step = pending.shift() as string;
      if (step === '.') continue;
      if (step === '..') {
        current = path.dirname(current);
        if (!isInside(this.root, current)) return { kind: 'outside' };
        continue;
      }
      // `current` is a normalised real path and `step` one plain name: joined without normalising.
      const next = withSep(current) + step;
      const entry = this.entry(next);
      if (entry.kind === 'missing') return entry;
      if (entry.kind === 'link') {
        if (++links > MAX_LINK_STEPS) return { kind: 'loop' };
        const target = path.resolve(current, entry.target);
        if (!isInside(this.root, target)) return { kind: 'outside' };
        pending.unshift(...steps(path.relative(this.root, target)));
        current = this.root;
        continue;
      }
      if (pending.length > 0 && entry.kind !== 'folder') return { kind: 'missing', code: 'ENOTDIR' };
      current = next;
      stats = entry.kind === 'other' ? entry.stats : undefined;
    }
    // The stats save inspectFile a second call per file: a glob of thousands asks for each once.
    return stats ? { kind: 'found', real: current, stats } : { kind: 'found', real: current };
  }

  private entry(real: string): Entry {
    let entry = this.entries.get(real);
    if (!entry) {
      entry = readEntry(real);
      this.entries.set(real, entry);
    }
    return entry;
  }
}

/**
 * One lstat (and readlink for a link), synchronous: a local lstat answers in microseconds, while
 * the promise form costs a thread-pool round trip each, which for a glob of thousands of files
 * was most of a no-op plan's disk time.
 */
function readEntry(real: string): Entry {
  try {
    // As bigints: an inode number may pass 2^53 (see inspectFile).
    const info = lstatSync(real, { bigint: true });
    if (info.isSymbolicLink()) return { kind: 'link', target: readlinkSync(real) };
    return info.isDirectory() ? { kind: 'folder' } : { kind: 'other', stats: info };
  } catch (err) {
    return { kind: 'missing', code: (err as NodeJS.ErrnoException).code ?? String(err) };
  }
}

class OpenResolver implements PathResolver {
  readonly allowOutside = true;
  constructor(readonly root: string) {}

  resolve(absolute: string): Promise<Resolution> {
    return resolveAnywhere(absolute);
  }
}

/**
 * The real path of `folder` that is to be written in: its deepest existing ancestor resolved, the
 * missing rest appended (as it will be made). Errors other than a missing folder are thrown.
 */
export async function realFolder(folder: string): Promise<string> {
  const missing: string[] = [];
  let at = folder;
  for (;;) {
    try {
      return path.join(await realpath(at), ...missing.reverse());
    } catch (err) {
      const parent = path.dirname(at);
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || parent === at) throw err;
      missing.push(path.basename(at));
      at = parent;
    }
  }
}

/** Where `absolute` leads as the system resolves it, wherever that is. */
export async function resolveAnywhere(absolute: string): Promise<Resolution> {
  try {
    return { kind: 'found', real: await realpath(absolute) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    return code === 'ELOOP' ? { kind: 'loop' } : { kind: 'missing', code };
  }
}

/** A resolver for `root` (a real path): confined to it unless `allowOutside`. */
export function pathResolver(root: string, allowOutside: boolean): PathResolver {
  return allowOutside ? new OpenResolver(root) : new ConfinedResolver(root);
}

/** One resolver per root for a validation run, so that globs share what they learned of the disk. */
export function resolverCache(allowOutside: boolean): (root: string) => PathResolver {
  const resolvers = new Map<string, PathResolver>();
  return (root) => {
    let resolver = resolvers.get(root);
    if (!resolver) {
      resolver = pathResolver(root, allowOutside);
      resolvers.set(root, resolver);
    }
    return resolver;
  };
}

function steps(relative: string): string[] {
  return relative.split(path.sep).filter((s) => s !== '');
}

/** `folder` with one trailing separator (the file system root already has it). */
function withSep(folder: string): string {
  return folder.endsWith(path.sep) ? folder : folder + path.sep;
}
