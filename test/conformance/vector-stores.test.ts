import { afterEach, describe, expect, it } from 'vitest';
import { type EmulatorFixture, startFixture, upload, waitFor } from '../helpers/emulator.js';

let fx: EmulatorFixture;
const start = async (indexDelayMs = 0) => {
  fx = await startFixture({ config: { index_delay_ms: indexDelayMs } });
  return fx;
};
afterEach(async () => {
  expect(fx.checker.failures()).toEqual([]);
  await fx.close();
});

describe('vector stores', () => {
  it('creates with files, chunking, expiry and metadata; updates; deletes', async () => {
    const { client } = await start();
    const a = await upload(client, 'a.md', 'alpha');
    const store = await client.vectorStores.create({
      name: 'docs',
      file_ids: [a.id],
      chunking_strategy: {
        type: 'static',
        static: { max_chunk_size_tokens: 400, chunk_overlap_tokens: 100 },
      },
      expires_after: { anchor: 'last_active_at', days: 7 },
      metadata: { team: 'support' },
    });
    expect(store.id).toMatch(/^vs_[A-Za-z0-9]{24}$/);
    expect(store).toMatchObject({
      object: 'vector_store',
      name: 'docs',
      status: 'completed',
      file_counts: { in_progress: 0, completed: 1, failed: 0, cancelled: 0, total: 1 },
      usage_bytes: 5,
      expires_after: { anchor: 'last_active_at', days: 7 },
      metadata: { team: 'support' },
    });
    expect(store.expires_at).toBe((store.last_active_at as number) + 7 * 86_400);
    const member = await client.vectorStores.files.retrieve(a.id, { vector_store_id: store.id });
    expect(member.chunking_strategy).toEqual({
      type: 'static',
      static: { max_chunk_size_tokens: 400, chunk_overlap_tokens: 100 },
    });

    const renamed = await client.vectorStores.update(store.id, {
      name: 'docs-v2',
      metadata: { owner: 'me' },
      expires_after: null,
    });
    // Without expiry, both fields are there and null, as the live API answers.
    expect(renamed).toMatchObject({
      name: 'docs-v2',
      metadata: { owner: 'me' },
      expires_after: null,
      expires_at: null,
    });
    expect(await client.vectorStores.retrieve(store.id)).toEqual(renamed);

    expect(await client.vectorStores.delete(store.id)).toEqual({
      id: store.id,
      object: 'vector_store.deleted',
      deleted: true,
    });
    await expect(client.vectorStores.retrieve(store.id)).rejects.toMatchObject({ status: 404 });
  });

  it('indexes asynchronously: in_progress first, completed after the delay, seen by polling', async () => {
    const { client } = await start(300);
    const store = await client.vectorStores.create({ name: 's' });
    const file = await upload(client, 'guide.md', 'some text');
    const attached = await client.vectorStores.files.create(store.id, { file_id: file.id });
    expect(attached).toMatchObject({
      id: file.id,
      object: 'vector_store.file',
      status: 'in_progress',
      usage_bytes: 0,
    });
    expect(attached.last_error).toBeNull();
    expect((await client.vectorStores.retrieve(store.id)).status).toBe('in_progress');

    const raw = await fx.raw('GET', `/vector_stores/${store.id}/files/${file.id}`);
    expect(Number(raw.headers.get('openai-poll-after-ms'))).toBe(150);

    // The SDK's own poll helper sleeps per openai-poll-after-ms and sees the end of indexing.
    const done = await client.vectorStores.files.poll(store.id, file.id);
    expect(done).toMatchObject({ status: 'completed', usage_bytes: 9 });
    expect(done.chunking_strategy).toEqual({
      type: 'static',
      static: { max_chunk_size_tokens: 800, chunk_overlap_tokens: 400 },
    });
    const after = await client.vectorStores.retrieve(store.id);
    expect(after).toMatchObject({
      status: 'completed',
      usage_bytes: 9,
      file_counts: { completed: 1, total: 1 },
    });
  });

  it('fails indexing of an unsupported file type and of an empty file, with last_error', async () => {
    const { client } = await start();
    const store = await client.vectorStores.create({ name: 's' });
    const image = await upload(client, 'chart.png', 'PNG');
    const empty = await upload(client, 'empty.txt', '');
    await client.vectorStores.fileBatches.create(store.id, { file_ids: [image.id, empty.id] });
    const png = await client.vectorStores.files.retrieve(image.id, { vector_store_id: store.id });
    expect(png).toMatchObject({ status: 'failed', last_error: { code: 'unsupported_file' } });
    expect(png.last_error?.message).toContain('.png');
    const txt = await client.vectorStores.files.retrieve(empty.id, { vector_store_id: store.id });
    expect(txt).toMatchObject({ status: 'failed', last_error: { code: 'invalid_file' } });
    expect((await client.vectorStores.retrieve(store.id)).file_counts).toEqual({
      in_progress: 0,
      completed: 0,
      failed: 2,
      cancelled: 0,
      total: 2,
    });
    const failed = await client.vectorStores.files.list(store.id, { filter: 'failed' });
    expect(failed.data.map((f) => f.id).sort()).toEqual([image.id, empty.id].sort());
  });

  it('batches: counts and status follow their files; listFiles; cancel stops what is still indexing', async () => {
    const { client } = await start(60_000);
    const store = await client.vectorStores.create({ name: 's' });
    const files = await Promise.all(['a.md', 'b.md', 'c.md'].map((name) => upload(client, name, name)));
    const batch = await client.vectorStores.fileBatches.create(store.id, {
      file_ids: files.map((f) => f.id),
      attributes: { lang: 'en' },
    });
    expect(batch.id).toMatch(/^vsfb_/);
    expect(batch).toMatchObject({
      object: 'vector_store.file_batch',
      status: 'in_progress',
      vector_store_id: store.id,
      file_counts: { in_progress: 3, total: 3 },
    });
    const listed = await client.vectorStores.fileBatches.listFiles(batch.id, { vector_store_id: store.id });
    expect(listed.data.map((f) => f.attributes)).toEqual([{ lang: 'en' }, { lang: 'en' }, { lang: 'en' }]);
    const cancelled = await client.vectorStores.fileBatches.cancel(batch.id, { vector_store_id: store.id });
    expect(cancelled).toMatchObject({ status: 'cancelled', file_counts: { cancelled: 3, in_progress: 0 } });
    expect((await client.vectorStores.retrieve(store.id)).status).toBe('completed');
  });

  it('batch createAndPoll completes with per-file attributes and chunking from `files`', async () => {
    const { client } = await start(100);
    const store = await client.vectorStores.create({ name: 's' });
    const [a, b] = await Promise.all([upload(client, 'a.md', 'a'), upload(client, 'b.md', 'b')]);
    const batch = await client.vectorStores.fileBatches.createAndPoll(store.id, {
      files: [
        { file_id: (a as { id: string }).id, attributes: { n: 1 } },
        {
          file_id: (b as { id: string }).id,
          chunking_strategy: {
            type: 'static',
            static: { max_chunk_size_tokens: 100, chunk_overlap_tokens: 0 },
          },
        },
      ],
    });
    expect(batch).toMatchObject({ status: 'completed', file_counts: { completed: 2, total: 2 } });
    const members = await client.vectorStores.files.list(store.id, { order: 'asc' });
    expect(members.data.map((m) => [m.attributes, m.chunking_strategy])).toEqual([
      [{ n: 1 }, { type: 'static', static: { max_chunk_size_tokens: 800, chunk_overlap_tokens: 400 } }],
      [{}, { type: 'static', static: { max_chunk_size_tokens: 100, chunk_overlap_tokens: 0 } }],
    ]);
  });

  it('updates attributes, serves parsed content, and searches with attribute filters', async () => {
    const { client } = await start();
    const store = await client.vectorStores.create({ name: 's' });
    const refunds = await upload(client, 'refunds.md', 'Refunds are issued within 14 days of purchase.');
    const shipping = await upload(
      client,
      'shipping.md',
      'Shipping takes 3 days. Refunds for shipping are not offered.',
    );
    await client.vectorStores.files.create(store.id, {
      file_id: refunds.id,
      attributes: { topic: 'refunds' },
    });
    await client.vectorStores.files.create(store.id, { file_id: shipping.id });
    const updated = await client.vectorStores.files.update(shipping.id, {
      vector_store_id: store.id,
      attributes: { topic: 'shipping', year: 2026 },
    });
    expect(updated.attributes).toEqual({ topic: 'shipping', year: 2026 });

    const content = await client.vectorStores.files.content(refunds.id, { vector_store_id: store.id });
    expect(content.data).toEqual([{ type: 'text', text: 'Refunds are issued within 14 days of purchase.' }]);

    const results = await client.vectorStores.search(store.id, { query: 'refunds purchase' });
    expect(results.data.map((r) => [r.filename, r.score])).toEqual([
      ['refunds.md', 1],
      ['shipping.md', 0.5],
    ]);
    const filtered = await client.vectorStores.search(store.id, {
      query: 'refunds',
      filters: {
        type: 'and',
        filters: [
          { type: 'eq', key: 'topic', value: 'shipping' },
          { type: 'gte', key: 'year', value: 2026 },
        ],
      },
    });
    expect(filtered.data.map((r) => r.file_id)).toEqual([shipping.id]);
    expect(filtered.data[0]?.content[0]?.text).toContain('Refunds for shipping');
  });
});

