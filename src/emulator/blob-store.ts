import { createWriteStream, mkdirSync, type ReadStream, rmSync } from 'node:fs';
import { open as fsOpen, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ApiError } from './api-error.js';

/**
 * Where uploaded file contents live: a temp folder removed on close, or `DIR/files` under
 * `--data DIR` (kept). Content is streamed to disk as it arrives and never held in memory whole.
 */
export class BlobStore {
  private constructor(
    readonly dir: string,
    private readonly ephemeral: boolean,
  ) {}

  static async open(dataDir?: string): Promise<BlobStore> {
    if (dataDir) {
      const dir = join(dataDir, 'files');
      mkdirSync(dir, { recursive: true });
      return new BlobStore(dir, false);
    }
    return new BlobStore(await mkdtemp(join(tmpdir(), 'assistants-emulator-')), true);
  }

  pathOf(id: string): string {
    return join(this.dir, id);
  }

  /**
   * Streams `source` into the blob `id`; returns the byte count. A partial upload (the client went
   * away, the size limit hit) leaves nothing behind: content goes to a temp name until complete.
   */
  async receive(id: string, source: Readable): Promise<number> {
    const partial = join(this.dir, `.partial-${id}`);
    try {
      const out = createWriteStream(partial);
      await pipeline(source, out);
      await rename(partial, this.pathOf(id));
      // What the stream wrote, not a stat after: a file system call less per upload, on the one
      // thread that answers every request.
      return out.bytesWritten;
    } catch (err) {
      await rm(partial, { force: true });
      throw err;
    }
  }

  /** Opens a blob for reading; opened before the answer starts, so a vanished blob is a clean 404. */
  async open(id: string): Promise<ReadStream> {
    const handle = await fsOpen(this.pathOf(id)).catch(() => {
      throw new ApiError(404, `No such File object: ${id}`, { param: 'id' });
    });
    return handle.createReadStream();
  }

  async remove(id: string): Promise<void> {
    await rm(this.pathOf(id), { force: true });
  }

  /** Removes every blob (reset). */
  async clear(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
    mkdirSync(this.dir, { recursive: true });
  }

  /** Removes the temp folder of an emulator without `--data`; a data folder is kept. */
  close(): void {
    if (this.ephemeral) rmSync(this.dir, { recursive: true, force: true });
  }
}
