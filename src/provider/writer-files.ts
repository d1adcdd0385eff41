import type { FileHandle } from 'node:fs/promises';
import { open, stat } from 'node:fs/promises';
import { toStreamingFile } from 'openai';
import { AssistantsError } from '../errors/index.js';
import type { ApiWriter } from './api-writer.js';
import { createOnce, NO_SDK_RETRIES, sendDelete, type WriterContext } from './writer-retry.js';

/**
 * Uploads and deletes files. Each attempt streams the file from disk afresh (never buffered). A
 * lost upload is found again in `GET /files` by filename, size and purpose, made since the first
 * attempt started.
 */
export function fileWriter(ctx: WriterContext): Pick<ApiWriter, 'uploadFile' | 'deleteFile'> {
  const { client } = ctx.api;
  return {
    async uploadFile({ path, filename, purpose }) {
      // The size the server will report is that of what is sent: match on it, not on the plan's.
      const bytes = await sizeOf(path);
      return createOnce(
        ctx,
        'files',
        { method: 'POST', path: '/files' },
        () => upload(ctx, path, filename, purpose, bytes),
        {
          key: `file\u0000${purpose}\u0000${bytes}\u0000${filename}`,
          operation: { method: 'GET', path: '/files' },
          list: async (after, limit) =>
            client.files.list({ order: 'desc', limit, ...(after ? { after } : {}) }, NO_SDK_RETRIES),
          matches: (file) => file.filename === filename && file.bytes === bytes && file.purpose === purpose,
          withTime: true,
        },
      );
    },

    deleteFile: (id) =>
      sendDelete(ctx, 'files', { method: 'DELETE', path: `/files/${id}` }, () =>
        client.files.delete(id, NO_SDK_RETRIES),
      ),
  };
}

/**
 * `redirect: 'error'` keeps the upload streaming: with any other mode, fetch (undici, as the spec
 * says) clones the request to be able to follow a redirect, and the clone tees the body stream, whose
 * unread branch then holds every byte sent until the request is collected (the whole file). A
 * streamed body could not be sent again after a redirect anyway.
 */
/** The largest chunk an upload reads from disk at once (the stream default). */
const STREAM_CHUNK_BYTES = 64 * 1024;

const UPLOAD_OPTIONS = { ...NO_SDK_RETRIES, fetchOptions: { redirect: 'error' } } as const;

/** One attempt: opens the file (so a missing file is a file error, not a network one) and streams it. */
async function upload(
  ctx: WriterContext,
  path: string,
  filename: string,
  purpose: Parameters<ApiWriter['uploadFile']>[0]['purpose'],
  bytes: number,
): Promise<{ id: string; createdAt: number }> {
  const handle = await openForUpload(path);
  try {
    // Chunks no bigger than the file (its size as uploadFile read it): a stream's default 64 KiB
    // per read, for a thousand small files, is memory the process keeps after it is freed.
    const stream = handle.createReadStream({
      autoClose: true,
      highWaterMark: Math.max(1, Math.min(bytes, STREAM_CHUNK_BYTES)),
    });
    // The request reads the stream and sees its errors; this only keeps a late one (after the
    // request gave up on the stream) from being an unhandled 'error' event.
    stream.on('error', () => {});
    const file = toStreamingFile(stream, filename);
    const created = await ctx.api.client.files.create({ file, purpose }, UPLOAD_OPTIONS);
    return { id: created.id, createdAt: created.created_at };
  } finally {
    // A request that failed before reading to the end leaves the handle open; closing twice is fine.
    await handle.close().catch(() => {});
  }
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    // Opening says why it cannot be read (missing, or not allowed), as an upload would.
    await (await openForUpload(path)).close();
    throw new AssistantsError('FILE_UNREADABLE', `cannot read ${path} to upload it`);
  }
}

async function openForUpload(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new AssistantsError(
      code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'FILE_UNREADABLE',
      `cannot read ${path} to upload it: ${(err as Error).message}`,
      { cause: err },
    );
  }
}
