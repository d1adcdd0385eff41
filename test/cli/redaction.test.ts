import { type AddressInfo, createServer } from 'node:net';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { fakeKey } from '../helpers/fake-key.js';
import { NOCK_BASE_URL, NOCK_ORIGIN, useNock } from '../helpers/nock-api.js';
import { runInProcess } from '../helpers/run-cli.js';
import { sampleResources, sampleState, stateText } from '../helpers/state-fixtures.js';
import { workspace, yaml } from '../helpers/workspace.js';

/** A key of no known shape (not `sk-…`), so only its value can tell it apart in a message. */
const KEY = 'my-proj-key-Zq81Vw02Lx93Tr3xyz';
const USER = 'deploybot';
const PASSWORD = 'Hunter2-Correct-Horse';

const unmatched = useNock();

/** Every piece of 6 characters or more of the key, and the URL's user and password, that `text` shows. */
function leaks(text: string): string[] {
  const found: string[] = [];
  for (let i = 0; i + 6 <= KEY.length; i++) {
    const piece = KEY.slice(i, i + 6);
    if (text.includes(piece)) found.push(piece);
  }
  for (const secret of [USER, PASSWORD, encodeURIComponent(PASSWORD)])
    if (text.includes(secret)) found.push(secret);
  return found;
}

/** Output modes an error can take: text or JSON, with or without the --debug stack. */
const MODES: string[][] = [[], ['--json'], ['--debug'], ['--json', '--debug']];

/** A stack with a state holding a store, a file and an assistant, so that plan reads the API. */
async function stackWithState(state = sampleState()): Promise<string> {
  return workspace({
    'assistants.yaml': yaml`
      version: 1
      stack: support
      files:
        notes: { path: notes.md }
    `,
    'notes.md': '# notes\n',
    '.assistants/state.json': stateText(state),
  });
}

/**
 * A stack whose state holds one file only: plan then reads one list, and waits for all its
 * retries before it fails, so no request of one test is still on its way during the next.
 */
async function stackWithFileOnly(): Promise<string> {
  const file = sampleResources()['file.handbook'];
  if (!file) throw new Error('fixture');
  return stackWithState(sampleState({ resources: { 'file.handbook': file } }));
}

