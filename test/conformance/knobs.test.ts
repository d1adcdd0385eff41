import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { type EmulatorFixture, startFixture, upload } from '../helpers/emulator.js';
import { OPERATIONS } from '../helpers/spec-oracle.js';

let fx: EmulatorFixture;
afterEach(async () => {
  expect(fx.checker.failures()).toEqual([]);
  await fx.close();
});

describe('rate limit', () => {
  it('answers excess requests with 429 and the headers the SDK honours, so its retry succeeds', async () => {
    // 120 per minute: a burst of 2, then one request every 500 ms.
    fx = await startFixture({ config: { rate_limit_per_min: 120 }, maxRetries: 2 });
    const ok = await fx.raw('GET', '/vector_stores');
    expect(ok.headers.get('x-ratelimit-limit-requests')).toBe('120');
    expect(ok.headers.get('x-ratelimit-remaining-requests')).toBe('1');
    expect(ok.headers.get('x-ratelimit-reset-requests')).toMatch(/^\d+ms$/);
    await fx.raw('GET', '/vector_stores');
    const limited = await fx.raw('GET', '/vector_stores');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after-ms'))).toBeGreaterThan(0);
    expect(Number(limited.headers.get('retry-after-ms'))).toBeLessThanOrEqual(500);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(await limited.json()).toMatchObject({ error: { type: 'requests', code: 'rate_limit_exceeded' } });

    // The SDK waits retry-after-ms and retries: every call succeeds.
    const names = ['a', 'b', 'c'];
    for (const name of names) expect((await fx.client.vectorStores.create({ name })).name).toBe(name);
    const stats = await fx.control('stats');
    expect((stats.statuses as Record<string, number>)['429']).toBeGreaterThanOrEqual(2);
    expect((stats.requests as Record<string, number>)['POST /v1/vector_stores']).toBeGreaterThan(3);
    // Families are limited separately: files were not touched by the store burst.
    expect((await fx.raw('GET', '/files')).status).toBe(200);
  });

  it('limits each family apart when told to, else by rate_limit_per_min; 0 lifts one family', async () => {
    fx = await startFixture({ config: { rate_limit_files_per_min: 60 } });
    const limit = async (path: string) =>
      (await fx.raw('GET', path)).headers.get('x-ratelimit-limit-requests');
    expect(await limit('/files')).toBe('60');
    // The others follow rate_limit_per_min, which is 0: no limit, no headers.
    expect(await limit('/vector_stores')).toBeNull();
    expect(await limit('/assistants')).toBeNull();

    await fx.control('config', { rate_limit_per_min: 600, rate_limit_assistants_per_min: 0 });
    expect(await limit('/files')).toBe('60');
    expect(await limit('/vector_stores')).toBe('600');
    expect(await limit('/assistants')).toBeNull();

    await fx.control('config', { rate_limit_files_per_min: null, rate_limit_vector_stores_per_min: 1200 });
    expect(await limit('/files')).toBe('600');
    expect(await limit('/vector_stores')).toBe('1200');
    expect(await fx.control('config')).toMatchObject({
      rate_limit_per_min: 600,
      rate_limit_files_per_min: null,
      rate_limit_vector_stores_per_min: 1200,
      rate_limit_assistants_per_min: 0,
      attach_files_per_min: 0,
    });
  });

  it('sends the x-ratelimit-* headers on every answer of a limited family: 200s, 4xx and 429s', async () => {
    fx = await startFixture({ config: { rate_limit_per_min: 6000 } });
    const answers = [
      await fx.raw('GET', '/vector_stores'),
      await fx.raw('GET', '/vector_stores/vs_missing'),
      await fx.raw('POST', '/vector_stores', { body: { name: 1 } }),
      // Without the beta header, the assistants API answers 400: counted and told all the same.
      await fetch(`${fx.emulator.url}/assistants`, { headers: { authorization: 'Bearer k' } }),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([200, 404, 400, 400]);
    for (const answer of answers) {
      expect(answer.headers.get('x-ratelimit-limit-requests')).toBe('6000');
      expect(answer.headers.get('x-ratelimit-remaining-requests')).toMatch(/^\d+$/);
      expect(answer.headers.get('x-ratelimit-reset-requests')).toMatch(/^[\d.]+m?s$/);
    }
  });

  it('limits files attached per minute over all stores, counting each file of a batch', async () => {
    // Three files a minute: one every 20 s.
    fx = await startFixture({ config: { attach_files_per_min: 3 } });
    const files = await Promise.all(['a', 'b', 'c'].map((name) => upload(fx.client, `${name}.md`, name)));
    const [a, b, c] = files.map((file) => file.id) as [string, string, string];
    const store = await fx.client.vectorStores.create({ name: 'kb' });

    const batch = await fx.raw('POST', `/vector_stores/${store.id}/file_batches`, {
      body: { file_ids: [a, b] },
    });
    expect(batch.status).toBe(200);
    expect((await fx.raw('POST', `/vector_stores/${store.id}/files`, { body: { file_id: c } })).status).toBe(
      200,
    );
    // Polls and other writes are not attaches: they go through.
    expect((await fx.raw('GET', `/vector_stores/${store.id}/files`)).status).toBe(200);
    expect((await fx.raw('POST', '/vector_stores', { body: { name: 'empty' } })).status).toBe(200);

    for (const [path, body] of [
      [`/vector_stores/${store.id}/file_batches`, { files: [{ file_id: a }] }],
      [`/vector_stores/${store.id}/files`, { file_id: a }],
      ['/vector_stores', { name: 'more', file_ids: [a, b] }],
    ] as const) {
      const refused = await fx.raw('POST', path, { body });
      expect(refused.status, path).toBe(429);
      expect(await refused.json()).toMatchObject({ error: { type: 'files', code: 'rate_limit_exceeded' } });
      const wait = Number(refused.headers.get('retry-after-ms'));
      expect(wait, path).toBeGreaterThan(10_000);
      expect(wait, path).toBeLessThanOrEqual(40_000);
      expect(Number(refused.headers.get('retry-after'))).toBe(Math.ceil(wait / 1000));
    }
  });

  it('without retries the SDK surfaces a RateLimitError', async () => {
    fx = await startFixture({ config: { rate_limit_per_min: 60 } });
    await fx.client.vectorStores.list();
    await expect(fx.client.vectorStores.list()).rejects.toBeInstanceOf(OpenAI.RateLimitError);
  });
});

describe('faults', () => {
  /** What 30 sequential requests met: a status, or "dropped". */
  async function outcomes(f: EmulatorFixture): Promise<string[]> {
    const seen: string[] = [];
    for (let i = 0; i < 30; i += 1) {
      try {
        seen.push(
          String(
            (await fetch(`${f.emulator.url}/vector_stores`, { headers: { authorization: 'Bearer k' } }))
              .status,
          ),
        );
      } catch {
        seen.push('dropped');
      }
    }
    return seen;
  }

  it('fail the configured share with 500, 503 or a dropped connection, the same way for the same seed', async () => {
    fx = await startFixture({ config: { fault_rate: 0.5, seed: 42 } });
    const first = await outcomes(fx);
    expect(new Set(first)).toEqual(new Set(['200', '500', '503', 'dropped']));
    const failed = first.filter((o) => o !== '200').length;
    expect(failed).toBeGreaterThan(5);
    expect(failed).toBeLessThan(25);
    await fx.control('reset', {});
    expect(await outcomes(fx)).toEqual(first);
    await fx.control('config', { seed: 7 });
    expect(await outcomes(fx)).not.toEqual(first);
  });

  it('a dropped connection loses the answer, not the work: the SDK retry makes a second object', async () => {
    fx = await startFixture({ config: { fault_rate: 1, seed: 1 }, maxRetries: 0 });
    // Find a seed position where the fault is a drop, then show the create happened anyway.
    let dropped = false;
    for (let i = 0; i < 12 && !dropped; i += 1) {
      try {
        await fx.client.vectorStores.create({ name: `try-${i}` });
      } catch (err) {
        dropped = err instanceof OpenAI.APIConnectionError;
      }
    }
    expect(dropped).toBe(true);
    await fx.control('config', { fault_rate: 0 });
    expect((await fx.client.vectorStores.list()).data.length).toBeGreaterThan(0);
  });

  it('a dropped answer stays dropped when the request would have failed a later check (an id of the wrong form)', async () => {
    fx = await startFixture({ config: { fault_rate: 0 } });
    const bogus = async () => {
      try {
        return String(
          (await fetch(`${fx.emulator.url}/vector_stores/bogus`, { headers: { authorization: 'Bearer k' } }))
            .status,
        );
      } catch {
        return 'dropped';
      }
    };
    expect(await bogus()).toBe('400');
    await fx.control('config', { fault_rate: 1, seed: 42 });
    const seen: string[] = [];
    for (let i = 0; i < 30; i += 1) seen.push(await bogus());
    // Every request meets a fault: a 500, a 503, or a dropped connection, never the 400 behind it.
    expect(new Set(seen)).toEqual(new Set(['500', '503', 'dropped']));
  });

  it('a seed makes ids reproducible', async () => {
    fx = await startFixture({ config: { seed: 99 } });
    const first = [(await fx.client.vectorStores.create({})).id, (await upload(fx.client, 'a.md', 'a')).id];
    await fx.control('reset', {});
    const again = [(await fx.client.vectorStores.create({})).id, (await upload(fx.client, 'a.md', 'a')).id];
    expect(again).toEqual(first);
  });
});

describe('sunset and control API', () => {
  it('sunset answers /v1/assistants* with 404 while files and stores keep working', async () => {
    fx = await startFixture();
    const assistant = await fx.client.beta.assistants.create({ model: 'gpt-4o' });
    expect(await fx.control('config', { assistants: 'sunset' })).toMatchObject({ assistants: 'sunset' });
    await expect(fx.client.beta.assistants.list()).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(fx.client.beta.assistants.retrieve(assistant.id)).rejects.toMatchObject({
      status: 404,
      error: { message: `Invalid URL (GET /v1/assistants/${assistant.id})` },
    });
    expect((await fx.client.vectorStores.create({ name: 'still' })).name).toBe('still');
  });

  it('counts requests by method and route template', async () => {
    fx = await startFixture();
    const store = await fx.client.vectorStores.create({ name: 's' });
    await fx.client.vectorStores.retrieve(store.id);
    await fx.client.vectorStores.retrieve(store.id);
    await fx.client.vectorStores.files.list(store.id);
    await fx.raw('GET', '/nowhere');
    expect(await fx.control('stats')).toMatchObject({
      total: 5,
      requests: {
        'POST /v1/vector_stores': 1,
        'GET /v1/vector_stores/{vector_store_id}': 2,
        'GET /v1/vector_stores/{vector_store_id}/files': 1,
        'GET (unmatched)': 1,
      },
      statuses: { '200': 4, '404': 1 },
    });
    expect((await fx.control('stats')).max_rss_bytes).toBeGreaterThan(0);
  });

  it('reset forgets objects, counts and the clock, and keeps the knobs', async () => {
    fx = await startFixture({ config: { latency_ms: 1 } });
    await fx.client.vectorStores.create({ name: 's' });
    await fx.control('clock', { advance_seconds: 500 });
    expect(await fx.control('reset', {})).toEqual({ reset: true });
    expect((await fx.client.vectorStores.list()).data).toEqual([]);
    expect(await fx.control('stats')).toMatchObject({ total: 1 });
    expect((await fx.control('clock', { advance_seconds: 0 })).offset_seconds).toBe(0);
    expect(await fx.control('config')).toMatchObject({ latency_ms: 1 });
  });

  it('refuses bad knobs and clock moves with a 400 that names them', async () => {
    fx = await startFixture();
    const post = async (path: string, body: unknown) => {
      const response = await fetch(`${fx.origin}/_emulator/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.status, ...((await response.json()) as { error: object }).error };
    };
    expect(await post('config', { fault_rate: 2 })).toMatchObject({ status: 400, param: 'fault_rate' });
    expect(await post('config', { turbo: true })).toMatchObject({ status: 400, param: 'turbo' });
    expect(await post('config', { assistants: 'off' })).toMatchObject({ status: 400, param: 'assistants' });
    expect(await post('clock', { advance_seconds: -1 })).toMatchObject({
      status: 400,
      param: 'advance_seconds',
    });
    expect(await post('clock', { days: 1 })).toMatchObject({ status: 400, param: 'days' });
  });
});

describe('the control API keeps the emulator sound', () => {
  /** A control POST with its status and error envelope (if any). */
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${fx.origin}/_emulator/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as { error?: Record<string, unknown> } & Record<string, unknown>;
    return { status: response.status, body: json };
  };
  const HUNDRED_YEARS = 100 * 365 * 86_400;

  it('refuses a clock move past 100 years ahead (1e308 made every later created_at null), and keeps dates valid', async () => {
    fx = await startFixture();
    for (const seconds of [1e308, HUNDRED_YEARS + 1]) {
      const refused = await post('clock', { advance_seconds: seconds });
      expect(refused.status, String(seconds)).toBe(400);
      expect(refused.body.error, String(seconds)).toMatchObject({
        type: 'invalid_request_error',
        param: 'advance_seconds',
        code: 'invalid_value',
      });
      expect(refused.body.error?.message).toContain('100 years');
    }
    expect((await post('clock', { advance_seconds: 0 })).body).toMatchObject({ offset_seconds: 0 });
    // The bound is on the total: 99 years and then 2 more is refused, and changes nothing.
    const moved = await post('clock', { advance_seconds: HUNDRED_YEARS - 365 * 86_400 });
    expect(moved.status).toBe(200);
    expect(Number.isInteger(moved.body.now)).toBe(true);
    const beyond = await post('clock', { advance_seconds: 2 * 365 * 86_400 });
    expect(beyond).toMatchObject({ status: 400, body: { error: { param: 'advance_seconds' } } });
    expect(beyond.body.error?.message).toContain(`can move ${365 * 86_400} seconds more`);
    expect((await post('clock', { advance_seconds: 0 })).body.offset_seconds).toBe(
      HUNDRED_YEARS - 365 * 86_400,
    );
    // Objects made now carry a real date, 99 years ahead (the checker validates them against the spec).
    const store = await fx.client.vectorStores.create({ name: 'future' });
    expect(Number.isInteger(store.created_at)).toBe(true);
    expect(store.created_at).toBeGreaterThanOrEqual(
      Math.floor(Date.now() / 1000) + HUNDRED_YEARS - 366 * 86_400,
    );
    expect(new Date(store.created_at * 1000).getUTCFullYear()).toBeGreaterThan(2100);
  });

  it('refuses numeric knobs out of range with a 400 naming the knob, and changes none', async () => {
    fx = await startFixture();
    const before = await fx.control('config');
    const cases: [string, number][] = [
      ['rate_limit_per_min', 1e308],
      ['rate_limit_per_min', 1_000_001],
      ['rate_limit_per_min', -1],
      ['rate_limit_per_min', 1.5],
      ['rate_limit_files_per_min', 1_000_001],
      ['rate_limit_files_per_min', -1],
      ['rate_limit_vector_stores_per_min', 2.5],
      ['rate_limit_assistants_per_min', 1e308],
      ['attach_files_per_min', -1],
      ['attach_files_per_min', 1_000_001],
      ['attach_files_per_min', 0.5],
      ['latency_ms', 1e308],
      ['latency_ms', -1],
      ['index_delay_ms', 1e308],
      ['index_delay_per_mb_ms', 1e308],
      ['fault_rate', 1e308],
      ['fault_rate', 1.01],
      ['fault_rate', -0.1],
      ['seed', 1e308],
      ['seed', -1],
    ];
    for (const [knob, value] of cases) {
      const refused = await post('config', { [knob]: value });
      const label = `${knob}: ${value}`;
      expect(refused.status, label).toBe(400);
      expect(refused.body.error, label).toMatchObject({
        type: 'invalid_request_error',
        param: knob,
        code: 'invalid_value',
      });
      expect(refused.body.error?.message, label).toContain(knob);
    }
    expect(await fx.control('config')).toEqual(before);
    // The highest rate limit still writes whole numbers in the headers.
    expect((await post('config', { rate_limit_per_min: 1_000_000 })).status).toBe(200);
    const response = await fx.raw('GET', '/files');
    for (const header of ['x-ratelimit-limit-requests', 'x-ratelimit-remaining-requests']) {
      expect(response.headers.get(header), header).toMatch(/^\d+$/);
    }
  });
});

describe('coverage', () => {
  it('serves all 26 operations, and every response matches the spec', async () => {
    fx = await startFixture();
    const { client } = fx;
    const file = await upload(client, 'a.md', 'alpha beta');
    const data = await upload(client, 'b.csv', 'x', 'user_data');
    await client.files.list();
    await client.files.retrieve(file.id);
    await (await client.files.content(data.id)).text();
    const store = await client.vectorStores.create({ name: 's' });
    await client.vectorStores.list();
    await client.vectorStores.retrieve(store.id);
    await client.vectorStores.update(store.id, { name: 't' });
    await client.vectorStores.files.create(store.id, { file_id: file.id });
    await client.vectorStores.files.list(store.id);
    await client.vectorStores.files.retrieve(file.id, { vector_store_id: store.id });
    await client.vectorStores.files.update(file.id, { vector_store_id: store.id, attributes: { a: 1 } });
    await client.vectorStores.files.content(file.id, { vector_store_id: store.id });
    await client.vectorStores.search(store.id, { query: 'alpha' });
    const batch = await client.vectorStores.fileBatches.create(store.id, { file_ids: [data.id] });
    await client.vectorStores.fileBatches.retrieve(batch.id, { vector_store_id: store.id });
    await client.vectorStores.fileBatches.listFiles(batch.id, { vector_store_id: store.id });
    await client.vectorStores.fileBatches.cancel(batch.id, { vector_store_id: store.id });
    await client.vectorStores.files.delete(file.id, { vector_store_id: store.id });
    const assistant = await client.beta.assistants.create({ model: 'gpt-4o' });
    await client.beta.assistants.list();
    await client.beta.assistants.retrieve(assistant.id);
    await client.beta.assistants.update(assistant.id, { name: 'x' });
    await client.beta.assistants.delete(assistant.id);
    await client.vectorStores.delete(store.id);
    await client.files.delete(file.id);

    const served = Object.keys((await fx.control('stats')).requests as object).sort();
    expect(served).toEqual(OPERATIONS.map(([method, template]) => `${method} /v1${template}`).sort());
    // 27 calls (two uploads); all but the binary download are JSON checked against the spec.
    expect(fx.checker.seen.filter((s) => s.status === 200)).toHaveLength(26);
  });
});
