import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { ApiError, invalidRequest } from '../api-error.js';
import { cursorOf, FILES_LIST, listBody, paginate, parseListQuery } from '../pagination.js';
import type { FileRecord } from '../records.js';
import type { Route, RouteContext } from '../router.js';
import { checkRequest } from '../spec.js';
import { fileView } from '../views.js';

/** "Individual files can be up to 512 MB" (API prose). */
export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;

interface Upload {
  fields: Record<string, string>;
  unknown: string[];
  file?: { filename: string; bytes: number; truncated: boolean };
}

/**
 * Streams a multipart upload: the file part goes straight to disk under `id` while the form is
 * parsed, so memory use does not grow with the file. Fields are collected for validation.
 */
async function receiveMultipart(ctx: RouteContext, id: string): Promise<Upload> {
  const type = ctx.req.headers['content-type'] ?? '';
  if (!type.startsWith('multipart/form-data')) {
    throw invalidRequest(`Invalid Content-Type header (${type || 'none'}), expected multipart/form-data.`);
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: ctx.req.headers,
      // Clients (the SDK, browsers' FormData) put the file name in the header as raw UTF-8; busboy
      // would read it as Latin-1 by default. `filename*=` (RFC 5987) names its own charset.
      defParamCharset: 'utf8',
      // busboy flags a part as truncated on reaching the limit, so 512 MB exactly needs one byte more.
      limits: { fileSize: MAX_UPLOAD_BYTES + 1, files: 1, fields: 16, fieldSize: 64 * 1024 },
    });
  } catch (err) {
    throw invalidRequest(`Could not parse multipart form: ${(err as Error).message}`);
  }
  const upload: Upload = { fields: {}, unknown: [] };
  const pending: Promise<unknown>[] = [];
  parser.on('field', (name, value) => {
    if (name === 'purpose' || name === 'expires_after[anchor]' || name === 'expires_after[seconds]') {
      upload.fields[name] = value;
    } else {
      upload.unknown.push(name);
    }
  });
  parser.on('file', (name, stream: Readable & { truncated?: boolean }, info) => {
    if (name !== 'file') {
      upload.unknown.push(name);
      stream.resume();
      return;
    }
    const filename = basename(info.filename ?? 'file');
    pending.push(
      ctx.core.blobs.receive(id, stream).then((bytes) => {
        upload.file = { filename, bytes, truncated: stream.truncated === true };
      }),
    );
  });
  try {
    // A client that goes away mid-upload fails the pipeline, which destroys the file stream, so
    // the partial content on disk is removed rather than left open.
    await pipeline(ctx.req, parser);
    await Promise.all(pending);
  } catch (err) {
    await Promise.allSettled(pending);
    if (ctx.req.destroyed) throw invalidRequest('The upload was interrupted before it completed.');
    throw invalidRequest(`Could not parse multipart form: ${(err as Error).message}`);
  }
  return upload;
}

/** The form as the JSON shape of `CreateFileRequest`, so the spec's schema checks it. */
function formAsRequest(upload: Upload): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (upload.file) body.file = upload.file.filename;
  if (upload.fields.purpose !== undefined) body.purpose = upload.fields.purpose;
  const anchor = upload.fields['expires_after[anchor]'];
  const seconds = upload.fields['expires_after[seconds]'];
  if (anchor !== undefined || seconds !== undefined) {
    const expires: Record<string, unknown> = {};
    if (anchor !== undefined) expires.anchor = anchor;
    // Form fields are text; a numeric one is read as the number the JSON API would take.
    if (seconds !== undefined) expires.seconds = /^-?\d+$/.test(seconds) ? Number(seconds) : seconds;
    body.expires_after = expires;
  }
  for (const name of upload.unknown) body[name] = true;
  return body;
}

async function createFile(ctx: RouteContext) {
  const { core } = ctx;
  const id = core.newId('file');
  let upload: Upload;
  try {
    upload = await receiveMultipart(ctx, id);
  } catch (err) {
    await core.blobs.remove(id);
    throw err;
  }
  try {
    if (upload.file?.truncated) {
      throw new ApiError(400, 'File is too large. Files can be at most 512 MB.', {
        param: 'file',
        code: 'file_too_large',
      });
    }
    const request = formAsRequest(upload);
    checkRequest('CreateFileRequest', request);
  } catch (err) {
    await core.blobs.remove(id);
    throw err;
  }
  const file = upload.file as NonNullable<Upload['file']>;
  const createdAt = core.clock.nowSeconds();
  // "files with purpose=batch expire after 30 days" unless told otherwise (API prose).
  const purpose = upload.fields.purpose as string;
  const seconds =
    upload.fields['expires_after[seconds]'] !== undefined
      ? Number(upload.fields['expires_after[seconds]'])
      : purpose === 'batch'
        ? 30 * 86_400
        : Number.NaN;
  const record: FileRecord = {
    id,
    seq: core.nextSeq(id),
    createdAt,
    bytes: file.bytes,
    filename: file.filename,
    purpose,
    ...(Number.isFinite(seconds) ? { expiresAt: createdAt + seconds } : {}),
  };
  core.data.files.set(id, record);
  if (record.expiresAt !== undefined) core.noteFileExpiry(record.expiresAt);
  return { body: fileView(record) };
}

function listFiles(ctx: RouteContext) {
  const query = parseListQuery(ctx.query, FILES_LIST);
  const purpose = ctx.query.get('purpose');
  const files = [...ctx.core.data.files.values()].filter(
    (file) => purpose === null || file.purpose === purpose,
  );
  const { page, hasMore } = paginate(files, query, cursorOf(ctx.core));
  return { body: listBody(page.map(fileView), hasMore) };
}

async function deleteFile(ctx: RouteContext) {
  const file = ctx.core.file(ctx.params.file_id as string);
  await ctx.core.deleteFile(file);
  return { body: { id: file.id, object: 'file', deleted: true } };
}

/** The live API refuses to hand back the content of files uploaded for assistants. */
async function downloadFile(ctx: RouteContext) {
  const file = ctx.core.file(ctx.params.file_id as string);
  if (file.purpose === 'assistants') {
    throw invalidRequest(`Not allowed to download files of purpose: ${file.purpose}`, 'file_id');
  }
  return {
    stream: await ctx.core.blobs.open(file.id),
    contentType: 'application/octet-stream',
    length: file.bytes,
  };
}

export function fileRoutes(): Route[] {
  return [
    { method: 'GET', template: '/files', handle: listFiles },
    { method: 'POST', template: '/files', handle: createFile },
    { method: 'DELETE', template: '/files/{file_id}', handle: deleteFile },
    {
      method: 'GET',
      template: '/files/{file_id}',
      handle: (ctx) => ({ body: fileView(ctx.core.file(ctx.params.file_id as string)) }),
    },
    { method: 'GET', template: '/files/{file_id}/content', handle: downloadFile },
  ];
}
