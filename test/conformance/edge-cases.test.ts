import { readdir } from 'node:fs/promises';
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { upload, useEmulator, waitFor } from '../helpers/emulator.js';

const fx = useEmulator({ config: { index_delay_ms: 60_000 } });

describe('edge cases', () => {
  it('pages through a store’s files and a batch’s files in both orders', async () => {
    const { client } = fx();
    const store = await client.vectorStores.create({ name: 's' });
    const files = [];
    for (let i = 0; i < 5; i += 1) files.push(await upload(client, `f${i}.md`, `${i}`));
    // Uploaded first, attached in reverse: a store file's place is its attach order, not its upload's.
    for (const file of [...files].reverse())
      await client.vectorStores.files.create(store.id, { file_id: file.id });
    const attachOrder = [...files].reverse().map((f) => f.id);
    const walk = async (order: 'asc' | 'desc') => {
      const seen: string[] = [];
      for await (const member of client.vectorStores.files.list(store.id, { limit: 2, order }))
        seen.push(member.id);
      return seen;
    };
    expect(await walk('asc')).toEqual(attachOrder);
    expect(await walk('desc')).toEqual([...attachOrder].reverse());

    const other = await client.vectorStores.create({ name: 't' });
    const batch = await client.vectorStores.fileBatches.create(other.id, {
      file_ids: files.map((f) => f.id),
    });
    const inBatch: string[] = [];
    for await (const member of client.vectorStores.fileBatches.listFiles(batch.id, {
      vector_store_id: other.id,
      limit: 2,
      order: 'asc',
    })) {
      inBatch.push(member.id);
    }
    expect(inBatch).toEqual(files.map((f) => f.id));
  });

  it('a batch counts and cancels only what it attached; `files` ignores batch-wide settings', async () => {
    const { client } = fx();
    const store = await client.vectorStores.create({ name: 's' });
    const [alone, batched] = [await upload(client, 'a.md', 'a'), await upload(client, 'b.md', 'b')];
    await client.vectorStores.files.create(store.id, { file_id: alone.id });
    const batch = await client.vectorStores.fileBatches.create(store.id, {
      files: [{ file_id: batched.id }],
      attributes: { global: 'ignored' },
    } as never);
    expect(batch.file_counts.total).toBe(1);
    await client.vectorStores.fileBatches.cancel(batch.id, { vector_store_id: store.id });
    const a = await client.vectorStores.files.retrieve(alone.id, { vector_store_id: store.id });
    const b = await client.vectorStores.files.retrieve(batched.id, { vector_store_id: store.id });
    expect([a.status, b.status]).toEqual(['in_progress', 'cancelled']);
    expect(b.attributes).toEqual({});
  });

  it('the assistant helper store takes only file_ids, chunking_strategy and metadata', async () => {
    const { client } = fx();
    const assistant = await client.beta.assistants.create({
      model: 'gpt-4o',
      tool_resources: {
        file_search: { vector_stores: [{ name: 123, expires_after: { anchor: 'bogus', days: 'x' } }] },
      },
    } as never);
    const id = assistant.tool_resources?.file_search?.vector_store_ids?.[0] as string;
    const store = await client.vectorStores.retrieve(id);
    expect(store).toMatchObject({ name: '', expires_after: null, expires_at: null });
  });

  it('files: purpose batch expires after 30 days by default; purpose evals is echoed', async () => {
    const { client } = fx();
    const { toFile } = await import('openai');
    const batchInput = await client.files.create({
      file: await toFile(Buffer.from('{}'), 'in.jsonl'),
      purpose: 'batch',
    });
    expect(batchInput.expires_at).toBe(batchInput.created_at + 30 * 86_400);
    const evals = await client.files.create({
      file: await toFile(Buffer.from('{}'), 'e.jsonl'),
      purpose: 'evals',
    });
    expect(evals.purpose).toBe('evals');
  });

  it('answers a malformed URL instead of hanging, and a vanished upload with 404', async () => {
    const response = await fx().raw('GET', '/files/%ZZ');
    expect(response.status).toBe(400);
    const file = await upload(fx().client, 'gone.csv', 'x', 'user_data');
    await fx().emulator.core.blobs.remove(file.id);
    await expect(fx().client.files.content(file.id)).rejects.toMatchObject({ status: 404 });
    expect((await fx().client.files.list()).data).toHaveLength(1);
  });

  it('an upload cut off midway leaves no content behind and the server keeps serving', async () => {
    const url = new URL(`${fx().emulator.url}/files`);
    const boundary = 'cut-off-boundary';
    await new Promise<void>((resolve) => {
      const req = request(url, {
        method: 'POST',
        headers: {
          authorization: 'Bearer k',
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': String(10 * 1024 * 1024),
        },
      });
      req.on('error', () => resolve());
      req.write(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.md"\r\n\r\n${'x'.repeat(256 * 1024)}`,
      );
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 100);
    });
    const dir = fx().emulator.core.blobs.dir;
    await waitFor(
      () => readdir(dir),
      (names) => names.length === 0,
    );
    expect((await fx().client.files.list()).data).toEqual([]);
  });
});
