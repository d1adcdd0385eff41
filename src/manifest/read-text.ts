import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';

/** Why a text file was not read. */
type ReadRefusal =
  | { kind: 'not-regular'; folder: boolean }
  | { kind: 'too-large'; bytes: number }
  | { kind: 'error'; code: string };

/**
 * Reads a regular file of at most `maxBytes` as UTF-8. The file is opened without blocking and
 * checked through the open handle, so a FIFO or device put where a file should be is refused
 * instead of hanging the run, and an oversized file is refused before any byte is read. `real` is
 * a path with its links resolved: a link swapped in at the last step afterwards is not followed
 * (unless `followLinks`, for a path a user gave, such as a saved plan).
 */
export async function readRegularText(
  real: string,
  maxBytes: number,
  options: { followLinks?: boolean } = {},
): Promise<{ text: string } | ReadRefusal> {
  let handle: FileHandle;
  try {
    handle = await openWithoutWaiting(real, options.followLinks === true);
  } catch (err) {
    return { kind: 'error', code: (err as NodeJS.ErrnoException).code ?? String(err) };
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) return { kind: 'not-regular', folder: info.isDirectory() };
    if (info.size > maxBytes) return { kind: 'too-large', bytes: info.size };
    return { text: await handle.readFile('utf8') };
  } catch (err) {
    return { kind: 'error', code: (err as NodeJS.ErrnoException).code ?? String(err) };
  } finally {
    await handle.close().catch(() => {});
  }
}

/**
 * The first `bytes` bytes of a regular file, as UTF-8 (a character cut at the end may come out
 * mangled), or undefined when it cannot be read: a look at a file too large to read whole. Opened
 * as readRegularText opens it.
 */
export async function readTextHead(real: string, bytes: number): Promise<string | undefined> {
  let handle: FileHandle | undefined;
  try {
    handle = await openWithoutWaiting(real, false);
    if (!(await handle.stat()).isFile()) return undefined;
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } catch {
    return undefined;
  } finally {
    await handle?.close().catch(() => {});
  }
}

function openWithoutWaiting(real: string, followLinks: boolean): Promise<FileHandle> {
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, forever.
  const noFollow = followLinks ? 0 : (constants.O_NOFOLLOW ?? 0);
  return open(real, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | noFollow);
}
