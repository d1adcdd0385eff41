import { createHash, randomBytes } from 'node:crypto';
import { appendFile, type FileHandle, mkdtemp, open, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApiClient } from '../../src/provider/api-client.js';
import type { ApiWriter } from '../../src/provider/api-writer.js';
import { type SdkWriterOptions, sdkWriter } from '../../src/provider/sdk-writer.js';
import { mapLimit } from '../../src/util/concurrency.js';
import { type EmulatorFixture, startFixture } from '../helpers/emulator.js';

const LINEAGE = '0c7d3c1e-1111-4222-8333-444455556666';
const COUNT = 20;

let dir: string;
let fx: EmulatorFixture | undefined;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'assistants-iac-writer-conf-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

function writerFor(fixture: EmulatorFixture, options: SdkWriterOptions = {}): ApiWriter {
  const api = createApiClient({ baseUrl: fixture.emulator.url, env: { OPENAI_API_KEY: 'sk-emulator-test' } });
  return sdkWriter(api, options);
}

/**
 * Twenty files whose names and sizes come in pairs (`doc-0.md` twice, with different content of the
 * same length): the hardest case for finding a lost upload, since the list cannot tell a pair apart.
 */
async function localFiles() {
  return Promise.all(
    Array.from({ length: COUNT }, async (_, i) => {
      const content = `content of upload number ${String(i).padStart(3, '0')}\n`;
      const file = path.join(dir, `${i}.md`);
      await writeFile(file, content);
      return {
        path: file,
        filename: `doc-${i % (COUNT / 2)}.md`,
        purpose: 'user_data' as const,
        bytes: content.length,
        content,
      };
    }),
  );
}

/** Makes 20 stamped stores and 20 uploads at once; returns the ids the writer answered. */
async function makeAll(writer: ApiWriter) {
  const files = await localFiles();
  const [stores, uploads] = await Promise.all([
    mapLimit(
      Array.from({ length: COUNT }, (_, i) => i),
      8,
      (i) =>
        writer.createVectorStore({
          name: `store ${i}`,
          metadata: { assistants_iac_lineage: LINEAGE, assistants_iac_address: `vector_store.s${i}` },
          expires_after: null,
        }),
    ),
    mapLimit(files, 8, (file) => writer.uploadFile(file)),
  ]);
  return {
    files,
    stores: stores.map((s) => s.id),
    uploads: uploads.map((u) => u.id),
    sent: uploads.map((u) => u.content),
  };
}

/** Checks, with faults off, that the emulator holds exactly what the writer answered, each file with its content. */
async function expectExactly(fixture: EmulatorFixture, made: Awaited<ReturnType<typeof makeAll>>) {
  await fixture.control('config', { fault_rate: 0, rate_limit_per_min: 0 });
  const stores = (await fixture.client.vectorStores.list({ limit: 100 })).data;
  const files = (await fixture.client.files.list()).data;

  expect(new Set(made.stores).size).toBe(COUNT);
  expect(new Set(made.uploads).size).toBe(COUNT);
  expect(stores.map((s) => s.id).sort()).toEqual([...made.stores].sort());
  expect(files.map((f) => f.id).sort()).toEqual([...made.uploads].sort());
  // Each store answered for the address it was made for.
  for (const [i, id] of made.stores.entries()) {
    const store = stores.find((s) => s.id === id);
    expect(store?.metadata).toMatchObject({ assistants_iac_address: `vector_store.s${i}` });
  }
  // Each upload answered with the file holding its own content, not its same-named twin's,
  // and reported the hash of what it sent (a lost answer's too: the attempts sent the same bytes).
  for (const [i, id] of made.uploads.entries()) {
    const response = await fixture.client.files.content(id);
    const content = made.files[i]?.content as string;
    expect(await response.text()).toBe(content);
    expect(made.sent[i]).toMatchObject({
      sha256: createHash('sha256').update(content).digest('hex'),
      bytes: content.length,
    });
  }
}

