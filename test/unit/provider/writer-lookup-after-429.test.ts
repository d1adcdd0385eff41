import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { createApiClient } from '../../../src/provider/api-client.js';
import { sdkWriter } from '../../../src/provider/sdk-writer.js';
import { apiList, apiStore } from '../../helpers/api-objects.js';
import { NOCK_ORIGIN, useNock } from '../../helpers/nock-api.js';

// A create that may have happened (5xx, dropped connection) is looked for before the next attempt;
// an attempt refused with a 429 did nothing, so no lookup follows it. Before this held, a lookup
// after every retry spent the one request a rate limit's wait made room for, the create met the
// limit again, and under `rate_limit_per_min` it ran out of retries (seen with the emulator at
// fault_rate 0.1, rate_limit_per_min 120: GET /vector_stores, POST 429, GET, POST 429, ...).

const ORIGIN = NOCK_ORIGIN;
const NOW_MS = 1_700_000_100_000;
const NOW_S = NOW_MS / 1000;
const LINEAGE = '6f1c0a6e-0000-4000-8000-000000000002';
const STAMP = { assistants_iac_lineage: LINEAGE, assistants_iac_address: 'vector_store.docs' };

const unmatched = useNock();

function writer(retries = 6) {
  const clock = { now: () => NOW_MS, sleep: async () => {}, random: () => 0 };
  return sdkWriter(
    createApiClient({ baseUrl: `${ORIGIN}/v1`, env: { OPENAI_API_KEY: 'sk-test' }, maxRetries: 2, clock }),
    { ...clock, retries },
  );
}

const body = { name: 'docs', metadata: STAMP, expires_after: null };
const store = (id: string) =>
  apiStore(id, { created_at: NOW_S, last_active_at: NOW_S, name: 'docs', metadata: STAMP });
const list = apiList;
const error = (message: string) => ({ error: { message, type: 'server_error', param: null, code: null } });

describe('sdkWriter create: lookups and 429s', () => {
  it('does not look again after a 429 that follows a lost attempt: the retry goes straight out', async () => {
    const api = nock(ORIGIN)
      .post('/v1/vector_stores')
      .reply(503, error('Service unavailable'))
      .get('/v1/vector_stores')
      .query({ order: 'desc', limit: '100' })
      .reply(200, list([]))
      .post('/v1/vector_stores')
      .reply(429, error('Rate limit reached'), { 'retry-after-ms': '10' })
      .post('/v1/vector_stores')
      .reply(429, error('Rate limit reached'), { 'retry-after-ms': '10' })
      .post('/v1/vector_stores')
      .reply(200, store('vs_made'));

    expect(await writer().createVectorStore(body)).toEqual({ id: 'vs_made' });
    expect(unmatched).toEqual([]);
    expect(api.isDone()).toBe(true);
  });

  it('still looks once more before giving up when an earlier attempt may have made it', async () => {
    const api = nock(ORIGIN)
      .post('/v1/vector_stores')
      .replyWithError({ code: 'ECONNRESET' })
      .get('/v1/vector_stores')
      .query({ order: 'desc', limit: '100' })
      .reply(200, list([]))
      .post('/v1/vector_stores')
      .reply(500, error('The server had an error'))
      // The last attempt failed; the first may have landed late: one last look finds it.
      .get('/v1/vector_stores')
      .query({ order: 'desc', limit: '100' })
      .reply(200, list([store('vs_late')]));

    expect(await writer(1).createVectorStore(body)).toEqual({ id: 'vs_late' });
    expect(unmatched).toEqual([]);
    expect(api.isDone()).toBe(true);
  });

  it('waits out 429s without spending the retries kept for failures', async () => {
    const api = nock(ORIGIN)
      .post('/v1/vector_stores')
      .times(3)
      .reply(429, error('Rate limit reached'), { 'retry-after-ms': '5' })
      .post('/v1/vector_stores')
      .reply(200, store('vs_after_wait'));
    expect(await writer(0).createVectorStore(body)).toEqual({ id: 'vs_after_wait' });
    expect(unmatched).toEqual([]);
    expect(api.isDone()).toBe(true);
  });
});
