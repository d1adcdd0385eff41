import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { invalidRequest } from './api-error.js';
import type { RouteContext } from './router.js';
import { MAX_SKILL_BYTES, MAX_SKILL_FILES, type SkillPart, tooLarge } from './skill-archive.js';

/** A skill create request as received: its file parts, its other fields, and as the spec's JSON. */
export interface SkillForm {
  parts: SkillPart[];
  /** The form in the shape of `CreateSkillBody` / `CreateSkillVersionBody`, for the spec check. */
  request: Record<string, unknown>;
}

/**
 * Reads a skill upload (multipart `files[]` parts, or one `files` part; the SDK names an array
 * `files[]` and a single file `files`). Contents are held in memory, up to MAX_SKILL_BYTES in all:
 * a version is zipped or unzipped whole. Parts past MAX_SKILL_FILES are counted, not kept, so
 * the spec check can say how many there were.
 */
export async function receiveSkillForm(ctx: RouteContext, fieldNames: readonly string[]): Promise<SkillForm> {
  const type = ctx.req.headers['content-type'] ?? '';
  if (!type.startsWith('multipart/form-data')) {
    throw invalidRequest(
      `Invalid Content-Type header (${type || 'none'}), expected multipart/form-data: a skill is uploaded as files[] parts or one zip file.`,
    );
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: ctx.req.headers,
      defParamCharset: 'utf8',
      // A folder upload's file names are paths (`pdf-tools/SKILL.md`); busboy keeps only the last
      // part of a name unless told to keep the path.
      preservePath: true,
      limits: { fileSize: MAX_SKILL_BYTES + 1, fields: 16, fieldSize: 64 * 1024 },
    });
  } catch (err) {
    throw invalidRequest(`Could not parse multipart form: ${(err as Error).message}`);
  }
  const parts: SkillPart[] = [];
  const fields: Record<string, string> = {};
  const unknown: string[] = [];
  let single = false;
  let count = 0;
  let bytes = 0;
  const pending: Promise<void>[] = [];
  parser.on('field', (name, value) => {
    if (fieldNames.includes(name)) fields[name] = value;
    else unknown.push(name);
  });
  parser.on('file', (name, stream: Readable, info) => {
    if (name !== 'files' && name !== 'files[]') {
      unknown.push(name);
      stream.resume();
      return;
    }
    count += 1;
    if (name === 'files') single = true;
    if (count > MAX_SKILL_FILES) {
      stream.resume();
      return;
    }
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= MAX_SKILL_BYTES) chunks.push(chunk);
    });
    pending.push(
      new Promise((resolve, reject) => {
        stream.on('end', () => {
          parts.push({ filename: info.filename ?? '', data: Buffer.concat(chunks) });
          resolve();
        });
        stream.on('error', reject);
      }),
    );
  });
  try {
    await pipeline(ctx.req, parser);
    await Promise.all(pending);
  } catch (err) {
    // A part cut off may still fail after this; its failure is expected and must not go unhandled
    // (nor be awaited: a part the parser dropped never settles).
    void Promise.allSettled(pending);
    if (ctx.req.destroyed) throw invalidRequest('The upload was interrupted before it completed.');
    throw invalidRequest(`Could not parse multipart form: ${(err as Error).message}`);
  }
  if (bytes > MAX_SKILL_BYTES) throw tooLarge();
  return { parts, request: formAsRequest(parts, count, single, fields, unknown) };
}

/**
 * The form as JSON: `files` a list of names (as many as were sent, so `maxItems` reports the real
 * count) or, for one part named `files`, a single name; `default` a boolean when it reads as one.
 */
function formAsRequest(
  parts: readonly SkillPart[],
  count: number,
  single: boolean,
  fields: Record<string, string>,
  unknown: readonly string[],
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (count === 1 && single) body.files = parts[0]?.filename ?? '';
  else if (count > 0)
    body.files = Array.from({ length: count }, (_, index) => parts[index]?.filename ?? '(not kept)');
  for (const [name, value] of Object.entries(fields))
    body[name] = value === 'true' ? true : value === 'false' ? false : value;
  for (const name of unknown) body[name] = true;
  return body;
}
