import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, type ApiClientOptions, createApiClient } from '../../../src/provider/api-client.js';
import type { AssistantBody, VectorStoreBody } from '../../../src/provider/api-writer.js';
import { type SdkWriterOptions, sdkWriter } from '../../../src/provider/sdk-writer.js';
import { apiAssistant, apiFile, apiList, apiStore } from '../../helpers/api-objects.js';
import { fakeKey } from '../../helpers/fake-key.js';
import { NOCK_BASE_URL, NOCK_ORIGIN, useNock } from '../../helpers/nock-api.js';
import { rejection } from '../../helpers/rejection.js';

const ORIGIN = NOCK_ORIGIN;
const BASE_URL = NOCK_BASE_URL;
const KEY = fakeKey('sk-test-', 16, 'provider');
/** The writer's clock: creates start at this second. */
const NOW_MS = 1_700_000_100_000;
const NOW_S = NOW_MS / 1000;
const LINEAGE = '6f1c0a6e-0000-4000-8000-000000000001';

const unmatched = useNock();

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'assistants-iac-writer-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function client(clock: ApiClientOptions['clock'] = {}): ApiClient {
  // The client's own maxRetries is 2 here on purpose: the writer must turn the SDK's retries off per call.
  return createApiClient({ baseUrl: BASE_URL, env: { OPENAI_API_KEY: KEY }, maxRetries: 2, clock });
}

/**
 * A writer whose waits are recorded, not slept (its own and those of its client's rate governor,
 * on a clock that stands still); jitter 0 so backoff is exact.
 */
function writer(options: SdkWriterOptions = {}) {
  const sleeps: number[] = [];
  const sleep = async (ms: number) => {
    sleeps.push(ms);
  };
  const api = sdkWriter(client({ now: () => NOW_MS, sleep, random: () => 0 }), {
    now: () => NOW_MS,
    random: () => 0,
    sleep,
    ...options,
  });
  return { api, sleeps };
}

const list = apiList;

function rawFile(id: string, overrides: Record<string, unknown> = {}) {
  return apiFile(id, { bytes: 11, created_at: NOW_S, filename: 'notes.md', ...overrides });
}

function rawStore(id: string, metadata: Record<string, string>, overrides: Record<string, unknown> = {}) {
  return apiStore(id, { created_at: NOW_S, last_active_at: NOW_S, name: 'docs', metadata, ...overrides });
}

function rawAssistant(id: string, metadata: Record<string, string>, overrides: Record<string, unknown> = {}) {
  return apiAssistant(id, { created_at: NOW_S, name: 'helper', metadata, ...overrides });
}

const stamp = (address: string) => ({
  assistants_iac_lineage: LINEAGE,
  assistants_iac_address: address,
});

function storeBody(address = 'vector_store.docs', overrides: Partial<VectorStoreBody> = {}): VectorStoreBody {
  return { name: 'docs', metadata: { team: 'a', ...stamp(address) }, expires_after: null, ...overrides };
}

function assistantBody(overrides: Partial<AssistantBody> = {}): AssistantBody {
  return {
    model: 'gpt-4o',
    name: 'helper',
    description: null,
    instructions: null,
    tools: [],
    tool_resources: {},
    temperature: null,
    top_p: null,
    response_format: 'auto',
    metadata: stamp('assistant.helper'),
    ...overrides,
  };
}

