import { readdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { toFile } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { type EmulatorFixture, startFixture, waitFor } from '../helpers/emulator.js';

let fx: EmulatorFixture;
const warnings: string[] = [];
const logged: string[] = [];
afterEach(async () => {
  expect(fx.checker.failures()).toEqual([]);
  await fx.close();
  warnings.length = 0;
  logged.length = 0;
});

/** Sends the head of a request and part of its body over a raw socket, then closes it. */
async function abandon(method: string, path: string, headers: Record<string, string>, partialBody: string) {
  const { port } = new URL(fx.origin);
  const socket = connect(Number(port), '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const head = Object.entries({ host: `127.0.0.1:${port}`, authorization: 'Bearer k', ...headers })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.write(`${method} ${path} HTTP/1.1\r\n${head}\r\n${partialBody}`);
  // Long enough for the server to be reading the body when the connection goes.
  await new Promise((resolve) => setTimeout(resolve, 50));
  socket.destroy();
}

describe('a client that closes the connection mid-request', () => {
  it('is one plain line in the log, not a 500 with a stack, and the server keeps serving', async () => {
    fx = await startFixture({
      warn: (line) => warnings.push(line),
      log: (line) => logged.push(line),
    });
    await abandon(
      'POST',
      '/v1/vector_stores',
      { 'content-type': 'application/json', 'content-length': '1000' },
      '{"name": "half',
    );
    const boundary = 'abandoned';
    await abandon(
      'POST',
      '/v1/files',
      { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': '100000' },
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.md"\r\n\r\n${'x'.repeat(1000)}`,
    );
    // A caller that gives up waiting for its answer (here: the answer is slowed down).
    await fx.control('config', { latency_ms: 300 });
    await abandon('GET', '/v1/vector_stores', {}, '');
    await waitFor(
      async () => warnings.length,
      (count) => count >= 3,
    );
    await fx.control('config', { latency_ms: 0 });
    expect(warnings).toEqual([
      'POST /v1/vector_stores client closed the connection',
      'POST /v1/files client closed the connection',
      'GET /v1/vector_stores client closed the connection',
    ]);
    // One line per abandoned request in all: no request line beside it, no 500 or 400.
    expect(logged).toEqual([]);

    const stats = fx.emulator.core.stats;
    expect(stats.statuses).toEqual({ client_closed: 3 });
    expect(fx.emulator.core.data.vectorStores.size).toBe(0);
    expect((await fx.client.vectorStores.create({ name: 'after' })).name).toBe('after');
    expect((await fx.client.files.list()).data).toEqual([]);
    expect(warnings).toHaveLength(3);
  });

  it('leaves no content behind for an upload cut off, small or large', async () => {
    fx = await startFixture({ warn: (line) => warnings.push(line), log: (line) => logged.push(line) });
    const boundary = 'cut';
    // Cut off mid-file, one in its first chunks and one after many.
    for (const size of [1000, 600 * 1024])
      await abandon(
        'POST',
        '/v1/files',
        { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(size * 2) },
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.md"\r\n\r\n${'x'.repeat(size)}`,
      );
    await waitFor(
      async () => warnings.length,
      (count) => count >= 2,
    );
    expect(await fx.emulator.core.blobs.ids()).toEqual([]);
    expect(await readdir(fx.emulator.core.blobs.dir)).toEqual([]);
    // And a whole upload of each size still lands, with its size.
    for (const size of [1000, 600 * 1024]) {
      const made = await fx.client.files.create({
        file: await toFile(Buffer.alloc(size, 'y'), 'whole.md'),
        purpose: 'assistants',
      });
      expect(made.bytes).toBe(size);
    }
    // The small one is kept in memory, the large one on disk.
    expect(await fx.emulator.core.blobs.ids()).toHaveLength(2);
    expect(await readdir(fx.emulator.core.blobs.dir)).toHaveLength(1);
  });

  it('keeps nothing of a skill upload cut off, and takes the next one', async () => {
    fx = await startFixture({ warn: (line) => warnings.push(line), log: (line) => logged.push(line) });
    const boundary = 'skill';
    const part = (name: string, body: string) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="files[]"; filename="${name}"\r\n\r\n${body}\r\n`;
    await abandon(
      'POST',
      '/v1/skills',
      { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': '100000' },
      `${part('s/SKILL.md', '---\nname: s\ndescription: d\n---\n')}--${boundary}\r\nContent-Disposition: form-data; name="files[]"; filename="s/big.txt"\r\n\r\n${'x'.repeat(5000)}`,
    );
    await waitFor(
      async () => warnings.length,
      (count) => count >= 1,
    );
    expect(warnings).toEqual(['POST /v1/skills client closed the connection']);
    expect(fx.emulator.core.data.skills.size).toBe(0);
    expect(await fx.emulator.core.blobs.ids()).toEqual([]);
    const form = new FormData();
    form.append('files[]', new Blob(['---\nname: s\ndescription: d\n---\n']), 's/SKILL.md');
    expect((await fx.client.skills.create(form as never)).name).toBe('s');
  });
});
