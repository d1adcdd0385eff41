import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { open as fsOpen, mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { readUpTo } from '../util/read-up-to.js';
import { ApiError } from './api-error.js';

/** Uploads up to this size are kept in memory by an emulator without `--data`. */
const SMALL_BLOB_BYTES = 64 * 1024;

/** How much the in-memory blobs may hold in all; past it, small uploads go to disk too. */
const MEMORY_BUDGET_BYTES = 64 * 2 ** 20;

/**
 * Where uploaded file contents live: a temp folder removed on close, or `DIR/files` under
 * `--data DIR` (kept). Content is streamed to disk as it arrives and never held in memory whole,
 * except, without `--data`, small uploads (SMALL_BLOB_BYTES, up to MEMORY_BUDGET_BYTES in all): a
 * file created, written and renamed costs four thread-pool round trips and the disk's metadata
 * writes, which for thousands of small uploads were most of the time the emulator added to each
 * request beyond `--latency-ms`.
 */
export class BlobStore {
  private readonly memory = new Map<string, Buffer>();
  private memoryBytes = 0;

  private constructor(
    readonly dir: string,
    private readonly ephemeral: boolean,
    private readonly memoryBudget: number,
  ) {}

  /** `memoryBudget`: bytes the in-memory blobs may hold in all (tests lower it). */
  static async open(dataDir?: string, memoryBudget = MEMORY_BUDGET_BYTES): Promise<BlobStore> {
    if (dataDir) {
      const dir = join(dataDir, 'files');
      mkdirSync(dir, { recursive: true });
      return new BlobStore(dir, false, 0);
    }
    return new BlobStore(await mkdtemp(join(tmpdir(), 'assistants-emulator-')), true, memoryBudget);
  }

  private pathOf(id: string): string {
    return join(this.dir, id);
  }

  /**
   * Streams `source` into the blob `id`; returns the byte count. A partial upload (the client went
   * away, the size limit hit) leaves nothing behind: content is held in memory, or goes to a temp
   * name on disk, until complete.
   */
  async receive(id: string, source: Readable): Promise<number> {
    const chunks = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    // Without --data, read while the upload may still be small enough to keep in memory.
    if (this.memoryBudget <= 0) return this.toDisk(id, [], chunks);
    const head = await readUpTo(chunks, SMALL_BLOB_BYTES);
    if (!head.ended || head.bytes > this.memoryBudget - this.memoryBytes)
      return this.toDisk(id, head.chunks, chunks);
    this.memory.set(id, Buffer.concat(head.chunks, head.bytes));
    this.memoryBytes += head.bytes;
    return head.bytes;
  }

  /** Writes what was read (`held`) and the rest of `chunks` to disk, under a temp name until whole. */
  private async toDisk(id: string, held: Buffer[], chunks: AsyncIterator<Buffer>): Promise<number> {
    const partial = join(this.dir, `.partial-${id}`);
    try {
      const out = createWriteStream(partial);
      await pipeline(async function* () {
        yield* held;
        for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
      }, out);
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
  async open(id: string): Promise<Readable> {
    const kept = this.memory.get(id);
    if (kept) return Readable.from([kept]);
    const handle = await fsOpen(this.pathOf(id)).catch(() => {
      throw new ApiError(404, `No such File object: ${id}`, { param: 'id' });
    });
    return handle.createReadStream();
  }

  /** A blob's content, whole. */
  async read(id: string): Promise<Buffer> {
    return this.memory.get(id) ?? readFile(this.pathOf(id));
  }

  /** A blob's content as UTF-8 text. */
  async text(id: string): Promise<string> {
    return (await this.read(id)).toString('utf8');
  }

  async remove(id: string): Promise<void> {
    const kept = this.memory.get(id);
    if (kept) {
      this.memory.delete(id);
      this.memoryBytes -= kept.length;
      return;
    }
    await rm(this.pathOf(id), { force: true });
  }

  /** The ids of the blobs held, in memory and on disk (uploads under way are not counted). */
  async ids(): Promise<string[]> {
    const onDisk = (await readdir(this.dir)).filter((name) => !name.startsWith('.partial-'));
    return [...this.memory.keys(), ...onDisk];
  }

  /** Removes every blob (reset). */
  async clear(): Promise<void> {
    this.forgetMemory();
    await rm(this.dir, { recursive: true, force: true });
    mkdirSync(this.dir, { recursive: true });
  }

  /** Removes the temp folder of an emulator without `--data`; a data folder is kept. */
  close(): void {
    this.forgetMemory();
    if (this.ephemeral) rmSync(this.dir, { recursive: true, force: true });
  }

  private forgetMemory(): void {
    this.memory.clear();
    this.memoryBytes = 0;
  }
}
