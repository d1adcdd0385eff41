import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ErrorCode } from '../errors/index.js';
import { LIMITS } from '../model/limits.js';
import { isUpward } from './manifest-files.js';

/** What validation knows of a referenced file: from stat and realpath only, never its content. */
export interface FileFacts {
  /** Absolute path with symlinks resolved. */
  real: string;
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

/** True when `target` is `root` or lies below it. */
export function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' || (!isUpward(rel) && !path.isAbsolute(rel));
}

export function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

/**
 * Checks a path referenced by a manifest: inside the root (before and after following symlinks,
 * unless allowed), existing, a regular file, at most 512 MB. `shown` is how the manifest wrote it.
 */
export async function inspectFile(
  absolute: string,
  shown: string,
  root: string,
  allowOutsideRoot: boolean,
): Promise<FileFacts | PathProblem> {
  const outside = (resolved: string): PathProblem => ({
    code: 'PATH_OUTSIDE_ROOT',
    message: `path "${shown}" resolves to ${resolved}, outside the manifest root ${root}`,
    hint: OUTSIDE_ROOT_HINT,
  });
  if (!allowOutsideRoot && !isInside(root, absolute)) return outside(absolute);

  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(absolute);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      return { code: 'FILE_NOT_FOUND', message: `file "${shown}" does not exist (looked for ${absolute})` };
    return { code: 'FILE_NOT_FOUND', message: `file "${shown}" cannot be read: ${code ?? String(err)}` };
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
  let real: string;
  try {
    real = await realpath(absolute);
  } catch (err) {
    return {
      code: 'FILE_NOT_FOUND',
      message: `file "${shown}" cannot be resolved: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    };
  }
  if (!allowOutsideRoot && !isInside(root, real)) return outside(real);
  if (info.size > LIMITS.fileBytes) {
    return {
      code: 'FILE_TOO_LARGE',
      message: `file "${shown}" is ${(info.size / 2 ** 20).toFixed(1)} MB; the API accepts at most 512 MB`,
    };
  }
  return { real, relativePath: toPosix(path.relative(root, real)), bytes: info.size, mtimeMs: info.mtimeMs };
}

export function isProblem(result: FileFacts | PathProblem): result is PathProblem {
  return 'code' in result;
}