async function statuses(fixture: EmulatorFixture): Promise<Record<string, number>> {
  return (await fixture.control('stats')).statuses as Record<string, number>;
}

describe('sdkWriter against the emulator: faults never make a resource twice', () => {
  it('20 stamped stores and 20 uploads under fault_rate 0.3 end as exactly 20 and 20', async () => {
    fx = await startFixture({ config: { fault_rate: 0.3, seed: 11 } });
    // Backoff shortened a hundredfold; the retry budget raised so that no call runs out at 0.3.
    const writer = writerFor(fx, { sleep: (ms) => delay(ms / 100), retries: 12 });

    const made = await makeAll(writer);

    const seen = await statuses(fx);
    expect(seen.dropped ?? 0).toBeGreaterThan(0);
    expect((seen['500'] ?? 0) + (seen['503'] ?? 0)).toBeGreaterThan(0);
    await expectExactly(fx, made);
  });

  it('the same under a rate limit: the client follows the headers and 429s stay rare', async () => {
    // 600/min holds 10 requests per family at once; 8 creates and 8 uploads run at once.
    fx = await startFixture({ config: { fault_rate: 0.3, seed: 5, rate_limit_per_min: 600 } });
    const writer = writerFor(fx, {
      // Backoff after faults shortened tenfold; 429 waits are the client's own.
      sleep: (ms) => delay(ms / 10),
      retries: 12,
    });

    const made = await makeAll(writer);

    const seen = await statuses(fx);
    expect((seen['500'] ?? 0) + (seen['503'] ?? 0)).toBeGreaterThan(0);
    expect(seen['429'] ?? 0).toBeLessThanOrEqual(2);
    await expectExactly(fx, made);
  });

  it('following the headers of a 1,500/min limit, sees no 429 at all', async () => {
    fx = await startFixture({ config: { rate_limit_per_min: 1500 } });
    const writer = writerFor(fx);

    const made = await makeAll(writer);

    expect((await statuses(fx))['429'] ?? 0).toBe(0);
    await expectExactly(fx, made);
  });
});

describe('sdkWriter: uploads stream from disk', () => {
  it('uploads a 64 MiB file without holding it in memory', async () => {
    fx = await startFixture();
    const writer = writerFor(fx);
    const file = path.join(dir, 'large.txt');
    const handle = await open(file, 'w');
    await handle.truncate(64 * 1024 * 1024);
    await handle.close();

    // A small upload first, so that loading and warming up the code paths (both sides) is not counted.
    const small = path.join(dir, 'small.txt');
    await writeFile(small, 'warm-up');
    await writer.uploadFile({ path: small, filename: 'small.txt', purpose: 'assistants', bytes: 7 });

    // Young garbage is collected while sampling (a minor GC is cheap), so that what is measured is
    // what is held, not 64 KiB chunks that await collection.
    const gc = exposeGc();
    gc();
    const before = process.memoryUsage();
    let peak = before.rss;
    let peakBuffers = before.arrayBuffers;
    const sampler = setInterval(() => {
      gc({ type: 'minor' });
      const now = process.memoryUsage();
      peak = Math.max(peak, now.rss);
      peakBuffers = Math.max(peakBuffers, now.arrayBuffers);
    }, 5);
    try {
      const { id } = await writer.uploadFile({
        path: file,
        filename: 'large.txt',
        purpose: 'assistants',
        bytes: 64 * 1024 * 1024,
      });
      const now = process.memoryUsage();
      peak = Math.max(peak, now.rss);
      peakBuffers = Math.max(peakBuffers, now.arrayBuffers);
      expect((await fx.client.files.retrieve(id)).bytes).toBe(64 * 1024 * 1024);
    } finally {
      clearInterval(sampler);
    }

    // The emulator runs in this process too and streams to disk as well; 64 MiB buffered anywhere
    // would show. The RSS bound is loose on purpose (allocator and JIT noise).
    expect(peak - before.rss).toBeLessThan(40 * 1024 * 1024);
    // Buffers alive at once: the precise sign of holding the body (a fetch that tees it holds 64 MiB).
    // Half the body as the bound: on a loaded machine, garbage collected late reached 24 MB once.
    expect(peakBuffers - before.arrayBuffers).toBeLessThan(32 * 1024 * 1024);
  });
});

