import { randomUUID } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes `text` to `file` whole or not at all: a new temporary file beside it (created, never one
 * already there), flushed unless `sync` is false, then renamed over `file`; on failure the
 * temporary file is removed and the error thrown. The folder must exist.
 */
export async function writeAtomically(
  file: string,
  text: string,
  options: { mode?: number; sync?: boolean } = {},
): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomUUID().slice(0, 8)}.tmp`);
  try {
    const handle = await open(temp, 'wx', options.mode ?? 0o644);
    try {
      await handle.writeFile(text, 'utf8');
      if (options.sync !== false) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true }).catch(() => {});
    throw err;
  }
}
