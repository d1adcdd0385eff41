import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { wholeBodyFetch } from '../../../src/provider/whole-body-fetch.js';

interface Received {
  headers: IncomingHttpHeaders;
  bytes: number;
  sha256: string;
}

/** A loopback server that notes the headers and the body of each request. */
async function recorder(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const hash = createHash('sha256');
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      bytes += chunk.length;
    });
    req.on('end', () => {
      received.push({ headers: req.headers, bytes, sha256: hash.digest('hex') });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/files`, received };
}

/** A stream of `count` chunks of `size` bytes, counting how many were pulled. */
function chunked(count: number, size: number) {
  const pulled = { chunks: 0 };
  const chunks = Array.from({ length: count }, (_, i) => Buffer.alloc(size, 97 + (i % 26)));
  let next = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[next++];
      if (chunk) {
        pulled.chunks += 1;
        controller.enqueue(chunk);
      } else controller.close();
    },
  });
  return { stream, pulled, sha256: createHash('sha256').update(Buffer.concat(chunks)).digest('hex') };
}

const sendStream = (url: string, stream: ReadableStream<Uint8Array>) =>
  wholeBodyFetch(fetch)(url, { method: 'POST', body: stream, duplex: 'half' } as RequestInit);

let server: Server | undefined;
afterEach(() => {
  server?.close();
  server = undefined;
});

describe('wholeBodyFetch', () => {
  it('sends a short streamed body as one buffer with its length, not chunked', async () => {
    const rec = await recorder();
    server = rec.server;
    const body = chunked(6, 1000);
    const response = await sendStream(rec.url, body.stream);
    expect(response.status).toBe(200);
    expect(rec.received).toHaveLength(1);
    expect(rec.received[0]?.headers['content-length']).toBe('6000');
    expect(rec.received[0]?.headers['transfer-encoding']).toBeUndefined();
    expect(rec.received[0]?.sha256).toBe(body.sha256);
  });

  it('streams a long body, the chunks read first included, without reading it all before sending', async () => {
    const rec = await recorder();
    server = rec.server;
    // 64 chunks of 64 KiB: 4 MiB, past the 320 KiB sent whole.
    const body = chunked(64, 64 * 1024);
    const response = await sendStream(rec.url, body.stream);
    expect(response.status).toBe(200);
    expect(rec.received[0]?.headers['transfer-encoding']).toBe('chunked');
    expect(rec.received[0]?.headers['content-length']).toBeUndefined();
    expect(rec.received[0]?.bytes).toBe(64 * 64 * 1024);
    expect(rec.received[0]?.sha256).toBe(body.sha256);
    expect(body.pulled.chunks).toBe(64);
  });

  it('stops reading a long body at the first chunk past the limit before the request starts', async () => {
    const seen: { pulledAtSend?: number } = {};
    const body = chunked(64, 64 * 1024);
    const inner = async (_input: string | URL | Request, init?: RequestInit) => {
      seen.pulledAtSend = body.pulled.chunks;
      await new Response(init?.body).arrayBuffer();
      return new Response('{}');
    };
    await wholeBodyFetch(inner)('http://127.0.0.1:9/v1/files', {
      method: 'POST',
      body: body.stream,
      duplex: 'half',
    } as RequestInit);
    // 320 KiB is 5 chunks of 64 KiB; the 6th runs past it. (The stream may pull one more ahead.)
    expect(seen.pulledAtSend).toBeGreaterThanOrEqual(6);
    expect(seen.pulledAtSend).toBeLessThanOrEqual(7);
  });

  it('passes any other body as it is', async () => {
    const rec = await recorder();
    server = rec.server;
    await wholeBodyFetch(fetch)(rec.url, { method: 'POST', body: '{"a":1}' });
    await wholeBodyFetch(fetch)(rec.url, { method: 'GET' });
    expect(rec.received.map((r) => r.bytes)).toEqual([7, 0]);
  });

  it('hands on an error of the body stream as the call failing', async () => {
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.error(new Error('disk went away'));
      },
    });
    await expect(sendStream('http://127.0.0.1:9/v1/files', stream)).rejects.toThrow('disk went away');
  });
});
