import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from './api-error.js';

/** Larger than any valid JSON request (256,000-character instructions, 2,000 file ids). */
const MAX_JSON_BYTES = 8 * 1024 * 1024;

/**
 * How deeply a JSON body may nest (objects and arrays). The API documents no ceiling for request
 * bodies, nor one for function `parameters` (Structured Outputs' nesting limit is for strict
 * schemas). 128 is serde_json's default recursion limit: far beyond any real request (a function
 * schema whose objects nest ten deep is about 25 levels of JSON) and far below the depth at which
 * recursive code (JSON.stringify of a list that holds it) runs out of stack. A deeper body is
 * refused before it is parsed, so nothing of it is stored.
 */
export const MAX_JSON_DEPTH = 128;

/**
 * The nesting depth of JSON text, or `limit + 1` as soon as it goes deeper: a linear scan that keeps
 * no stack, so any input is safe to measure. Brackets inside strings do not count.
 */
export function jsonDepth(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (inString) {
      // An escaped character (\" included) never ends the string.
      if (c === '\\') i += 1;
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
    } else if (c === '{' || c === '[') {
      depth += 1;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (c === '}' || c === ']') {
      depth -= 1;
    }
  }
  return deepest;
}

/**
 * Reads a JSON object body; `{}` when the body is empty. Errors are the API's 400s; a body nested
 * deeper than MAX_JSON_DEPTH is one, found before parsing.
 */
export async function readJsonObject(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_JSON_BYTES)
      throw new ApiError(413, 'Request body too large.', { code: 'request_too_large' });
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  if (jsonDepth(text) > MAX_JSON_DEPTH) {
    throw new ApiError(
      400,
      `The JSON body of your request is nested too deeply: objects and arrays may nest at most ${MAX_JSON_DEPTH} levels.`,
      { code: 'invalid_value' },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError(
      400,
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ApiError(400, 'The request body must be a JSON object.', { code: 'invalid_type' });
  }
  return value as Record<string, unknown>;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function sendError(
  res: ServerResponse,
  error: ApiError,
  headers: Readonly<Record<string, string>> = {},
): void {
  sendJson(res, error.status, error.body(), { ...headers, ...error.headers });
}
