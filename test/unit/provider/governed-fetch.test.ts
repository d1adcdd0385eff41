import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { createApiClient } from '../../../src/provider/api-client.js';
import { attachCost, READ_RATE_LIMIT_RETRIES, routeFamily } from '../../../src/provider/governed-fetch.js';
import { TARGET_SHARE } from '../../../src/provider/rate-governor.js';
import { sdkReader } from '../../../src/provider/sdk-reader.js';
import { sdkWriter } from '../../../src/provider/sdk-writer.js';
import { apiList, apiStore } from '../../helpers/api-objects.js';
import { fakeKey } from '../../helpers/fake-key.js';
import { NOCK_BASE_URL, NOCK_ORIGIN, QUOTA_BODY, useNock } from '../../helpers/nock-api.js';
import { rejection } from '../../helpers/rejection.js';

const KEY = fakeKey('sk-test-', 16, 'governed');
const unmatched = useNock();

/**
 * A client on a virtual clock: a sleep moves time on at once and is recorded, so what the
 * governor waited is exact and nothing is slept.
 */
function virtualClient() {
  let now = 1_700_000_000_000;
  const slept: number[] = [];
  const clock = {
    now: () => now,
    sleep: async (ms: number) => {
      slept.push(ms);
      now += ms;
    },
    random: () => 0,
  };
  const api = createApiClient({ baseUrl: NOCK_BASE_URL, env: { OPENAI_API_KEY: KEY }, clock });
  return { api, slept, clock };
}

const RATE_LIMIT = {
  error: {
    message: 'Rate limit reached for requests',
    type: 'requests',
    param: null,
    code: 'rate_limit_exceeded',
  },
};

const limits = (limit: number, remaining: number) => ({
  'x-ratelimit-limit-requests': String(limit),
  'x-ratelimit-remaining-requests': String(remaining),
  'x-ratelimit-reset-requests': '1s',
});

describe('the client paces reads and waits out their 429s', () => {
  it('a plain 429 without any header is retried with growing waits (0.5 s, 1 s, 2 s, 4 s), then succeeds', async () => {
    const scope = nock(NOCK_ORIGIN)
      .get('/v1/vector_stores')
      .query(true)
      .times(4)
      .reply(429, { error: { message: 'Too many requests', type: null, param: null, code: null } })
      .get('/v1/vector_stores')
      .query(true)
      .reply(200, apiList([apiStore('vs_1')]));
    const { api, slept } = virtualClient();

    const page = await sdkReader(api).listVectorStores();

    expect(page.data.map((store) => store.id)).toEqual(['vs_1']);
    expect(slept).toEqual([500, 1000, 2000, 4000]);
    expect(scope.isDone()).toBe(true);
    expect(unmatched).toEqual([]);
  });

  it('waits what retry-after-ms says, and gives up after its own budget without the SDK retrying again', async () => {
    const seen = { count: 0 };
    nock(NOCK_ORIGIN)
      .get('/v1/files')
      .query(true)
      .times(READ_RATE_LIMIT_RETRIES + 5)
      .reply(() => {
        seen.count += 1;
        return [429, RATE_LIMIT, { 'retry-after-ms': '250' }];
      });
    const { api, slept } = virtualClient();

    const error = await rejection(sdkReader(api).listFiles());

    expect(error.code).toBe('API_ERROR');
    expect(error.message).toContain('429');
    expect(seen.count).toBe(READ_RATE_LIMIT_RETRIES + 1);
    expect(slept).toEqual(new Array(READ_RATE_LIMIT_RETRIES).fill(250));
  });

  it('headers lowering the limit slow the client down', async () => {
    const { api, slept } = virtualClient();
    const reader = sdkReader(api);
    nock(NOCK_ORIGIN).get('/v1/files').query(true).times(5).reply(200, apiList([]), limits(6000, 99));
    for (let i = 0; i < 5; i++) await reader.listFiles();
    // 6,000/min holds 50 at once: five reads in a row never wait.
    expect(slept).toEqual([]);

    nock(NOCK_ORIGIN).get('/v1/files').query(true).times(4).reply(200, apiList([]), limits(60, 0));
    for (let i = 0; i < 4; i++) await reader.listFiles();
    // 60/min, aimed a little lower, none left: each later read waits a little over a second.
    expect(slept).toHaveLength(3);
    for (const ms of slept) expect(ms).toBeCloseTo(60_000 / (60 * TARGET_SHARE), 0);
    expect(unmatched).toEqual([]);
  });

  it('a server answering every request with 429 insufficient_quota gets exactly one request, reads and writes together', async () => {
    const seen = { count: 0 };
    const answer = (): [number, unknown] => {
      seen.count += 1;
      return [429, QUOTA_BODY];
    };
    nock(NOCK_ORIGIN).persist().get(/.*/).reply(answer).post(/.*/).reply(answer).delete(/.*/).reply(answer);
    const { api, slept } = virtualClient();
    const reader = sdkReader(api);
    const writer = sdkWriter(api, { sleep: async () => {} });

    const errors = [
      await rejection(reader.listVectorStores()),
      await rejection(reader.listFiles()),
      await rejection(writer.deleteFile('file-a')),
      await rejection(writer.createFileBatch('vs_1', [])),
    ];

    expect(seen.count).toBe(1);
    expect(slept).toEqual([]);
    for (const error of errors) expect(error.code).toBe('API_QUOTA_EXCEEDED');
  });
});