/** Writes `content` to a fresh file in the temp folder and returns an upload request for it. */
async function localFile(name: string, content: string) {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}-${name}`);
  await writeFile(file, content);
  return { path: file, filename: name, purpose: 'assistants' as const, bytes: Buffer.byteLength(content) };
}

/** What an upload reports it sent of a file holding `content`, unchanged while it was sent. */
const sent = (content: string) => ({
  sha256: createHash('sha256').update(content).digest('hex'),
  bytes: Buffer.byteLength(content),
  mtimeMs: expect.any(Number),
});

const apiError = (message: string) => ({
  error: { message, type: 'invalid_request_error', param: null, code: null },
});

describe('sdkWriter: retries', () => {
  it('waits what retry-after-ms says after a 429, once (the client holds the family, the writer does not wait again)', async () => {
    const api = nock(ORIGIN)
      .post('/v1/vector_stores/vs_1')
      .reply(429, apiError('Rate limit reached'), { 'retry-after-ms': '1234', 'retry-after': '2' })
      .post('/v1/vector_stores/vs_1')
      .reply(200, rawStore('vs_1', {}));
    const { api: w, sleeps } = writer();

    await w.updateVectorStore('vs_1', storeBody());

    expect(sleeps).toEqual([1234]);
    expect(api.isDone()).toBe(true);
    expect(unmatched).toEqual([]);
  });

  it('waits retry-after seconds when retry-after-ms is absent', async () => {
    nock(ORIGIN)
      .delete('/v1/assistants/asst_1')
      .reply(429, apiError('Rate limit reached'), { 'retry-after': '3' })
      .delete('/v1/assistants/asst_1')
      .reply(200, { id: 'asst_1', object: 'assistant.deleted', deleted: true });
    const { api: w, sleeps } = writer();

    await w.deleteAssistant('asst_1');

    expect(sleeps).toEqual([3000]);
  });

  it('retries a 500 after a backoff and succeeds (a batch is sent again as it is)', async () => {
    const api = nock(ORIGIN)
      .post('/v1/vector_stores/vs_1/file_batches')
      .reply(500, apiError('The server had an error'))
      .post('/v1/vector_stores/vs_1/file_batches')
      .reply(200, {
        id: 'vsfb_1',
        object: 'vector_store.file_batch',
        created_at: NOW_S,
        vector_store_id: 'vs_1',
        status: 'in_progress',
        file_counts: { in_progress: 1, completed: 0, failed: 0, cancelled: 0, total: 1 },
      });
    const { api: w, sleeps } = writer();

    const batch = await w.createFileBatch('vs_1', [
      {
        file_id: 'file-a',
        attributes: { lang: 'en' },
        chunking_strategy: { max_chunk_size_tokens: 800, chunk_overlap_tokens: 400 },
      },
    ]);

    expect(batch).toEqual({ id: 'vsfb_1' });
    expect(sleeps).toEqual([500]);
    expect(api.isDone()).toBe(true);
    expect(unmatched).toEqual([]);
  });

  it('backs off exponentially from 0.5 s, capped at 8 s, with up to a quarter of jitter', async () => {
    const scope = nock(ORIGIN);
    for (let i = 0; i < 6; i++) scope.delete('/v1/files/file-a').reply(503, apiError('Slow down'));
    scope.delete('/v1/files/file-a').reply(200, { id: 'file-a', object: 'file', deleted: true });
    const { api: w, sleeps } = writer();

    await w.deleteFile('file-a');
    expect(sleeps).toEqual([500, 1000, 2000, 4000, 8000, 8000]);

    const jittered = writer({ random: () => 0.999 });
    nock(ORIGIN)
      .delete('/v1/files/file-b')
      .reply(502, apiError('Bad gateway'))
      .delete('/v1/files/file-b')
      .reply(200, { id: 'file-b', object: 'file', deleted: true });
    await jittered.api.deleteFile('file-b');
    expect(jittered.sleeps[0]).toBeGreaterThan(375);
    expect(jittered.sleeps[0]).toBeLessThan(500);
  });

  it('retries connection errors, 408 and 409 too', async () => {
    nock(ORIGIN)
      .post('/v1/vector_stores/vs_1/files/file-a')
      .replyWithError({ code: 'ECONNRESET', message: 'socket hang up' })
      .post('/v1/vector_stores/vs_1/files/file-a')
      .reply(408, apiError('Request timeout'))
      .post('/v1/vector_stores/vs_1/files/file-a')
      .reply(409, apiError('Conflict'))
      .post('/v1/vector_stores/vs_1/files/file-a', { attributes: { lang: 'en' } })
      .reply(200, {
        id: 'file-a',
        object: 'vector_store.file',
        usage_bytes: 1,
        created_at: NOW_S,
        vector_store_id: 'vs_1',
        status: 'completed',
        last_error: null,
        attributes: { lang: 'en' },
      });
    const { api: w, sleeps } = writer();

    await w.updateVectorStoreFile('vs_1', 'file-a', { lang: 'en' });

    expect(sleeps).toHaveLength(3);
    expect(unmatched).toEqual([]);
  });

  it('does not retry a 401, and names the call without the key', async () => {
    const api = nock(ORIGIN)
      .post('/v1/vector_stores/vs_1')
      .reply(401, apiError(`Incorrect API key provided: ${KEY}`));
    const { api: w, sleeps } = writer();

    const error = await rejection(w.updateVectorStore('vs_1', storeBody()));

    expect(error.code).toBe('API_UNAUTHORIZED');
    expect(error.message).toContain('POST /vector_stores/vs_1');
    expect(error.message).not.toContain(KEY);
    expect(sleeps).toEqual([]);
    expect(api.isDone()).toBe(true);
    expect(unmatched).toEqual([]);
  });

  it('does not retry a 400', async () => {
    nock(ORIGIN).post('/v1/assistants/asst_1').reply(400, apiError("Unsupported parameter: 'temperature'"));
    const { api: w, sleeps } = writer();

    const error = await rejection(w.updateAssistant('asst_1', assistantBody()));

    expect(error.code).toBe('API_ERROR');
    expect(error.message).toContain('POST /assistants/asst_1 failed with 400');
    expect(sleeps).toEqual([]);
    expect(unmatched).toEqual([]);
  });

  it('gives up after `retries` retries with an API_UNREACHABLE error naming the call', async () => {
    const api = nock(ORIGIN)
      .delete('/v1/vector_stores/vs_1')
      .times(3)
      .replyWithError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' });
    const { api: w, sleeps } = writer({ retries: 2 });

    const error = await rejection(w.deleteVectorStore('vs_1'));

    expect(error.code).toBe('API_UNREACHABLE');
    expect(error.message).toContain('DELETE /vector_stores/vs_1');
    expect(sleeps).toHaveLength(2);
    expect(api.isDone()).toBe(true);
  });
});

describe('sdkWriter: a create whose answer was lost is found, not made again', () => {
  it('finds a vector store by its stamp after a dropped connection, without a second POST', async () => {
    const api = nock(ORIGIN)
      .post('/v1/vector_stores')
      .replyWithError({ code: 'ECONNRESET', message: 'socket hang up' })
      .get('/v1/vector_stores')
      .query({ order: 'desc', limit: '100' })
      .reply(
        200,
        list([
          rawStore('vs_other_address', stamp('vector_store.other')),
          rawStore('vs_other_lineage', { ...stamp('vector_store.docs'), assistants_iac_lineage: 'x' }),
          rawStore('vs_made', stamp('vector_store.docs')),
          // Same stamp but made long before this create started: an older store, not ours.
          rawStore('vs_old', stamp('vector_store.docs'), { created_at: NOW_S - 3600 }),
        ]),
      );
    const { api: w, sleeps } = writer();

    const store = await w.createVectorStore(storeBody());

    expect(store).toEqual({ id: 'vs_made' });
    expect(sleeps).toHaveLength(1);
    expect(api.isDone()).toBe(true);
    expect(unmatched).toEqual([]);
  });

  it('creates again when the lost attempt made nothing (older look-alikes are not taken)', async () => {
    const api = nock(ORIGIN)
      .post('/v1/vector_stores')
      .reply(503, apiError('Service unavailable'))
      .get('/v1/vector_stores')
      .query({ order: 'desc', limit: '100' })
      .reply(
        200,
        list(
          [
            rawStore('vs_recent_other', stamp('vector_store.other')),
            rawStore('vs_old', stamp('vector_store.docs'), { created_at: NOW_S - 3 }),
          ],
          true,
        ),
      )
      .post('/v1/vector_stores')
      .reply(200, rawStore('vs_new', stamp('vector_store.docs')));
    const { api: w } = writer();

    expect(await w.createVectorStore(storeBody())).toEqual({ id: 'vs_new' });
    // The page ended with an item older than the create: no second page was read.
    expect(api.isDone()).toBe(true);
    expect(unmatched).toEqual([]);
  });

  it('reads further pages while they still hold items made since the create started', async () => {
    nock(ORIGIN)
      .post('/v1/assistants')
      .replyWithError({ code: 'ECONNRESET' })
      .get('/v1/assistants')
      .query({ order: 'desc', limit: '100' })
      .reply(200, list([rawAssistant('asst_a', stamp('assistant.a'))], true))
      .get('/v1/assistants')
      .query({ order: 'desc', limit: '100', after: 'asst_a' })
      .reply(200, list([rawAssistant('asst_made', stamp('assistant.helper'))]));
    const { api: w } = writer();

    expect(await w.createAssistant(assistantBody())).toEqual({ id: 'asst_made' });
    expect(unmatched).toEqual([]);
  });

  it('does not look anything up after a 429 (refused before any work)', async () => {
    nock(ORIGIN)
      .post('/v1/assistants')
      .reply(429, apiError('Rate limit reached'), { 'retry-after-ms': '10' })
      .post('/v1/assistants')
      .reply(200, rawAssistant('asst_1', stamp('assistant.helper')));
    const { api: w } = writer();

    expect(await w.createAssistant(assistantBody())).toEqual({ id: 'asst_1' });
    expect(unmatched).toEqual([]);
  });

  it('looks once more after the last attempt, so a create that did happen is not reported as failed', async () => {
    nock(ORIGIN)
      .post('/v1/vector_stores')
      .times(2)
      .replyWithError({ code: 'ECONNRESET' })
      .get('/v1/vector_stores')
      .query({ order: 'desc', limit: '100' })
      .reply(200, list([]))
      .get('/v1/vector_stores')
      .query({ order: 'desc', limit: '100' })
      .reply(200, list([rawStore('vs_made', stamp('vector_store.docs'))]));
    const { api: w, sleeps } = writer({ retries: 1 });

    expect(await w.createVectorStore(storeBody())).toEqual({ id: 'vs_made' });
    expect(sleeps).toHaveLength(1);
    expect(unmatched).toEqual([]);
  });

  it('finds a file by filename, size and purpose, made since the upload started', async () => {
    const request = await localFile('notes.md', 'hello world');
    const api = nock(ORIGIN)
      .post('/v1/files')
      .replyWithError({ code: 'ECONNRESET', message: 'socket hang up' })
      .get('/v1/files')
      .query({ order: 'desc', limit: '100' })
      .reply(
        200,
        list([
          rawFile('file-other-size', { bytes: 12 }),
          rawFile('file-other-name', { filename: 'notes.txt' }),
          rawFile('file-other-purpose', { purpose: 'user_data' }),
          rawFile('file-made'),
          rawFile('file-old', { created_at: NOW_S - 60 }),
        ]),
      );
    const { api: w } = writer();

    // The lost attempt sent the whole file: the content reported is what it sent.
    expect(await w.uploadFile(request)).toEqual({
      id: 'file-made',
      createdAt: expect.any(Number),
      content: sent('hello world'),
    });
    expect(api.isDone()).toBe(true);
    expect(unmatched).toEqual([]);
  });

  it('reports no hash it cannot vouch for: two lost attempts sent different bytes, and one of them landed', async () => {
    const request = await localFile('notes.md', 'hello world');
    nock(ORIGIN)
      .post('/v1/files')
      .replyWithError({ code: 'ECONNRESET' })
      .get('/v1/files')
      .query({ order: 'desc', limit: '100' })
      .reply(200, list([]))
      .post('/v1/files')
      .replyWithError({ code: 'ECONNRESET' })
      .get('/v1/files')
      .query({ order: 'desc', limit: '100' })
      .reply(200, list([rawFile('file-made')]));
    // The file is rewritten (same size) between the attempts.
    const { api: w } = writer({ sleep: () => writeFile(request.path, 'HELLO WORLD') });

    const made = await w.uploadFile(request);

    expect(made.id).toBe('file-made');
    // A hash no content has: the next plan sees a change and uploads the file again.
    expect(made.content).toEqual({ sha256: '0'.repeat(64), bytes: 11 });
    expect(unmatched).toEqual([]);
  });

  it('never hands out one file for two uploads of the same name and size', async () => {
    const first = await localFile('same.md', 'aaaa');
    const second = await localFile('same.md', 'bbbb');
    nock(ORIGIN)
      .post('/v1/files')
      .reply(200, rawFile('file-first', { filename: 'same.md', bytes: 4 }))
      .post('/v1/files')
      .replyWithError({ code: 'ECONNRESET' })
      .get('/v1/files')
      .query({ order: 'desc', limit: '100' })
      .reply(
        200,
        list([
          rawFile('file-first', { filename: 'same.md', bytes: 4 }),
          rawFile('file-second', { filename: 'same.md', bytes: 4 }),
        ]),
      );
    const { api: w } = writer();

    expect(await w.uploadFile(first)).toEqual({
      id: 'file-first',
      createdAt: expect.any(Number),
      content: sent('aaaa'),
    });
    expect(await w.uploadFile(second)).toEqual({
      id: 'file-second',
      createdAt: expect.any(Number),
      content: sent('bbbb'),
    });
    expect(unmatched).toEqual([]);
  });

  it('retries a create blindly when the body carries no stamp to find it by', async () => {
    nock(ORIGIN)
      .post('/v1/vector_stores')
      .replyWithError({ code: 'ECONNRESET' })
      .post('/v1/vector_stores')
      .reply(200, rawStore('vs_1', {}));
    const { api: w } = writer();

    expect(await w.createVectorStore({ name: 'x', metadata: {}, expires_after: null })).toEqual({
      id: 'vs_1',
    });
    expect(unmatched).toEqual([]);
  });
});

describe('sdkWriter: deletes', () => {
  it('treats 404 as already deleted, for every kind, without retrying', async () => {
    const gone = apiError('No such object');
    const api = nock(ORIGIN)
      .delete('/v1/files/file-a')
      .reply(404, gone)
      .delete('/v1/vector_stores/vs_1')
      .reply(404, gone)
      .delete('/v1/vector_stores/vs_1/files/file-a')
      .reply(404, gone)
      .delete('/v1/assistants/asst_1')
      .reply(404, gone);
    const { api: w, sleeps } = writer();

    await w.deleteFile('file-a');
    await w.deleteVectorStore('vs_1');
    await w.deleteVectorStoreFile('vs_1', 'file-a');
    await w.deleteAssistant('asst_1');

    expect(sleeps).toEqual([]);
    expect(api.isDone()).toBe(true);
    expect(unmatched).toEqual([]);
  });

  it('a delete whose first answer was lost and whose retry finds it gone succeeds', async () => {
    nock(ORIGIN)
      .delete('/v1/vector_stores/vs_1/files/file-a')
      .replyWithError({ code: 'ECONNRESET' })
      .delete('/v1/vector_stores/vs_1/files/file-a')
      .reply(404, apiError('No file found'));
    const { api: w } = writer();

    await expect(w.deleteVectorStoreFile('vs_1', 'file-a')).resolves.toBeUndefined();
  });
});

describe('sdkWriter: requests', () => {
  it('streams the file content and filename as multipart, with the purpose', async () => {
    const request = await localFile('guide.md', '# Guide\n\nSome content here.\n');
    let body = '';
    let contentType = '';
    nock(ORIGIN)
      .post('/v1/files', (raw: unknown) => {
        body = typeof raw === 'string' ? raw : JSON.stringify(raw);
        return true;
      })
      .reply(function reply() {
        contentType = String(this.req.headers['content-type']);
        return [200, rawFile('file-1', { filename: 'guide.md', bytes: request.bytes })];
      });
    const { api: w } = writer();

    expect(await w.uploadFile({ ...request, filename: 'guide.md' })).toEqual({
      id: 'file-1',
      createdAt: expect.any(Number),
      content: sent('# Guide\n\nSome content here.\n'),
    });

    expect(contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(body).toContain('name="file"; filename="guide.md"');
    expect(body).toContain('# Guide\n\nSome content here.\n');
    expect(body).toMatch(/name="purpose"\r\n\r\nassistants\r\n/);
  });

  it('sends the request filename, not the name on disk', async () => {
    const request = await localFile('on-disk.md', 'x');
    let body = '';
    nock(ORIGIN)
      .post('/v1/files', (raw: unknown) => {
        body = String(raw);
        return true;
      })
      .reply(200, rawFile('file-1'));
    const { api: w } = writer();

    await w.uploadFile({ ...request, filename: 'docs/renamed.md', purpose: 'user_data' });

    expect(body).toContain('filename="docs/renamed.md"');
    expect(body).not.toContain('on-disk.md');
    expect(body).toMatch(/name="purpose"\r\n\r\nuser_data\r\n/);
  });

  it('a missing file is a file error, before any request', async () => {
    const { api: w } = writer();
    const error = await rejection(
      w.uploadFile({ path: path.join(dir, 'nope.md'), filename: 'nope.md', purpose: 'assistants', bytes: 1 }),
    );
    expect(error.code).toBe('FILE_NOT_FOUND');
    expect(unmatched).toEqual([]);
  });

  it('sends a store expiry on create only when set, and null on update to clear it', async () => {
    const bodies: unknown[] = [];
    const capture = (body: unknown) => {
      bodies.push(body);
      return true;
    };
    nock(ORIGIN)
      .post('/v1/vector_stores', capture)
      .reply(200, rawStore('vs_1', {}))
      .post('/v1/vector_stores', capture)
      .reply(200, rawStore('vs_2', {}))
      .post('/v1/vector_stores/vs_1', capture)
      .reply(200, rawStore('vs_1', {}));
    const { api: w } = writer();

    await w.createVectorStore(storeBody('vector_store.a'));
    await w.createVectorStore(
      storeBody('vector_store.b', { expires_after: { anchor: 'last_active_at', days: 7 } }),
    );
    await w.updateVectorStore('vs_1', storeBody('vector_store.a'));

    expect(bodies).toEqual([
      { name: 'docs', metadata: { team: 'a', ...stamp('vector_store.a') } },
      {
        name: 'docs',
        metadata: { team: 'a', ...stamp('vector_store.b') },
        expires_after: { anchor: 'last_active_at', days: 7 },
      },
      { name: 'docs', metadata: { team: 'a', ...stamp('vector_store.a') }, expires_after: null },
    ]);
  });

  it('sends assistant bodies whole, nulls and empty tool resource lists included, and reasoning_effort only when set', async () => {
    const bodies: unknown[] = [];
    const capture = (body: unknown) => {
      bodies.push(body);
      return true;
    };
    nock(ORIGIN)
      .matchHeader('openai-beta', 'assistants=v2')
      .post('/v1/assistants', capture)
      .reply(200, rawAssistant('asst_1', {}))
      .post('/v1/assistants/asst_1', capture)
      .reply(200, rawAssistant('asst_1', {}));
    const { api: w } = writer();

    await w.createAssistant(assistantBody());
    await w.updateAssistant(
      'asst_1',
      assistantBody({
        model: 'o3-mini',
        reasoning_effort: 'low',
        tool_resources: { file_search: { vector_store_ids: ['vs_1'] } },
      }),
    );

    // The API overrides tool resources per key and keeps a list left out: both always go, an
    // empty list clearing what the assistant had.
    const none = { code_interpreter: { file_ids: [] }, file_search: { vector_store_ids: [] } };
    expect(bodies[0]).toEqual({ ...assistantBody(), tool_resources: none });
    expect(bodies[0]).not.toHaveProperty('reasoning_effort');
    expect(bodies[0]).toHaveProperty('temperature', null);
    expect(bodies[1]).toEqual({
      ...assistantBody({ model: 'o3-mini' }),
      tool_resources: { code_interpreter: { file_ids: [] }, file_search: { vector_store_ids: ['vs_1'] } },
      reasoning_effort: 'low',
    });
  });

  it('sends each batch file with its attributes and static chunking', async () => {
    let sent: unknown;
    nock(ORIGIN)
      .post('/v1/vector_stores/vs_1/file_batches', (body: unknown) => {
        sent = body;
        return true;
      })
      .reply(200, {
        id: 'vsfb_1',
        object: 'vector_store.file_batch',
        created_at: NOW_S,
        vector_store_id: 'vs_1',
        status: 'in_progress',
        file_counts: { in_progress: 1, completed: 0, failed: 0, cancelled: 0, total: 1 },
      });
    const { api: w } = writer();

    await w.createFileBatch('vs_1', [
      {
        file_id: 'file-a',
        attributes: { year: 2024 },
        chunking_strategy: { max_chunk_size_tokens: 400, chunk_overlap_tokens: 100 },
      },
    ]);

    expect(sent).toEqual({
      files: [
        {
          file_id: 'file-a',
          attributes: { year: 2024 },
          chunking_strategy: {
            type: 'static',
            static: { max_chunk_size_tokens: 400, chunk_overlap_tokens: 100 },
          },
        },
      ],
    });
  });

  it('reads a batch with the openai-poll-after-ms header as pollAfterMs', async () => {
    const batch = {
      id: 'vsfb_1',
      object: 'vector_store.file_batch',
      created_at: NOW_S,
      vector_store_id: 'vs_1',
      status: 'in_progress',
      file_counts: { in_progress: 2, completed: 1, failed: 1, cancelled: 0, total: 4 },
    };
    nock(ORIGIN)
      .get('/v1/vector_stores/vs_1/file_batches/vsfb_1')
      .reply(200, batch, { 'openai-poll-after-ms': '750' })
      .get('/v1/vector_stores/vs_1/file_batches/vsfb_1')
      .reply(200, { ...batch, status: 'completed' });
    const { api: w } = writer();

    expect(await w.retrieveFileBatch('vs_1', 'vsfb_1')).toEqual({
      status: 'in_progress',
      counts: { in_progress: 2, completed: 1, failed: 1, cancelled: 0, total: 4 },
      pollAfterMs: 750,
    });
    const without = await w.retrieveFileBatch('vs_1', 'vsfb_1');
    expect(without.status).toBe('completed');
    expect(without).not.toHaveProperty('pollAfterMs');
  });
});