/** A port nothing listens on: a connection to it is refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('no output shows the credentials of a base URL', () => {
  it('from --base-url or OPENAI_BASE_URL, for plan and apply, in text and JSON, with and without --debug', async () => {
    nock.enableNetConnect('127.0.0.1');
    const dir = await stackWithState();
    const url = `http://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${await closedPort()}/v1`;
    const runs = [];
    for (const mode of MODES) {
      for (const command of [['plan'], ['apply', '--auto-approve']]) {
        const json = mode.includes('--json');
        if (json && command[0] === 'apply') continue; // apply has no --json
        const args = [...command, ...mode.filter((flag) => flag !== '--debug')];
        const debug = mode.includes('--debug') ? ['--debug'] : [];
        runs.push(
          [`--base-url ${mode.join(' ')} ${command[0]}`, [...debug, '--base-url', url, ...args], {}] as const,
          [
            `OPENAI_BASE_URL ${mode.join(' ')} ${command[0]}`,
            [...debug, ...args],
            { OPENAI_BASE_URL: url },
          ] as const,
        );
      }
    }
    for (const [label, argv, env] of runs) {
      const run = await runInProcess([...argv], {
        cwd: dir,
        env: { OPENAI_API_KEY: KEY, ...env },
      });
      expect(run.code, label).toBe(1);
      expect(run.stdout + run.stderr, label).toContain('BASE_URL_INVALID');
      expect(run.stdout + run.stderr, label).toContain('[redacted]@127.0.0.1');
      expect(leaks(run.stdout + run.stderr), label).toEqual([]);
    }
  });

  it('says which setting holds the credentials, before any request', async () => {
    const dir = await stackWithState();
    const url = `https://${USER}:${PASSWORD}@api.example.invalid/v1`;
    const run = await runInProcess(['plan', '--base-url', url], { cwd: dir, env: { OPENAI_API_KEY: KEY } });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      [
        'error[BASE_URL_INVALID]: --base-url holds a user name or password (https://[redacted]@api.example.invalid/v1); requests cannot be sent to a URL with credentials',
        '  = hint: remove the `user:password@` part from --base-url; the API is authenticated by OPENAI_API_KEY alone',
        '',
      ].join('\n'),
    );
    expect(unmatched).toEqual([]);
  });
});

describe('no output shows the query string or fragment of a base URL', () => {
  /** A token a proxy or gateway takes in the query string (as some Azure setups do). */
  const TOKEN = 'Passw0rdXYZ123';

  it('API_UNREACHABLE names the endpoint without them, from --base-url and OPENAI_BASE_URL, in text and JSON, with and without --debug', async () => {
    nock.enableNetConnect('127.0.0.1');
    const dir = await stackWithFileOnly();
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}/v1?api-key=${TOKEN}&x=${encodeURIComponent(`${TOKEN}/Zz9`)}#${TOKEN}-fragment`;
    // Each run waits for the SDK's retries (about 1.5 s): the settings take turns over the modes.
    for (const [index, mode] of MODES.entries()) {
      const [setting, flags, env] =
        index % 2 === 0
          ? (['--base-url', ['--base-url', url], {}] as const)
          : (['OPENAI_BASE_URL', [], { OPENAI_BASE_URL: url }] as const);
      const debug = mode.includes('--debug') ? ['--debug'] : [];
      const json = mode.includes('--json') ? ['--json'] : [];
      const run = await runInProcess([...debug, ...flags, 'plan', ...json], {
        cwd: dir,
        env: { OPENAI_API_KEY: KEY, ...env },
      });
      const label = `${setting} ${mode.join(' ')}`;
      const output = run.stdout + run.stderr;
      expect(run.code, label).toBe(1);
      expect(output, label).toContain('API_UNREACHABLE');
      expect(output, label).toContain(`cannot reach the API at http://127.0.0.1:${port}/v1 (`);
      expect(output, label).not.toContain(TOKEN);
      expect(output, label).not.toContain('api-key=');
      expect(output, label).not.toContain('fragment');
      expect(leaks(output), label).toEqual([]);
    }
  });

  it('the values of its query parameters are taken out wherever they appear', async () => {
    const dir = await stackWithState();
    // The SDK appends each path after the query string, so every request goes to /v1.
    nock(NOCK_ORIGIN)
      .persist()
      .get('/v1')
      .query(true)
      .reply(400, {
        error: {
          message: `gateway refused token ${TOKEN} for this route`,
          type: 'invalid_request_error',
          param: null,
          code: null,
        },
      });
    for (const mode of MODES) {
      const debug = mode.includes('--debug') ? ['--debug'] : [];
      const json = mode.includes('--json') ? ['--json'] : [];
      const run = await runInProcess(
        [...debug, 'plan', ...json, '--base-url', `${NOCK_BASE_URL}?token=${TOKEN}`],
        {
          cwd: dir,
          env: { OPENAI_API_KEY: KEY },
        },
      );
      const label = mode.join(' ');
      expect(run.code, label).toBe(1);
      expect(run.stdout + run.stderr, label).toContain('gateway refused token [redacted] for this route');
      expect(run.stdout + run.stderr, label).not.toContain(TOKEN);
    }
    expect(unmatched).toEqual([]);
  });
});

describe('a base URL that is no http(s) URL is never echoed', () => {
  const TOKEN = 'Passw0rdXYZ123';

  it('names the setting and what is wrong, in text and JSON, with and without --debug', async () => {
    const dir = await stackWithState();
    const values = [
      TOKEN,
      `javascript:alert('${TOKEN}')`,
      `${TOKEN}:rest`,
      `ftp://${TOKEN}.example/v1`,
      `127.0.0.1:4010/v1?key=${TOKEN}`,
      `//${TOKEN}@127.0.0.1/v1`,
    ];
    for (const value of values) {
      for (const mode of MODES) {
        for (const [setting, flags, env] of [
          ['--base-url', ['--base-url', value], {}],
          ['OPENAI_BASE_URL', [], { OPENAI_BASE_URL: value }],
        ] as const) {
          const debug = mode.includes('--debug') ? ['--debug'] : [];
          const json = mode.includes('--json') ? ['--json'] : [];
          const run = await runInProcess([...debug, ...flags, 'plan', ...json], {
            cwd: dir,
            env: { OPENAI_API_KEY: KEY, ...env },
          });
          const label = `${setting}=${value} ${mode.join(' ')}`;
          const output = run.stdout + run.stderr;
          expect(run.code, label).toBe(1);
          expect(output, label).toContain('BASE_URL_INVALID');
          expect(output, label).toMatch(
            new RegExp(`${setting} (is not a URL|must start with http:// or https://)`),
          );
          expect(output, label).not.toContain(TOKEN);
          expect(output, label).not.toContain('javascript');
        }
      }
    }
    expect(unmatched).toEqual([]);
  });
});