describe('reads and writes of a family share one governor', () => {
  it("a write's 429 holds the family's reads too, and the write itself waits it once", async () => {
    const scope = nock(NOCK_ORIGIN)
      .delete('/v1/vector_stores/vs_1')
      .reply(429, RATE_LIMIT, { 'retry-after-ms': '1500' })
      .delete('/v1/vector_stores/vs_1')
      .reply(200, { id: 'vs_1', object: 'vector_store.deleted', deleted: true })
      .get('/v1/vector_stores')
      .query(true)
      .reply(200, apiList([]));
    const { api, slept } = virtualClient();
    const writer = sdkWriter(api, {
      sleep: async (ms) => {
        slept.push(ms);
      },
    });

    await writer.deleteVectorStore('vs_1');
    expect(slept).toEqual([1500]);
    expect(scope.isDone()).toBe(false);

    // The write's retry went at the end of the hold; a read right after waits for the next slot.
    await sdkReader(api).listVectorStores();
    expect(scope.isDone()).toBe(true);
    expect(slept.length).toBeGreaterThan(1);
    expect(unmatched).toEqual([]);
  });
});

describe('the org-wide attach limit', () => {
  it('engages after an attach meets its own 429: the batch waits retry-after once, later attaches are paced, polls are not', async () => {
    const batch = {
      id: 'vsfb_1',
      object: 'vector_store.file_batch',
      created_at: 1,
      vector_store_id: 'vs_1',
      status: 'in_progress',
      file_counts: { in_progress: 1, completed: 0, failed: 0, cancelled: 0, total: 1 },
    };
    const attachLimit = {
      error: {
        message: 'Rate limit reached for files attached',
        type: 'files',
        param: null,
        code: 'rate_limit_exceeded',
      },
    };
    const scope = nock(NOCK_ORIGIN)
      .post('/v1/vector_stores/vs_1/file_batches')
      .reply(200, batch)
      .post('/v1/vector_stores/vs_1/file_batches')
      .reply(429, attachLimit, { 'retry-after-ms': '4000' })
      .post('/v1/vector_stores/vs_1/file_batches')
      .reply(200, batch)
      .get('/v1/vector_stores/vs_1/file_batches/vsfb_1')
      .reply(200, batch)
      .post('/v1/vector_stores/vs_1/file_batches')
      .reply(200, batch);
    const { api, slept } = virtualClient();
    const writer = sdkWriter(api, {
      sleep: async (ms) => {
        slept.push(ms);
      },
    });
    const files = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        file_id: `file-${i}`,
        attributes: {},
        chunking_strategy: { max_chunk_size_tokens: 800, chunk_overlap_tokens: 400 },
      }));

    // Before any attach 429, nothing waits.
    await writer.createFileBatch('vs_1', files(500));
    expect(slept).toEqual([]);
    await writer.createFileBatch('vs_1', files(500));
    expect(slept).toEqual([4000]);
    // A poll is no attach: it goes at once.
    await writer.retrieveFileBatch('vs_1', 'vsfb_1');
    expect(slept).toEqual([4000]);
    // The next 500 files wait their share of 2,000 a minute (aimed a little lower): about 15.5 s.
    await writer.createFileBatch('vs_1', files(500));
    expect(slept).toHaveLength(2);
    expect(slept[1]).toBeCloseTo((500 * 60_000) / (2000 * TARGET_SHARE), -1);
    expect(scope.isDone()).toBe(true);
    expect(unmatched).toEqual([]);
  });
});

describe('routeFamily and attachCost', () => {
  it('names the family by its path, under any base path', () => {
    expect(routeFamily('/v1/vector_stores/vs_1/files')).toBe('vector_stores');
    expect(routeFamily('/v1/files/file-1/content')).toBe('files');
    expect(routeFamily('/openai/v1/assistants/asst_1')).toBe('assistants');
    expect(routeFamily('/v1/models')).toBe('models');
  });

  it('counts the files an attach sends: a batch its files, a single attach 1, a store create its file_ids', () => {
    const batch = JSON.stringify({ files: [{ file_id: 'a' }, { file_id: 'b' }, { file_id: 'c' }] });
    expect(attachCost('POST', '/v1/vector_stores/vs_1/file_batches', batch)).toBe(3);
    expect(
      attachCost('POST', '/v1/vector_stores/vs_1/file_batches', JSON.stringify({ file_ids: ['a'] })),
    ).toBe(1);
    expect(attachCost('POST', '/v1/vector_stores/vs_1/files', '{"file_id":"a"}')).toBe(1);
    expect(attachCost('POST', '/v1/vector_stores', JSON.stringify({ name: 'x', file_ids: ['a', 'b'] }))).toBe(
      2,
    );
    expect(attachCost('POST', '/v1/vector_stores', JSON.stringify({ name: 'x' }))).toBe(0);
    expect(attachCost('GET', '/v1/vector_stores/vs_1/file_batches', undefined)).toBe(0);
    expect(attachCost('POST', '/v1/vector_stores/vs_1/files/file-a', '{}')).toBe(0);
    expect(attachCost('POST', '/v1/files', undefined)).toBe(0);
  });
});