describe('expiry on the emulator clock', () => {
  it('expires a store days after it was last active; use moves the deadline; an expired store refuses use', async () => {
    const { client, control } = await start();
    const store = await client.vectorStores.create({
      name: 's',
      expires_after: { anchor: 'last_active_at', days: 1 },
    });
    const file = await upload(client, 'a.md', 'words here');
    await control('clock', { advance_seconds: 3600 });
    // A search is use: last_active_at moves, and expires_at with it.
    await client.vectorStores.search(store.id, { query: 'words' });
    const used = await client.vectorStores.retrieve(store.id);
    expect(used.last_active_at).toBeGreaterThanOrEqual((store.last_active_at as number) + 3600);
    expect(used.expires_at).toBe((used.last_active_at as number) + 86_400);

    await control('clock', { advance_seconds: 86_399 - 5 });
    expect((await client.vectorStores.retrieve(store.id)).status).toBe('completed');
    await control('clock', { advance_seconds: 10 });
    expect((await client.vectorStores.retrieve(store.id)).status).toBe('expired');

    await expect(client.vectorStores.files.create(store.id, { file_id: file.id })).rejects.toMatchObject({
      status: 400,
      code: 'vector_store_expired',
    });
    await expect(client.vectorStores.search(store.id, { query: 'x' })).rejects.toMatchObject({ status: 400 });
    // Lifting the policy does not revive it: an expired store must be replaced.
    const lifted = await client.vectorStores.update(store.id, { expires_after: null });
    expect(lifted.status).toBe('expired');
  });

  it('attaching a file is use too', async () => {
    const { client, control } = await start();
    const store = await client.vectorStores.create({
      name: 's',
      expires_after: { anchor: 'last_active_at', days: 2 },
    });
    await control('clock', { advance_seconds: 86_400 });
    const file = await upload(client, 'a.md', 'x');
    await client.vectorStores.files.create(store.id, { file_id: file.id });
    await control('clock', { advance_seconds: 86_400 + 60 });
    expect((await client.vectorStores.retrieve(store.id)).status).toBe('completed');
  });
});

