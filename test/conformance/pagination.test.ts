import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type EmulatorFixture, startFixture, upload } from '../helpers/emulator.js';

let fx: EmulatorFixture;
let ids: string[];
beforeEach(async () => {
  fx = await startFixture();
  ids = [];
  for (let i = 0; i < 7; i += 1) ids.push((await fx.client.vectorStores.create({ name: `s${i}` })).id);
});
afterEach(async () => {
  expect(fx.checker.failures()).toEqual([]);
  await fx.close();
});

describe('pagination', () => {
  it('walks every page in both orders through the SDK', async () => {
    const desc: string[] = [];
    for await (const store of fx.client.vectorStores.list({ limit: 3 })) desc.push(store.id);
    expect(desc).toEqual([...ids].reverse());
    const asc: string[] = [];
    for await (const store of fx.client.vectorStores.list({ limit: 3, order: 'asc' })) asc.push(store.id);
    expect(asc).toEqual(ids);
    // 7 items by 3: three requests each way.
    expect(fx.checker.seen.filter((s) => s.path === '/v1/vector_stores' && s.method === 'GET')).toHaveLength(
      6,
    );
  });

  it('pages with after and before, with has_more, first_id and last_id', async () => {
    const page = await fx.client.vectorStores.list({ limit: 3, order: 'asc', after: ids[1] });
    expect(page.data.map((s) => s.id)).toEqual(ids.slice(2, 5));
    const body = (await (
      await fx.raw('GET', `/vector_stores?limit=3&order=asc&after=${ids[1]}`)
    ).json()) as Record<string, unknown>;
    expect(body).toMatchObject({ object: 'list', first_id: ids[2], last_id: ids[4], has_more: true });
    const before = await fx.client.vectorStores.list({ limit: 2, order: 'asc', before: ids[5] });
    expect(before.data.map((s) => s.id)).toEqual(ids.slice(3, 5));
    const tail = (await (
      await fx.raw('GET', `/vector_stores?limit=5&order=desc&after=${ids[2]}`)
    ).json()) as {
      data: { id: string }[];
      has_more: boolean;
    };
    expect(tail.data.map((s) => s.id)).toEqual([ids[1], ids[0]]);
    expect(tail.has_more).toBe(false);
  });

  it('keeps a cursor valid after its object is deleted', async () => {
    await fx.client.vectorStores.delete(ids[3] as string);
    const page = await fx.client.vectorStores.list({ order: 'asc', after: ids[3] });
    expect(page.data.map((s) => s.id)).toEqual(ids.slice(4));
  });

  it('gives an empty list null first_id and last_id, as the live API does, on every list', async () => {
    const store = await fx.client.vectorStores.create({ name: 'empty' });
    const batchFile = await upload(fx.client, 'a.md', 'x');
    const batch = await fx.client.vectorStores.fileBatches.create(store.id, { file_ids: [batchFile.id] });
    await fx.client.files.delete(batchFile.id);
    const empty = { object: 'list', data: [], first_id: null, last_id: null, has_more: false };
    const lists: [string, Record<string, string>?][] = [
      ['/assistants', { 'openai-beta': 'assistants=v2' }],
      ['/files'],
      [`/vector_stores/${store.id}/files`],
      [`/vector_stores/${store.id}/file_batches/${batch.id}/files`],
      [`/vector_stores?order=asc&after=${store.id}`],
    ];
    for (const [path, headers] of lists)
      expect(await (await fx.raw('GET', path, headers ? { headers } : {})).json()).toEqual(empty);
    // The SDK takes null for "no more pages".
    const page = await fx.client.files.list();
    expect(page.data).toEqual([]);
    expect(page.hasNextPage()).toBe(false);
  });

  it('checks limit (1..100; /files up to 10,000), order and the cursor', async () => {
    const error = async (path: string) => {
      const response = await fx.raw('GET', path);
      return { status: response.status, ...((await response.json()) as { error: object }).error };
    };
    expect(await error('/vector_stores?limit=0')).toMatchObject({
      status: 400,
      param: 'limit',
      code: 'integer_below_min_value',
    });
    expect(await error('/vector_stores?limit=101')).toMatchObject({
      status: 400,
      param: 'limit',
      code: 'integer_above_max_value',
    });
    expect(await error('/vector_stores?limit=ten')).toMatchObject({
      status: 400,
      param: 'limit',
      code: 'invalid_type',
    });
    expect(await error('/vector_stores?order=newest')).toMatchObject({
      status: 400,
      param: 'order',
      code: 'invalid_value',
    });
    expect(await error('/vector_stores?after=vs_nothing')).toMatchObject({ status: 400, param: 'after' });
    expect(await error(`/vector_stores/${ids[0]}/files?filter=done`)).toMatchObject({
      status: 400,
      param: 'filter',
    });
    expect((await fx.raw('GET', '/files?limit=10000')).status).toBe(200);
    expect(await error('/files?limit=10001')).toMatchObject({ status: 400, param: 'limit' });
  });
});