describe('no output shows the key a server echoes back', () => {
  const echoes = [
    `Incorrect API key provided: ${KEY.slice(0, 9)}*********${KEY.slice(-4)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
    `API key ${KEY.slice(0, 4)}****${KEY.slice(-4)} is not valid for this project`,
    `API key '${KEY.slice(0, 7)}…${KEY.slice(-5)}' is not valid`,
    `API key ${KEY} is not valid`,
    // Quoted as a plain prefix, with no mask, or a piece of the middle: 8 characters are enough.
    `Incorrect API key provided: ${KEY.slice(0, 18)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
    `API key is not valid: it contains "${KEY.slice(9, 17)}"`,
  ];

  it('in a refresh (plan), in text and JSON, with and without --debug', async () => {
    const dir = await stackWithState();
    for (const echo of echoes) {
      for (const mode of MODES) {
        nock(NOCK_ORIGIN)
          .get(/^\/v1\/(files|vector_stores|assistants)/)
          .times(3)
          .reply(401, {
            error: { message: echo, type: 'invalid_request_error', param: null, code: 'invalid_api_key' },
          });
        const debug = mode.includes('--debug') ? ['--debug'] : [];
        const json = mode.includes('--json') ? ['--json'] : [];
        const run = await runInProcess([...debug, 'plan', ...json, '--base-url', NOCK_BASE_URL], {
          cwd: dir,
          env: { OPENAI_API_KEY: KEY },
        });
        const label = `${echo} ${mode.join(' ')}`;
        expect(run.code, label).toBe(1);
        expect(run.stdout + run.stderr, label).toContain('API_UNAUTHORIZED');
        // The rest of the server's message stays: it says what is wrong.
        expect(run.stdout + run.stderr, label).toMatch(/Incorrect API key provided|is not valid/);
        expect(leaks(run.stdout + run.stderr), label).toEqual([]);
        nock.cleanAll();
      }
    }
  });

  it('in apply progress lines and the errors after them, with and without --debug', async () => {
    for (const echo of echoes) {
      for (const debug of [[], ['--debug']]) {
        const dir = await workspace({
          'assistants.yaml': yaml`
            version: 1
            files:
              notes: { path: notes.md }
          `,
          'notes.md': '# notes\n',
        });
        nock(NOCK_ORIGIN)
          .persist()
          .post('/v1/files')
          .reply(401, {
            error: { message: echo, type: 'invalid_request_error', param: null, code: 'invalid_api_key' },
          });
        const run = await runInProcess([...debug, 'apply', '--auto-approve', '--base-url', NOCK_BASE_URL], {
          cwd: dir,
          env: { OPENAI_API_KEY: KEY },
        });
        const label = `${echo} ${debug.join(' ')}`;
        expect(run.code, label).toBe(1);
        expect(run.stdout, label).toContain('FAILED to create: API_UNAUTHORIZED');
        expect(run.stderr, label).toContain('error[API_UNAUTHORIZED]');
        expect(leaks(run.stdout + run.stderr), label).toEqual([]);
        expect(unmatched, label).toEqual([]);
        nock.cleanAll();
      }
    }
  });
});

describe('data written for machines keeps what only looks like a secret', () => {
  it('state show --json and plan --json keep a user URL with a user name, and a sample key string, as written', async () => {
    const instructions = `Query postgres://app@db.internal/sales, clone ssh://git@github.com/acme/kb.git; never print ${fakeKey('sk-', 24, 'sample')}.`;
    const state = sampleState();
    const bot = state.resources['assistant.support-bot'];
    if (bot?.kind !== 'assistant') throw new Error('fixture');
    bot.attributes = { ...bot.attributes, instructions };
    const dir = await workspace({
      'assistants.yaml': `version: 1\nstack: support\nassistants:\n  support-bot:\n    model: gpt-4o\n    instructions: ${JSON.stringify(instructions)}\n`,
      '.assistants/state.json': stateText(state),
    });
    const env = { OPENAI_API_KEY: KEY };
    const show = await runInProcess(['state', 'show', 'assistant.support-bot', '--json'], { cwd: dir, env });
    expect(show.code).toBe(0);
    expect(JSON.parse(show.stdout).attributes.instructions).toBe(instructions);
    const plan = await runInProcess(['plan', '--json', '--refresh=false'], { cwd: dir, env });
    expect(plan.stdout).toContain(JSON.stringify(instructions));
    // The key itself is still taken out of data output.
    const leaked = await runInProcess(['state', 'show', 'assistant.support-bot', '--json'], {
      cwd: dir,
      env: { OPENAI_API_KEY: 'postgres://app@db.internal' },
    });
    expect(leaked.stdout).not.toContain('postgres://app@db.internal');
  });
});
