import { type AddressInfo, createServer } from 'node:net';
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/server.js';
import { fakeKey } from '../helpers/fake-key.js';
import { runInProcess } from '../helpers/run-cli.js';
import { workspace, yaml } from '../helpers/workspace.js';

const KEY = fakeKey('sk-proj-', 20, 'plan-api-errors');
const BASE = 'http://127.0.0.1:9/v1';

afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

async function stateWithStore() {
  return workspace({
    'assistants.yaml': yaml`
      version: 1
      vector_stores:
        kb: {}
    `,
  });
}

describe('plan: API failures reach the user as located, secret-free errors', () => {
  it('redacts a key the server quotes back, in the message and in the --debug stack', async () => {
    nock.disableNetConnect();
    const dir = await stateWithStore();
    await runInProcess(['plan', '--base-url', BASE], { cwd: dir, env: { OPENAI_API_KEY: KEY } }); // no state: no call
    const state = {
      format_version: 1,
      lineage: '2b7c0a52-6a3f-4e8e-9d43-5b2a3c1d0e9f',
      serial: 1,
      stack: 'default',
      resources: {
        'vector_store.kb': {
          kind: 'vector_store',
          id: 'vs_1',
          attributes: { name: 'kb', expires_after: null, metadata: {} },
          dependencies: [],
          protect: false,
        },
      },
      pending: [],
    };
    const { mkdir, writeFile } = await import('node:fs/promises');
    await mkdir(`${dir}/.assistants`, { recursive: true });
    await writeFile(`${dir}/.assistants/state.json`, JSON.stringify(state));
    nock('http://127.0.0.1:9')
      .get('/v1/vector_stores')
      .query(true)
      .reply(401, {
        error: {
          message: `Incorrect API key provided: ${KEY.slice(0, 10)}**********${KEY.slice(-4)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_api_key',
        },
      });
    const run = await runInProcess(['plan', '--debug', '--base-url', BASE], {
      cwd: dir,
      env: { OPENAI_API_KEY: KEY },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error[API_UNAUTHORIZED]');
    expect(run.stderr).toContain('sk-[redacted]');
    expect(run.stderr + run.stdout).not.toContain(KEY.slice(0, 10));
    expect(run.stderr + run.stdout).not.toContain(KEY);
  });

  it('names the reason an endpoint cannot be reached', async () => {
    const dir = await workspace({
      'assistants.yaml': yaml`
        version: 1
        assistants:
          bot: { model: gpt-4o }
      `,
    });
    // A port that was free a moment ago: nothing listens, so the connection is refused at once.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const run = await runInProcess(['plan', '--base-url', `http://127.0.0.1:${port}/v1`], {
      cwd: dir,
      env: { OPENAI_API_KEY: KEY, OPENAI_MAX_RETRIES: '0' },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error[API_UNREACHABLE]');
    expect(run.stderr).toContain('ECONNREFUSED');
  });

  it('a base URL without /v1 is not blamed on the sunset alone: the error says to check the base URL', async () => {
    const dir = await workspace({
      'assistants.yaml': yaml`
        version: 1
        assistants:
          bot: { model: gpt-4o }
      `,
    });
    const emulator = await startEmulator({});
    try {
      const origin = emulator.url.replace(/\/v1$/, '');
      const run = await runInProcess(['plan', '--base-url', origin], {
        cwd: dir,
        env: { OPENAI_API_KEY: KEY, OPENAI_MAX_RETRIES: '0' },
      });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('error[ASSISTANTS_SUNSET]');
      expect(run.stderr).toContain('check that --base-url / OPENAI_BASE_URL is right');
      expect(run.stderr).toContain('`/v1`');
      expect(run.stderr).not.toContain(KEY);
    } finally {
      await emulator.close();
    }
  });
});
