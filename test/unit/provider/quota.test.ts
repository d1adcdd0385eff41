import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../../../src/provider/api-client.js';
import { sdkReader } from '../../../src/provider/sdk-reader.js';
import { sdkWriter } from '../../../src/provider/sdk-writer.js';
import { apiFile, apiList, apiStore } from '../../helpers/api-objects.js';
import { fakeKey } from '../../helpers/fake-key.js';
import { NOCK_BASE_URL, NOCK_ORIGIN, QUOTA_BODY, useNock } from '../../helpers/nock-api.js';
import { rejection } from '../../helpers/rejection.js';

const KEY = fakeKey('sk-test-', 16, 'provider');
const unmatched = useNock();

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'assistants-iac-quota-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const QUOTA = QUOTA_BODY;

const RATE_LIMIT = {
  error: {
    message: 'Rate limit reached for requests',
    type: 'requests',
    param: null,
    code: 'rate_limit_exceeded',
  },
};

/**
 * The CLI's client: the SDK retries reads twice on its own (maxRetries 2), as in `plan`; its rate
 * governor's waits go to `sleep`, on a clock that stands still.
 */
const cliClient = (sleep: (ms: number) => Promise<void> = async () => {}) =>
  createApiClient({
    baseUrl: NOCK_BASE_URL,
    env: { OPENAI_API_KEY: KEY },
    clock: { now: () => 0, sleep, random: () => 0 },
  });

/** A writer whose waits (its own and its client's) are counted, not slept. */
function writer() {
  const sleeps: number[] = [];
  const sleep = async (ms: number) => {
    sleeps.push(ms);
  };
  const api = sdkWriter(cliClient(sleep), { random: () => 0, sleep });
  return { api, sleeps };
}

async function upload(name = 'notes.md') {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}-${name}`);
  await writeFile(file, 'hello world');
  return { path: file, filename: name, purpose: 'assistants' as const, bytes: 11 };
}

/** Answers `times` requests to `POST /v1/files` with `status` and `body`, counting them. */
function uploads(status: number, body: unknown, times = 40, headers: Record<string, string> = {}) {
  const seen = { count: 0 };
  nock(NOCK_ORIGIN)
    .post('/v1/files')
    .times(times)
    .reply(() => {
      seen.count += 1;
      return [status, body, headers];
    });
  return seen;
}

describe('a quota 429 ends a writer call at once', () => {
  it('after an attempt that may have worked (connection lost), the error keeps the outcome unknown, so the journal entry stays', async () => {
    nock(NOCK_ORIGIN).post('/v1/files').replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    // The lookup for what the lost attempt made meets the quota.
    nock(NOCK_ORIGIN).get('/v1/files').query(true).reply(429, QUOTA);
    const { api } = writer();
    const error = await rejection(api.uploadFile(await upload()));
    expect(error.code).toBe('API_QUOTA_EXCEEDED');
    expect(error.outcomeUnknown).toBe(true);
    expect(unmatched).toEqual([]);
  });

  it('an upload refused with insufficient_quota (no Retry-After) fails after exactly 1 request', async () => {
    const seen = uploads(429, QUOTA);
    const { api, sleeps } = writer();

    const error = await rejection(api.uploadFile(await upload()));

    expect(seen.count).toBe(1);
    expect(sleeps).toEqual([]);
    expect(error.code).toBe('API_QUOTA_EXCEEDED');
    expect(error.message).toContain('POST /files');
    expect(error.message).toContain('insufficient_quota');
    expect(error.message).toContain('You exceeded your current quota');
    expect(error.hint).toContain('billing');
    expect(error.hint).toContain('run again');
    expect(error.hint).toContain('the state records what this run did');
  });

  it('also when only the code says so (type insufficient_quota, code credit_balance_exhausted; or a billing code alone)', async () => {
    for (const detail of [
      { type: 'insufficient_quota', code: 'credit_balance_exhausted' },
      { type: 'insufficient_quota', code: 'project_spend_limit_exceeded' },
      { type: 'invalid_request_error', code: 'billing_hard_limit_reached' },
      { type: 'requests', code: 'billing_not_active' },
    ]) {
      const seen = uploads(429, { error: { message: 'no quota', param: null, ...detail } });
      const { api } = writer();
      const error = await rejection(api.uploadFile(await upload()));
      expect(seen.count, detail.code).toBe(1);
      expect(error.code, detail.code).toBe('API_QUOTA_EXCEEDED');
      expect(error.message, detail.code).toContain(detail.code);
      nock.cleanAll();
    }
  });

  it('a true rate limit keeps its retries: a plain 429, then 200, succeeds after 2 requests', async () => {
    for (const body of [
      RATE_LIMIT,
      { error: { message: 'slow down', type: null, param: null, code: null } },
    ]) {
      const limited = uploads(429, body, 1, { 'retry-after-ms': '5' });
      const ok = uploads(200, apiFile('file-made', { bytes: 11, filename: 'notes.md' }), 1);
      const { api, sleeps } = writer();
      expect(await api.uploadFile(await upload())).toMatchObject({
        id: 'file-made',
        createdAt: expect.any(Number),
        content: { bytes: 11 },
      });
      expect(limited.count + ok.count).toBe(2);
      expect(sleeps).toEqual([5]);
      expect(unmatched).toEqual([]);
    }
  });

  it('after a quota answer the writer sends nothing more, in any family: each call fails at once', async () => {
    const seen = uploads(429, QUOTA);
    const { api } = writer();
    await rejection(api.uploadFile(await upload()));

    const store = await rejection(api.createVectorStore({ name: 'kb', metadata: {}, expires_after: null }));
    const again = await rejection(api.uploadFile(await upload('other.md')));

    expect(seen.count).toBe(1);
    expect(unmatched).toEqual([]);
    for (const error of [store, again]) {
      expect(error.code).toBe('API_QUOTA_EXCEEDED');
      expect(error.message).toContain('was not sent');
    }
    expect(store.message).toContain('POST /vector_stores');
  });
});

describe('a quota 429 ends a read at once, the SDK retries included', () => {
  it('a list refused with insufficient_quota fails after exactly 1 request', async () => {
    const seen = { count: 0 };
    nock(NOCK_ORIGIN)
      .get('/v1/vector_stores')
      .query(true)
      .times(5)
      .reply(() => {
        seen.count += 1;
        return [429, QUOTA];
      });

    const error = await rejection(sdkReader(cliClient()).listVectorStores());

    expect(seen.count).toBe(1);
    expect(error.code).toBe('API_QUOTA_EXCEEDED');
    expect(error.message).toContain('GET /vector_stores');
  });

  it('a plain 429, then 200, succeeds after 2 requests', async () => {
    const api = nock(NOCK_ORIGIN)
      .get('/v1/vector_stores')
      .query(true)
      .reply(429, RATE_LIMIT, { 'retry-after-ms': '1' })
      .get('/v1/vector_stores')
      .query(true)
      .reply(200, apiList([apiStore('vs_1')]));

    const page = await sdkReader(cliClient()).listVectorStores();

    expect(page.data.map((store) => store.id)).toEqual(['vs_1']);
    expect(api.isDone()).toBe(true);
    expect(unmatched).toEqual([]);
  });
});