describe('sdkWriter: uploads hash what they send', () => {
  /** FileHandle.prototype.read, the one read under streams and handles alike, wrapped by `hook`. */
  async function onReads(hook: (handle: FileHandle, bytesRead: number) => Promise<void>) {
    const probe = await open(path.join(dir, 'probe'), 'w');
    const proto = Object.getPrototypeOf(probe) as FileHandle;
    await probe.close();
    const real = proto.read;
    return vi.spyOn(proto, 'read').mockImplementation(async function (this: FileHandle, ...args: unknown[]) {
      const result = await (real as (...a: unknown[]) => Promise<{ bytesRead: number }>).apply(this, args);
      await hook(this, result.bytesRead);
      return result;
    } as FileHandle['read']);
  }

  async function stored(fixture: EmulatorFixture, id: string) {
    const content = await fixture.emulator.core.blobs.read(id);
    return { sha256: createHash('sha256').update(content).digest('hex'), bytes: content.length };
  }

  /** Uploads a file holding `content` to a fresh emulator with `hook` watching every read. */
  async function uploadWatched(
    name: string,
    content: Buffer | string,
    hook: (handle: FileHandle, bytesRead: number, file: string) => Promise<void>,
  ) {
    fx = await startFixture();
    const writer = writerFor(fx);
    const file = path.join(dir, name);
    await writeFile(file, content);
    const spy = await onReads((handle, n) => hook(handle, n, file));
    try {
      const made = await writer.uploadFile({ path: file, filename: name, purpose: 'assistants', bytes: 0 });
      return { made, file, server: await stored(fx, made.id) };
    } finally {
      spy.mockRestore();
    }
  }

  it('reports the sha256 and size of the bytes the server stored, reading the file once', async () => {
    const bytes = randomBytes(1024 * 1024 + 17);
    let read = 0;
    const { made, file, server } = await uploadWatched('random.bin', bytes, async (_handle, n) => {
      read += n;
    });

    expect(read).toBe(bytes.length);
    expect(made.content).toEqual({
      ...server,
      mtimeMs: Number((await stat(file, { bigint: true })).mtimeMs),
    });
    expect(made.content.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('a small file, read whole before it is sent: the same report, its mtime included', async () => {
    const bytes = randomBytes(10 * 1024 + 3);
    const { made, file, server } = await uploadWatched('small.bin', bytes, async () => {});
    expect(made.content).toEqual({
      ...server,
      mtimeMs: Number((await stat(file, { bigint: true })).mtimeMs),
    });
    expect(made.content.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(made.content.bytes).toBe(bytes.length);
  });

  it('a file that grows while it is sent: the hash is of what was sent, and no mtime vouches for it', async () => {
    let grown = false;
    // Larger than what is read whole (256 KiB), so that it is streamed and can grow between reads.
    const { made, server } = await uploadWatched(
      'growing.txt',
      'a'.repeat(512 * 1024),
      async (handle, n, file) => {
        if (grown || n === 0 || (await handle.stat()).ino !== (await stat(file)).ino) return;
        grown = true;
        await appendFile(file, 'and a tail written while the upload ran\n');
      },
    );

    expect(grown).toBe(true);
    expect(server.bytes).toBeGreaterThan(512 * 1024);
    expect(made.content).toEqual(server);
    expect((await fx?.client.files.retrieve(made.id))?.bytes).toBe(server.bytes);
  });
});

/** The V8 `gc()` function, without starting node with --expose-gc. */
function exposeGc(): (options?: { type: 'minor' | 'major' }) => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as (options?: { type: 'minor' | 'major' }) => void;
}
