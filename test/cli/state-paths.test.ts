import { execFile, execFileSync } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it, onTestFinished } from 'vitest';
import { BIN } from '../helpers/apply-process.js';
import { sampleState, stateText } from '../helpers/state-fixtures.js';
import { workspace, yaml } from '../helpers/workspace.js';

// A state path, lock path or hash-cache path that is not a regular file must end the run with a
// clear, coded error naming it. A named pipe is the sharp case: opening one to read blocks until
// a writer comes, so the run would hang for ever. These run the real binary, killed if it hangs.

const run = promisify(execFile);
/** Far beyond what an error needs, even on a busy machine; a hang is for ever. */
const HANG_MS = 10_000;
const BASE_URL = 'http://127.0.0.1:9/v1';

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

async function assistants(args: string[], cwd: string): Promise<Exit> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      cwd,
      env: { PATH: process.env.PATH, OPENAI_API_KEY: 'sk-test', NO_COLOR: '1', CI: 'true' },
      timeout: HANG_MS,
      killSignal: 'SIGKILL',
    });
    return { code: 0, signal: null, stdout, stderr };
  } catch (err) {
    const e = err as Exit;
    return { code: e.code, signal: e.signal, stdout: e.stdout, stderr: e.stderr };
  }
}

/** The commands that read the state, take its lock or use its hash cache, with `--state` as given. */
function commands(state: string[] = []): string[][] {
  return [
    [...state, 'state', 'list'],
    [...state, 'plan', '--base-url', BASE_URL],
    [...state, 'apply', '--auto-approve', '--base-url', BASE_URL],
  ];
}

async function stack(): Promise<string> {
  const dir = await workspace({
    'assistants.yaml': yaml`
      version: 1
      files:
        notes: { path: notes.md }
    `,
    'notes.md': '# notes\n',
  });
  await mkdir(path.join(dir, '.assistants'));
  return dir;
}

function mkfifo(file: string): void {
  execFileSync('mkfifo', [file]);
}

async function socketAt(file: string): Promise<void> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(file, resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
}

/** Runs each command and expects a STATE_NOT_A_FILE exit naming `message`, never a hang. */
async function expectRefused(dir: string, argvs: string[][], message: string): Promise<void> {
  for (const argv of argvs) {
    const exit = await assistants(argv, dir);
    const label = argv.join(' ');
    expect(exit.signal, `${label}: killed after ${HANG_MS} ms, so it hung`).toBeNull();
    expect(exit.code, label).toBe(1);
    expect(exit.stderr, label).toContain(`error[STATE_NOT_A_FILE]: ${message}`);
    expect(exit.stderr, label).not.toMatch(/\n\s+at /); // no stack trace
  }
}

describe('a state path that is not a regular file is a clear error, never a hang', () => {
  it('a named pipe at the state path: state list, plan and apply', async () => {
    const dir = await stack();
    mkfifo(path.join(dir, '.assistants/state.json'));
    await expectRefused(
      dir,
      commands(),
      'the state file .assistants/state.json is a named pipe (FIFO), not a regular file',
    );
  });

  it('a named pipe at the lock path: plan, apply and state rm', async () => {
    const dir = await stack();
    await writeFile(path.join(dir, '.assistants/state.json'), stateText(sampleState({ stack: 'default' })));
    mkfifo(path.join(dir, '.assistants/state.json.lock'));
    await expectRefused(
      dir,
      [...commands().slice(1), ['state', 'rm', 'file.handbook']],
      'the lock .assistants/state.json.lock is a named pipe (FIFO), not a regular file',
    );
  });

  it('a named pipe at the hash cache beside the state: plan and apply', async () => {
    const dir = await stack();
    const cache = path.join(dir, '.assistants/state.json.hashes.json');
    mkfifo(cache);
    await expectRefused(
      dir,
      commands().slice(1),
      `the hash cache ${cache} is a named pipe (FIFO), not a regular file`,
    );
    // The lock taken by apply was released on the way out.
    expect((await readdir(path.join(dir, '.assistants'))).sort()).toEqual(['state.json.hashes.json']);
  });

  it('a folder at the state path', async () => {
    const dir = await stack();
    await mkdir(path.join(dir, 'folder'));
    await expectRefused(
      dir,
      commands(['--state', 'folder']),
      'the state file folder is a folder, not a regular file',
    );
  });

  it('a socket or a device at the state path', async () => {
    const dir = await stack();
    await socketAt(path.join(dir, 'sock'));
    await expectRefused(
      dir,
      commands(['--state', 'sock']).slice(0, 2),
      'the state file sock is a socket, not a regular file',
    );
    await expectRefused(
      dir,
      commands(['--state', '/dev/null']).slice(0, 1),
      'the state file /dev/null is a character device, not a regular file',
    );
  });

  it('a state path whose folder is a file', async () => {
    const dir = await stack();
    await writeFile(path.join(dir, 'plain.txt'), 'not a folder\n');
    await expectRefused(
      dir,
      commands(['--state', 'plain.txt/state.json']).slice(0, 1),
      'the state file plain.txt/state.json cannot exist: plain.txt is a file, not a folder',
    );
    // plan and apply take the lock first, so the lock is what they name.
    await expectRefused(
      dir,
      commands(['--state', 'plain.txt/state.json']).slice(1),
      'the lock plain.txt/state.json.lock cannot exist: plain.txt is a file, not a folder',
    );
  });
});
