import { constants, type Stats } from 'node:fs';
import { lstat, open, stat } from 'node:fs/promises';
import path from 'node:path';
import { AssistantsError } from '../errors/index.js';

const errno = (err: unknown) => (err as NodeJS.ErrnoException).code;

/**
 * Reads a file of the state's own (the state, its lock, its backup, the hash cache) as UTF-8, or
 * returns undefined when nothing is there. Anything but a regular file (or a link to one) is
 * STATE_NOT_A_FILE naming `shown`, and so is a path under a file. It never blocks: the file is
 * opened non-blocking (a named pipe without a writer would otherwise hold the open, and the run,
 * forever) and checked with fstat on the open handle, so a path swapped after a check cannot slip
 * through.
 *
 * @param file the absolute path
 * @param shown how messages name it
 * @param what what the file is, for messages ("state file", "lock", ...)
 */
export async function readOwnFile(file: string, shown: string, what: string): Promise<string | undefined> {
  // O_NONBLOCK is 0 where the platform has none (Windows, which has no named pipes at paths).
  const handle = await openOwn(file, shown, what, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0), true);
  if (!handle) return undefined;
  try {
    return await handle.readFile('utf8');
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/**
 * Opens a file of the state's own for appending (mode 0600), creating it when `create` (and then
 * failing with EEXIST if anything, even a link, is there already). What it opens must be a regular
 * file, checked on the handle as readOwnFile checks it; it never blocks on a pipe.
 */
export async function openOwnAppend(
  file: string,
  shown: string,
  what: string,
  create: boolean,
): Promise<Awaited<ReturnType<typeof open>>> {
  const flags =
    constants.O_WRONLY |
    constants.O_APPEND |
    (constants.O_NONBLOCK ?? 0) |
    (create ? constants.O_CREAT | constants.O_EXCL : 0);
  return (await openOwn(file, shown, what, flags, false)) as Awaited<ReturnType<typeof open>>;
}

/**
 * Opens `file` with `flags` and checks on the handle that it is a regular file (STATE_NOT_A_FILE
 * naming `shown` otherwise, the handle closed); undefined when nothing is there and `mayBeMissing`.
 */
async function openOwn(
  file: string,
  shown: string,
  what: string,
  flags: number,
  mayBeMissing: boolean,
): Promise<Awaited<ReturnType<typeof open>> | undefined> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, flags, 0o600);
  } catch (err) {
    if (mayBeMissing && errno(err) === 'ENOENT') return undefined;
    throw (await notAFileError(file, shown, what, err)) ?? err;
  }
  const info = await handle.stat().catch(async (err) => {
    await handle.close().catch(() => undefined);
    throw err;
  });
  if (!info.isFile()) {
    await handle.close().catch(() => undefined);
    throw notRegular(shown, what, info);
  }
  return handle;
}

/**
 * Throws STATE_NOT_A_FILE when `file` exists as something other than a regular file (or a link to
 * one), or lies under a file; resolves when it is absent or a regular file. For paths written by
 * rename or created exclusively, where no open can hang but a folder there would fail later with a
 * less clear message.
 */
export async function checkOwnPath(file: string, shown: string, what: string): Promise<void> {
  const problem = await notAFileError(file, shown, what);
  if (problem) throw problem;
}

/**
 * Why `file` cannot be one of the state's files, when that is the reason `cause` (if given)
 * happened: it is a folder or a special file, or a folder on its path is a file.
 */
async function notAFileError(
  file: string,
  shown: string,
  what: string,
  cause?: unknown,
): Promise<AssistantsError | undefined> {
  let info: Stats;
  try {
    info = await statFollowing(file);
  } catch (err) {
    if (errno(err) !== 'ENOTDIR') return undefined;
    const parent = await fileAbove(file);
    return new AssistantsError(
      'STATE_NOT_A_FILE',
      `the ${what} ${shown} cannot exist: ${parent ? shownAs(parent, file, shown) : 'a folder on its path'} is a file, not a folder`,
      { hint: 'choose a --state path in a folder, or move the file out of the way', cause: cause ?? err },
    );
  }
  return info.isFile() ? undefined : notRegular(shown, what, info);
}

/** stat, but a link that leads nowhere is reported as the link (lstat), not as absent. */
async function statFollowing(file: string): Promise<Stats> {
  try {
    return await stat(file);
  } catch (err) {
    if (errno(err) === 'ENOENT' || errno(err) === 'ELOOP') return await lstat(file);
    throw err;
  }
}

function notRegular(shown: string, what: string, info: Stats): AssistantsError {
  return new AssistantsError(
    'STATE_NOT_A_FILE',
    `the ${what} ${shown} is ${describeKind(info)}, not a regular file`,
    {
      hint: 'assistants-iac keeps its state, journal, lock, backup and hash cache in regular files: give --state a path that is free or holds a state file, or move what is there out of the way',
    },
  );
}

function describeKind(info: Stats): string {
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a named pipe (FIFO)';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isSymbolicLink()) return 'a symbolic link that leads nowhere';
  return 'a special file';
}

/** `ancestor` of `file` named the way `shown` names `file` (relative stays relative). */
function shownAs(ancestor: string, file: string, shown: string): string {
  const tail = file.slice(ancestor.length).split(path.sep).join('/');
  return shown.length > tail.length && shown.endsWith(tail) ? shown.slice(0, -tail.length) : ancestor;
}

/** The nearest ancestor of `file` that exists, when it is not a folder (what made ENOTDIR). */
async function fileAbove(file: string): Promise<string | undefined> {
  for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const info = await stat(dir).catch(() => undefined);
    if (info) return info.isDirectory() ? undefined : dir;
  }
  return undefined;
}
