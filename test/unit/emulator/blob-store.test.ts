import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { BlobStore } from '../../../src/emulator/blob-store.js';

const KIB = 1024;

/** An upload body as the multipart parser hands it on: chunks of at most 16 KiB. */
function upload(bytes: number, fill = 'a'): Readable {
  const whole = Buffer.alloc(bytes, fill);
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes; at += 16 * KIB) chunks.push(whole.subarray(at, at + 16 * KIB));
  return Readable.from(chunks);
}

let store: BlobStore | undefined;
afterEach(() => {
  store?.close();
  store = undefined;
});

describe('BlobStore without --data', () => {
  it('keeps small contents in memory and larger ones on disk, and reads both back', async () => {
    store = await BlobStore.open();
    expect(await store.receive('file-small', upload(64 * KIB, 's'))).toBe(64 * KIB);
    expect(await store.receive('file-large', upload(64 * KIB + 1, 'l'))).toBe(64 * KIB + 1);
    expect(await readdir(store.dir)).toEqual(['file-large']);
    expect((await store.ids()).sort()).toEqual(['file-large', 'file-small']);
    expect(await store.read('file-small')).toEqual(Buffer.alloc(64 * KIB, 's'));
    expect(await store.read('file-large')).toEqual(Buffer.alloc(64 * KIB + 1, 'l'));
    const downloaded: Buffer[] = [];
    for await (const chunk of await store.open('file-small')) downloaded.push(chunk as Buffer);
    expect(Buffer.concat(downloaded)).toEqual(Buffer.alloc(64 * KIB, 's'));
  });

  it('puts small contents on disk once the memory budget is spent, and a removal frees it', async () => {
    store = await BlobStore.open(undefined, 100 * KIB);
    await store.receive('file-1', upload(60 * KIB));
    await store.receive('file-2', upload(60 * KIB));
    expect(await readdir(store.dir)).toEqual(['file-2']);
    await store.remove('file-1');
    await store.receive('file-3', upload(60 * KIB));
    expect(await readdir(store.dir)).toEqual(['file-2']);
    expect((await store.ids()).sort()).toEqual(['file-2', 'file-3']);
    expect((await store.read('file-2')).length).toBe(60 * KIB);
  });

  it('keeps nothing of an upload that fails part way, small or large', async () => {
    store = await BlobStore.open();
    for (const [id, before] of [
      ['file-small', 1],
      ['file-large', 10],
    ] as const) {
      const failing = Readable.from(
        (async function* () {
          for (let i = 0; i < before; i++) yield Buffer.alloc(16 * KIB);
          throw new Error('client went away');
        })(),
      );
      await expect(store.receive(id, failing)).rejects.toThrow('client went away');
    }
    expect(await store.ids()).toEqual([]);
    expect(await readdir(store.dir)).toEqual([]);
  });

  it('answers a missing blob with a 404', async () => {
    store = await BlobStore.open();
    await expect(store.open('file-none')).rejects.toMatchObject({ status: 404 });
  });
});

describe('BlobStore with --data', () => {
  it('keeps even the smallest contents on disk, where a restart finds them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'blob-store-'));
    try {
      store = await BlobStore.open(dir);
      await store.receive('file-tiny', upload(3));
      expect(await readdir(store.dir)).toEqual(['file-tiny']);
      store.close();
      store = await BlobStore.open(dir);
      expect((await store.read('file-tiny')).length).toBe(3);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
