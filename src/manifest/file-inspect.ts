import type { BigIntStats } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { ErrorCode } from '../errors/index.js';
import { LIMITS } from '../model/limits.js';
import { isInside, type PathResolver, type Resolution } from './confined-path.js';

/** What validation knows of a referenced file: from lstat, readlink and stat only, never its content. */
export interface FileFacts {
  /** Absolute path with symlinks resolved. */
  real: string;
  /**
   * The file itself, whatever its names: device and inode, so that hard links to one file are one
   * file, as links and their targets are (the real path where the system gives no inode).
   */
  identity: string;
  /** Path relative to the manifest root, `/`-separated. */
  relativePath: string;
  bytes: number;
  mtimeMs: number;
}

export interface PathProblem {
  code: ErrorCode;
  message: string;
  hint?: string;
}

export const OUTSIDE_ROOT_HINT =
  'a reviewed manifest must not upload files from elsewhere; pass --allow-outside-root if this is intended';

export function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

/**
 * Where a path a manifest references leads: inside the root as written and after following links
 * (unless the resolver allows outside paths), and existing; else the problem, naming the path as
 * written (`noun`: what the manifest said it is).
 */
export async function confinedTarget(
  absolute: string,
  shown: string,
  resolver: PathResolver,
  noun: 'file' | 'folder',
): Promise<Extract<Resolution, { kind: 'found' }> | PathProblem> {
  const { root } = resolver;
  if (!resolver.allowOutside && !isInside(root, absolute))
    return {
      code: 'PATH_OUTSIDE_ROOT',
      message: `path "${shown}" is outside the manifest root ${root}`,
      hint: OUTSIDE_ROOT_HINT,
    };
  const resolution = await resolver.resolve(absolute);
  switch (resolution.kind) {
    case 'outside':
      return {
        code: 'PATH_OUTSIDE_ROOT',
        message: `path "${shown}" is a link that leads outside the manifest root ${root}`,
        hint: OUTSIDE_ROOT_HINT,
      };
    case 'loop':
      return {
        code: 'LINK_LOOP',
        message: `path "${shown}" is a link that loops`,
        hint: 'fix or remove the link',
      };
    case 'missing':
      return resolution.code === 'ENOENT' || resolution.code === 'ENOTDIR'
        ? { code: 'FILE_NOT_FOUND', message: `${noun} "${shown}" does not exist (looked for ${absolute})` }
        : { code: 'FILE_NOT_FOUND', message: `${noun} "${shown}" cannot be read: ${resolution.code}` };
    default:
      return resolution;
  }
}

/**
 * Checks a path referenced by a manifest: inside the root (as written, and after following
 * links, unless the resolver allows outside paths), existing, a regular file, at most 512 MB.
 * `shown` is how the manifest wrote it. Confined, nothing outside the root is looked at, and a
 * problem names the path as written, never where a link leads.
 */
export async function inspectFile(
  absolute: string,
  shown: string,
  resolver: PathResolver,
): Promise<FileFacts | PathProblem> {
  const { root } = resolver;
  const resolution = await confinedTarget(absolute, shown, resolver, 'file');
  if ('code' in resolution) return resolution;
  const { real } = resolution;
  let info: BigIntStats;
  try {
    // As bigints: an inode number may pass 2^53, where numbers would merge two of them.
    info = resolution.stats ?? (await stat(real, { bigint: true }));
  } catch (err) {
    return {
      code: 'FILE_NOT_FOUND',
      message: `file "${shown}" cannot be read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    };
  }
  if (!info.isFile()) {
    const what = info.isDirectory() ? 'a folder' : 'not a regular file';
    return {
      code: 'NOT_A_REGULAR_FILE',
      message: `path "${shown}" is ${what}`,
      hint: info.isDirectory()
        ? 'to take every file in a folder, use a glob member: {glob: "folder/**/*.md"}'
        : undefined,
    };
  }
  const bytes = Number(info.size);
  if (bytes > LIMITS.fileBytes) {
    return {
      code: 'FILE_TOO_LARGE',
      message: `file "${shown}" is ${(bytes / 2 ** 20).toFixed(1)} MB; the API accepts at most 512 MB`,
    };
  }
  return {
    real,
    identity: info.ino === 0n ? `path:${real}` : `${info.dev}:${info.ino}`,
    relativePath: toPosix(path.relative(root, real)),
    bytes,
    mtimeMs: Number(info.mtimeMs),
  };
}

export function isProblem(result: FileFacts | PathProblem): result is PathProblem {
  return 'code' in result;
}
