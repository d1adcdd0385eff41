import net from 'node:net';
import path from 'node:path';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runInProcess } from '../helpers/run-cli.js';
import { workspace } from '../helpers/workspace.js';

const root = path.resolve(import.meta.dirname, '../..');

describe('validate works offline', () => {
  let connect: ReturnType<typeof vi.spyOn>;
  const unmatched: string[] = [];

  beforeEach(() => {
    // Two nets: nock refuses HTTP(S) and fetch, and records it; the socket spy sees any TCP connection at all.
    nock.disableNetConnect();
    nock.emitter.on('no match', (req: { href?: string; path?: string }) =>
      unmatched.push(String(req.href ?? req.path)),
    );
    connect = vi.spyOn(net.Socket.prototype, 'connect');
  });

  afterEach(() => {
    connect.mockRestore();
    nock.emitter.removeAllListeners('no match');
    nock.enableNetConnect();
    unmatched.length = 0;
  });

  it('the guard notices a connection attempt (so the test below can fail)', async () => {
    await fetch('http://127.0.0.1:9/v1/files').catch(() => undefined);
    expect(unmatched.length + connect.mock.calls.length).toBeGreaterThan(0);
  });

  it('makes no network call, for valid and invalid manifests, even with an API key and base URL set', async () => {
    const env = { OPENAI_API_KEY: 'test-key', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' };
    for (const example of ['support-bot', 'data-analyst', 'function-calling', 'knowledge-base']) {
      const run = await runInProcess(['validate', '-f', `examples/${example}`], { cwd: root, env });
      expect(run.code).toBe(0);
    }
    const dir = await workspace({ 'assistants.yaml': 'version: 1\nassistants:\n  bot: { tools: [x] }\n' });
    expect((await runInProcess(['validate'], { cwd: dir, env })).code).toBe(1);
    expect(unmatched).toEqual([]);
    expect(connect).not.toHaveBeenCalled();
  });
});