describe('delete semantics (API prose)', () => {
  it('detaching a store file keeps the file', async () => {
    const { client } = await start();
    const store = await client.vectorStores.create({ name: 's' });
    const file = await upload(client, 'a.md', 'x');
    await client.vectorStores.files.create(store.id, { file_id: file.id });
    expect(await client.vectorStores.files.delete(file.id, { vector_store_id: store.id })).toEqual({
      id: file.id,
      object: 'vector_store.file.deleted',
      deleted: true,
    });
    expect((await client.files.retrieve(file.id)).id).toBe(file.id);
    expect((await client.vectorStores.retrieve(store.id)).file_counts.total).toBe(0);
  });

  it('deleting a file detaches it from every store', async () => {
    const { client } = await start();
    const file = await upload(client, 'shared.md', 'x');
    const one = await client.vectorStores.create({ name: 'one', file_ids: [file.id] });
    const two = await client.vectorStores.create({ name: 'two', file_ids: [file.id] });
    await client.files.delete(file.id);
    for (const store of [one, two]) {
      expect((await client.vectorStores.retrieve(store.id)).file_counts.total).toBe(0);
      await expect(
        client.vectorStores.files.retrieve(file.id, { vector_store_id: store.id }),
      ).rejects.toMatchObject({
        status: 404,
      });
    }
  });

  it('deleting a store keeps its files', async () => {
    const { client } = await start();
    const file = await upload(client, 'a.md', 'x');
    const store = await client.vectorStores.create({ name: 's', file_ids: [file.id] });
    await client.vectorStores.delete(store.id);
    expect((await client.files.retrieve(file.id)).id).toBe(file.id);
    expect((await client.files.list()).data).toHaveLength(1);
  });
});

describe('indexing delay scaled by size', () => {
  it('adds index_delay_per_mb_ms per MiB', async () => {
    fx = await startFixture({ config: { index_delay_ms: 0, index_delay_per_mb_ms: 400 } });
    const { client } = fx;
    const store = await client.vectorStores.create({ name: 's' });
    const small = await upload(client, 'small.txt', 'x');
    const big = await upload(client, 'big.txt', 'y'.repeat(1024 * 1024));
    await client.vectorStores.fileBatches.create(store.id, { file_ids: [small.id, big.id] });
    const first = await client.vectorStores.files.list(store.id, { filter: 'in_progress' });
    expect(first.data.map((f) => f.id)).toEqual([big.id]);
    await waitFor(
      () => client.vectorStores.retrieve(store.id),
      (s) => s.status === 'completed',
    );
  });
});
