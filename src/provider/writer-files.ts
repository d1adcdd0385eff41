import type { BigIntStats } from 'node:fs';
import { closeSync, fstatSync, openSync, readFileSync, statSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { toStreamingFile } from 'openai';
import { AssistantsError } from '../errors/index.js';
import type { FilePurpose } from '../model/desired.js';
import type { ApiWriter, SentContent } from './api-writer.js';
import { hashing } from './hash-stream.js';
import { createOnce, NO_SDK_RETRIES, sendDelete, type WriterContext } from './writer-retry.js';

/**
 * Uploads and deletes files. Each attempt reads the file from disk afresh (streamed, or read whole
 * just before the request when it is small: WHOLE_READ_BYTES) and hashes the bytes as they go out, so an upload reads each byte once and reports the sha256 of what
 * the server received. A lost upload is found again in `GET /files` by filename, size and purpose,
 * made since the first attempt started.
 */
export function fileWriter(ctx: WriterContext): Pick<ApiWriter, 'uploadFile' | 'deleteFile'> {
  const { client } = ctx.api;
  return {
    async uploadFile({ path, filename, purpose }) {
      // The size the server will report is that of what is sent: match on it, not on the plan's.
      const bytes = sizeOf(path);
      const attempts: Attempt[] = [];
      const made = await createOnce(
        ctx,
        { method: 'POST', path: '/files' },
        () => upload(ctx, path, filename, purpose, bytes, attempts),
        {
          key: `file\u0000${purpose}\u0000${bytes}\u0000${filename}`,
          operation: { method: 'GET', path: '/files' },
          list: async (after, limit) =>
            client.files.list({ order: 'desc', limit, ...(after ? { after } : {}) }, NO_SDK_RETRIES),
          matches: (file) => file.filename === filename && file.bytes === bytes && file.purpose === purpose,
          withTime: true,
        },
      );
      return { id: made.id, createdAt: made.createdAt, content: contentOf(made.id, attempts, bytes) };
    },

    deleteFile: (id) =>
      sendDelete(ctx, { method: 'DELETE', path: `/files/${id}` }, () =>
        client.files.delete(id, NO_SDK_RETRIES),
      ),
  };
}

/** What one attempt sent: set once its stream was read to the end. */
interface Attempt {
  /** The id the server answered with; absent when the answer was lost. */
  id?: string;
  sent?: SentContent;
}

/**
 * What the server received, from the attempt that made the file: the one that was answered, or,
 * when the answer was lost and the file found again by name and size, every attempt that sent that
 * many bytes, if they all sent the same bytes. When they did not (the file changed between
 * attempts), which one landed cannot be told: UNKNOWN_CONTENT, whose hash matches no content, so the
 * next plan uploads the file again rather than trust a guess.
 */
function contentOf(id: string, attempts: readonly Attempt[], bytes: number): SentContent {
  const answered = attempts.find((attempt) => attempt.id === id)?.sent;
  if (answered) return answered;
  const [first, ...others] = attempts.flatMap((attempt) =>
    attempt.sent && attempt.sent.bytes === bytes ? [attempt.sent] : [],
  );
  if (first && others.every((other) => other.sha256 === first.sha256)) {
    // Each attempt saw the file unchanged; together they did only if they saw the same mtime.
    const sameMtime = others.every((other) => other.mtimeMs === first.mtimeMs);
    return sameMtime ? first : { sha256: first.sha256, bytes: first.bytes };
  }
  return { sha256: UNKNOWN_CONTENT, bytes };
}

/**
 * The hash recorded for an upload whose content cannot be told (see contentOf): 64 zeros, the
 * sha256 of no content anyone has found, so a plan always sees it as changed.
 */
const UNKNOWN_CONTENT = '0'.repeat(64);

/**
 * Files up to this size are read whole, with synchronous calls, just before their request (which
 * may then wait for a pacing slot holding them: parallelism × this at most): a stream costs a dozen thread-pool round trips and promise turns per file, which for
 * thousands of small files was a fifth of apply's CPU. A read this small blocks for microseconds.
 */
export const WHOLE_READ_BYTES = 256 * 1024;

/**
 * `redirect: 'error'` keeps the upload streaming: with any other mode, fetch (undici, as the spec
 * says) clones the request to be able to follow a redirect, and the clone tees the body stream, whose
 * unread branch then holds every byte sent until the request is collected (the whole file). A
 * streamed body could not be sent again after a redirect anyway.
 */
const UPLOAD_OPTIONS = { ...NO_SDK_RETRIES, fetchOptions: { redirect: 'error' } } as const;

/**
 * One attempt: opens the file (so a missing file is a file error, not a network one) and streams
 * it through sha256; a small one is read whole first (WHOLE_READ_BYTES). The file's size and mtime
 * are read from the open file before the first byte and after the last: when they differ, or the bytes sent are not the size, the file changed while
 * it was sent, and `mtimeMs` is left out (the hash is still that of the bytes sent, but no cache
 * may file it under the file's size and mtime).
 */
async function upload(
  ctx: WriterContext,
  path: string,
  filename: string,
  purpose: FilePurpose,
  bytes: number,
  attempts: Attempt[],
): Promise<{ id: string; createdAt: number }> {
  const attempt: Attempt = {};
  attempts.push(attempt);
  if (bytes <= WHOLE_READ_BYTES) {
    const read = readWhole(path);
    const hashed = hashing(
      (async function* () {
        yield read.content;
      })(),
      async (sha256, sent) => {
        attempt.sent = { sha256, bytes: sent, ...unchangedMtime(sent, read.before, read.after) };
      },
    );
    return send(ctx, attempt, path, toStreamingFile(hashed, filename), purpose);
  }
  const handle = await openForUpload(path);
  try {
    // Nanoseconds, to see any change; whole milliseconds reported, as validation reads them
    // (src/manifest/file-inspect.ts), for a cache keyed by them to find the entry.
    const before = await handle.stat({ bigint: true });
    const stream = handle.createReadStream({ autoClose: false });
    // The request reads the stream and sees its errors; this only keeps a late one (after the
    // request gave up on the stream) from being an unhandled 'error' event.
    stream.on('error', () => {});
    const hashed = hashing(stream, async (sha256, sent) => {
      const after = await handle.stat({ bigint: true });
      attempt.sent = { sha256, bytes: sent, ...unchangedMtime(sent, before, after) };
    });
    return await send(ctx, attempt, path, toStreamingFile(hashed, filename), purpose);
  } finally {
    // A request that failed before reading to the end leaves the handle open; closing twice is fine.
    await handle.close().catch(() => {});
  }
}

/** Sends one attempt's body and notes the id the server gave it. */
async function send(
  ctx: WriterContext,
  attempt: Attempt,
  path: string,
  file: ReturnType<typeof toStreamingFile>,
  purpose: FilePurpose,
): Promise<{ id: string; createdAt: number }> {
  const created = await ctx.api.client.files.create({ file, purpose }, UPLOAD_OPTIONS);
  // The server answered only after the whole body: the body was read to the end.
  if (!attempt.sent)
    throw new AssistantsError('INTERNAL', `the upload of ${path} was answered before it was sent whole`);
  attempt.id = created.id;
  return { id: created.id, createdAt: created.created_at };
}

/**
 * The mtime to file the hash under, when the file kept its size and mtime from before the first
 * byte to after the last and every byte of that size was sent; nothing otherwise.
 */
function unchangedMtime(sent: number, before: BigIntStats, after: BigIntStats): { mtimeMs?: number } {
  const unchanged =
    BigInt(sent) === before.size && after.size === before.size && after.mtimeNs === before.mtimeNs;
  return unchanged ? { mtimeMs: Number(before.mtimeMs) } : {};
}

/** A small file's bytes (to its end, whatever its size now), with its stats before and after. */
function readWhole(path: string): { content: Buffer; before: BigIntStats; after: BigIntStats } {
  const fd = openSyncForUpload(path);
  try {
    const before = fstatSync(fd, { bigint: true });
    const content = readFileSync(fd);
    return { content, before, after: fstatSync(fd, { bigint: true }) };
  } finally {
    closeSync(fd);
  }
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    // Opening says why it cannot be read (missing, or not allowed), as an upload would.
    closeSync(openSyncForUpload(path));
    throw new AssistantsError('FILE_UNREADABLE', `cannot read ${path} to upload it`);
  }
}

function openForUpload(path: string): Promise<FileHandle> {
  return open(path, 'r').catch((err: unknown) => {
    throw unreadable(path, err);
  });
}

function openSyncForUpload(path: string): number {
  try {
    return openSync(path, 'r');
  } catch (err) {
    throw unreadable(path, err);
  }
}

/** Why a file cannot be uploaded: FILE_NOT_FOUND or FILE_UNREADABLE. */
function unreadable(path: string, err: unknown): AssistantsError {
  const code = (err as NodeJS.ErrnoException).code;
  return new AssistantsError(
    code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'FILE_UNREADABLE',
    `cannot read ${path} to upload it: ${(err as Error).message}`,
    { cause: err },
  );
}
