import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../helpers/emulator.js';

const fx = useEmulator();

/** A raw control call with exactly these headers (fetch would add its own). */
function call(
  method: 'GET' | 'POST',
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; type: string | undefined; body: { error?: Record<string, unknown> } }> {
  return new Promise((resolve, reject) => {
    const req = request(`${fx().origin}/_emulator/${path}`, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body: JSON.parse(text) }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

const JSON_TYPE = { 'content-type': 'application/json' };

describe('control API', () => {
  it('refuses what a web page can send: a text/plain POST, any other origin, a cross-site fetch', async () => {
    const { client } = fx();
    const store = await client.vectorStores.create({ name: 'kept' });
    const evil = { origin: 'https://evil.example' };
    const refusals: [Awaited<ReturnType<typeof call>>, number][] = [
      // A form or a no-cors fetch: "simple" requests that need no preflight.
      [await call('POST', 'reset', { ...evil, 'content-type': 'text/plain;charset=UTF-8' }, '{}'), 403],
      [await call('POST', 'reset', { 'content-type': 'text/plain' }, '{}'), 415],
      [await call('POST', 'reset', { 'content-type': 'application/x-www-form-urlencoded' }, 'a=1'), 415],
      [await call('POST', 'reset', {}), 415],
      [await call('POST', 'clock', { ...evil, ...JSON_TYPE }, '{"advance_seconds":999999}'), 403],
      [await call('POST', 'config', { origin: 'null', ...JSON_TYPE }, '{"fault_rate":1}'), 403],
      [await call('POST', 'reset', { 'sec-fetch-site': 'cross-site', ...JSON_TYPE }, '{}'), 403],
      [await call('GET', 'stats', evil), 403],
      [await call('GET', 'config', { origin: 'http://127.0.0.1.evil.example:4010' }), 403],
      [await call('GET', 'stats', { 'sec-fetch-site': 'cross-site' }), 403],
    ];
    for (const [response, status] of refusals) {
      expect(response.status).toBe(status);
      expect(response.type).toBe('application/json');
      expect(response.body.error).toMatchObject({
        type: 'invalid_request_error',
        code: status === 403 ? 'forbidden_origin' : 'unsupported_media_type',
      });
    }
    // Nothing was reset, reconfigured or moved.
    expect((await client.vectorStores.retrieve(store.id)).name).toBe('kept');
    expect(await fx().control('config')).toMatchObject({ fault_rate: 0 });
    expect(await fx().control('clock', { advance_seconds: 0 })).toMatchObject({ offset_seconds: 0 });
  });

  it('answers JSON from loopback origins, and from clients that send no origin', async () => {
    const port = new URL(fx().origin).port;
    for (const origin of [`http://127.0.0.1:${port}`, 'http://localhost:3000', 'http://[::1]:8080']) {
      expect((await call('GET', 'stats', { origin })).status).toBe(200);
      const moved = await call('POST', 'clock', { origin, ...JSON_TYPE }, '{"advance_seconds":1}');
      expect(moved.status).toBe(200);
    }
    const same = await call(
      'POST',
      'config',
      { 'sec-fetch-site': 'same-origin', 'content-type': 'application/json; charset=utf-8' },
      '{"latency_ms":0}',
    );
    expect(same.status).toBe(200);
    expect((await call('POST', 'reset', JSON_TYPE)).status).toBe(200);
  });
});
