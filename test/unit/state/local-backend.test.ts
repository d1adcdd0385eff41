import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalStateStore } from '../../../src/state/local-backend.js';
import { serializeState } from '../../../src/state/state-codec.js';
import type { LockInfo } from '../../../src/state/state-store.js';
import { deadPid, liveProcess } from '../../helpers/processes.js';
import { rejection } from '../../helpers/rejection.js';
import { sampleState, stateText } from '../../helpers/state-fixtures.js';
import { type FileSpec, workspace } from '../../helpers/workspace.js';

async function storeIn(files: Record<string, FileSpec> = {}) {
  const dir = await workspace(files);
  const file = path.join(dir, '.assistants/state.json');
  return { dir, file, store: new LocalStateStore(file, { location: '.assistants/state.json' }) };
}

/** A named pipe at `file`: opening it for reading blocks until a writer comes, unless done with care. */
function mkfifo(file: string): void {
  execFileSync('mkfifo', [file]);
}

function lockText(info: Partial<LockInfo>): string {
  return JSON.stringify({
    id: 'held-lock-id',
    operation: 'apply',
    who: 'alice@elsewhere',
    host: hostname(),
    pid: 1,
    created: '2026-05-01T10:00:00.000Z',
    ...info,
  });
}

describe('LocalStateStore writes', () => {
  it('creates the folder and writes mode 0600 text: sorted, 2-space indent, trailing newline', async () => {
    const { file, store } = await storeIn();
    const written = await store.write(sampleState());
    const text = await readFile(file, 'utf8');
    expect(text).toBe(serializeState(written));
    expect(text.endsWith('\n')).toBe(true);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(path.dirname(file))).toEqual(['state.json']);
  });

  it('keeps the previous version as .backup and leaves no temp file', async () => {
    const { file, store } = await storeIn();
    await store.write(sampleState());
    const first = await readFile(file, 'utf8');
    const second = await store.write(sampleState({ stack: 'renamed' }));
    expect(second.serial).toBe(2);
    expect(await readFile(`${file}.backup`, 'utf8')).toBe(first);
    expect((await stat(`${file}.backup`)).mode & 0o777).toBe(0o600);
    expect((await readdir(path.dirname(file))).sort()).toEqual(['state.json', 'state.json.backup']);
  });

  it('writes nothing at all when the content is unchanged', async () => {
    const { file, store } = await storeIn();
    await store.write(sampleState());
    const before = await stat(file);
    const same = await store.write({ ...sampleState(), serial: 40 });
    expect(same.serial).toBe(1);
    const after = await stat(file);
    expect(after.ino).toBe(before.ino);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect(await readdir(path.dirname(file))).toEqual(['state.json']);
  });

  it('fails with STATE_NOT_A_FILE for a folder at the backup path, removes its temp file and leaves the state as it was', async () => {
    const { file, store } = await storeIn();
    await store.write(sampleState());
    const before = await readFile(file, 'utf8');
    // A folder where the backup goes: the backup fails after the temp file is written.
    await mkdir(`${file}.backup`);
    const error = await rejection(store.write(sampleState({ stack: 'renamed' })));
    expect(error.code).toBe('STATE_NOT_A_FILE');
    expect(error.message).toBe(
      'the state backup .assistants/state.json.backup is a folder, not a regular file',
    );
    expect(await readFile(file, 'utf8')).toBe(before);
    expect((await readdir(path.dirname(file))).sort()).toEqual(['state.json', 'state.json.backup']);
  });

  it('never writes over a corrupt state', async () => {
    const corrupt = '{"format_version": 1, "lineage": \n';
    const { file, store } = await storeIn({ '.assistants/state.json': corrupt });
    expect((await rejection(store.write(sampleState()))).code).toBe('STATE_CORRUPT');
    expect(await readFile(file, 'utf8')).toBe(corrupt);
  });

  it('refuses a relative path', () => {
    expect(() => new LocalStateStore('state.json')).toThrow(/absolute path/);
  });
});

describe('LocalStateStore reads', () => {
  it('leaves a corrupt file untouched, byte for byte, and points at the backup', async () => {
    // A byte-order mark, a hex number on line 3, then bytes that are not UTF-8 at all.
    const corrupt = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('{\n  "format_version": 1,\n  "serial": 0x10\n}\n'),
      Buffer.from([0x00, 0xff, 0xfe]),
    ]);
    const { file, store } = await storeIn({ '.assistants/state.json.backup': stateText(sampleState()) });
    await writeFile(file, corrupt);
    const before = await stat(file);
    const error = await rejection(store.read());
    expect(error.code).toBe('STATE_CORRUPT');
    expect(error.location).toMatchObject({ file: '.assistants/state.json', line: 3 });
    expect(error.hint).toContain('the version the last run started from is in .assistants/state.json.backup');
    expect(error.hint).not.toMatch(/delete|remove/i);
    expect(Buffer.compare(await readFile(file), corrupt)).toBe(0);
    expect((await stat(file)).mtimeMs).toBe(before.mtimeMs);
    expect((await readdir(path.dirname(file))).sort()).toEqual(['state.json', 'state.json.backup']);
  });

  it('says to keep the file when there is no backup', async () => {
    const { store } = await storeIn({ '.assistants/state.json': 'nope' });
    expect((await rejection(store.read())).hint).toMatch(/keep it/);
  });

  it('refuses a newer format without touching it', async () => {
    const newer = stateText({ ...sampleState(), format_version: 5 });
    const { file, store } = await storeIn({ '.assistants/state.json': newer });
    const error = await rejection(store.read());
    expect(error.code).toBe('STATE_VERSION_UNSUPPORTED');
    expect(error.message).toContain('format_version 5');
    expect(error.message).toContain('format_version 4 and older');
    expect(await readFile(file, 'utf8')).toBe(newer);
  });

  it('reports a state path that is a folder as not a file', async () => {
    const { store } = await storeIn({ '.assistants/state.json': { dir: true } });
    const error = await rejection(store.read());
    expect(error.code).toBe('STATE_NOT_A_FILE');
    expect(error.message).toBe('the state file .assistants/state.json is a folder, not a regular file');
  });
});

describe('LocalStateStore lock', () => {
  it('writes the lock file with who, host, pid, operation, created and a uuid; release removes it', async () => {
    const { file, store } = await storeIn();
    const lock = await store.lock('apply', { timeoutMs: 0 });
    const onDisk = JSON.parse(await readFile(`${file}.lock`, 'utf8')) as LockInfo;
    expect(onDisk).toEqual(lock.info);
    expect(onDisk).toMatchObject({ operation: 'apply', host: hostname(), pid: process.pid });
    expect(onDisk.who).toMatch(/.+@.+/);
    expect(onDisk.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Number.isNaN(Date.parse(onDisk.created))).toBe(false);
    expect((await stat(`${file}.lock`)).mode & 0o777).toBe(0o600);
    await lock.release();
    expect(await readdir(path.dirname(file))).toEqual([]);
  });

  it('waits for a live holder of this host, then fails naming it; the lock stays', async () => {
    const holder = await liveProcess();
    const lock = lockText({ pid: holder.pid });
    const { file, store } = await storeIn({ '.assistants/state.json.lock': lock });
    const started = Date.now();
    const error = await rejection(store.lock('state rm', { timeoutMs: 300, pollMs: 50 }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(error.code).toBe('STATE_LOCKED');
    expect(error.message).toBe(
      `.assistants/state.json is locked by alice@elsewhere (pid ${holder.pid}), running "apply" since 2026-05-01T10:00:00.000Z; lock id held-lock-id (waited ${error.message.match(/waited (\d+ms)/)?.[1]})`,
    );
    expect(error.hint).toContain('assistants force-unlock held-lock-id');
    expect(await readFile(`${file}.lock`, 'utf8')).toBe(lock);
  });

  it('reclaims the lock of a dead process of this host', async () => {
    const pid = await deadPid();
    const { file, store } = await storeIn({ '.assistants/state.json.lock': lockText({ pid }) });
    const lock = await store.lock('apply', { timeoutMs: 0 });
    expect(lock.info.id).not.toBe('held-lock-id');
    expect(JSON.parse(await readFile(`${file}.lock`, 'utf8'))).toEqual(lock.info);
    await lock.release();
    expect(await readdir(path.dirname(file))).toEqual([]);
  });

  it('never reclaims a lock of another host, even with a pid that is not running here', async () => {
    const pid = await deadPid();
    const { store } = await storeIn({ '.assistants/state.json.lock': lockText({ pid, host: 'other-host' }) });
    const error = await rejection(store.lock('apply', { timeoutMs: 0 }));
    expect(error.code).toBe('STATE_LOCKED');
    expect(error.message).toContain(`alice@elsewhere (pid ${pid})`);
  });

  it('counts an unreadable (half-written) lock as held by an unknown holder', async () => {
    const { file, store } = await storeIn({ '.assistants/state.json.lock': '{"id": "abc", "pi' });
    const error = await rejection(store.lock('apply', { timeoutMs: 60, pollMs: 20 }));
    expect(error.code).toBe('STATE_LOCKED');
    expect(error.message).toContain(
      'locked by an unknown holder: the lock .assistants/state.json.lock cannot be read',
    );
    expect(error.hint).toContain('remove .assistants/state.json.lock by hand');
    expect(await readFile(`${file}.lock`, 'utf8')).toBe('{"id": "abc", "pi');
    const unlock = await rejection(store.forceUnlock('abc'));
    expect(unlock.code).toBe('LOCK_NOT_FOUND');
    expect(unlock.message).toContain('cannot be read');
  });

  it('force-unlocks a lock of another process by its id, and names the holder for a wrong id', async () => {
    const pid = await deadPid();
    const { file, store } = await storeIn({ '.assistants/state.json.lock': lockText({ pid }) });
    const wrong = await rejection(store.forceUnlock('some-other-id'));
    expect(wrong.code).toBe('LOCK_NOT_FOUND');
    expect(wrong.message).toBe(
      `.assistants/state.json is locked under id held-lock-id, not some-other-id: held by alice@elsewhere (pid ${pid}), running "apply" since 2026-05-01T10:00:00.000Z; lock id held-lock-id`,
    );
    expect(await store.forceUnlock('held-lock-id')).toMatchObject({ id: 'held-lock-id', pid });
    expect(await readdir(path.dirname(file))).toEqual([]);
    const none = await rejection(store.forceUnlock('held-lock-id'));
    expect(none.message).toBe(
      '.assistants/state.json is not locked: there is no lock held-lock-id to remove',
    );
  });
});

describe('LocalStateStore force-unlock and the holder still running', () => {
  it('refuses the lock of a live process of this host unless forced, naming it and --force', async () => {
    const holder = await liveProcess();
    const lock = lockText({ pid: holder.pid });
    const { file, store } = await storeIn({ '.assistants/state.json.lock': lock });
    const error = await rejection(store.forceUnlock('held-lock-id'));
    expect(error.code).toBe('LOCK_HOLDER_ALIVE');
    expect(error.message).toBe(
      `.assistants/state.json is locked by alice@elsewhere (pid ${holder.pid}), running "apply" since 2026-05-01T10:00:00.000Z; lock id held-lock-id, and that process (pid ${holder.pid}) is still running on this host: the lock was left in place`,
    );
    expect(error.hint).toContain('assistants force-unlock held-lock-id --force');
    expect(await readFile(`${file}.lock`, 'utf8')).toBe(lock);

    expect(await store.forceUnlock('held-lock-id', { force: true })).toMatchObject({ pid: holder.pid });
    expect(await readdir(path.dirname(file))).toEqual([]);
  });

  it('removes the lock of another host without a liveness check it cannot make', async () => {
    const holder = await liveProcess();
    const { file, store } = await storeIn({
      '.assistants/state.json.lock': lockText({ pid: holder.pid, host: 'other-host' }),
    });
    expect(await store.forceUnlock('held-lock-id')).toMatchObject({ host: 'other-host' });
    expect(await readdir(path.dirname(file))).toEqual([]);
  });
});

describe('LocalStateStore: its files must be regular files', () => {
  it('reports a named pipe at the state, lock or backup path at once, naming it, instead of hanging', async () => {
    for (const [rel, operation, message] of [
      [
        'state.json',
        'read',
        'the state file .assistants/state.json is a named pipe (FIFO), not a regular file',
      ],
      [
        'state.json.lock',
        'lock',
        'the lock .assistants/state.json.lock is a named pipe (FIFO), not a regular file',
      ],
      [
        'state.json.backup',
        'write',
        'the state backup .assistants/state.json.backup is a named pipe (FIFO), not a regular file',
      ],
    ] as const) {
      const { dir, store } = await storeIn(
        rel === 'state.json.backup' ? { '.assistants/state.json': stateText(sampleState()) } : {},
      );
      await mkdir(path.join(dir, '.assistants'), { recursive: true });
      mkfifo(path.join(dir, '.assistants', rel));
      const run =
        operation === 'read'
          ? store.read()
          : operation === 'lock'
            ? store.lock('apply', { timeoutMs: 0 })
            : store.write(sampleState({ stack: 'renamed' }));
      const error = await rejection(run);
      expect(error.code, rel).toBe('STATE_NOT_A_FILE');
      expect(error.message, rel).toBe(message);
    }
  });

  it('names the file above a state path whose folder is a file', async () => {
    const { dir } = await storeIn({ 'plain.txt': 'x' });
    const store = new LocalStateStore(path.join(dir, 'plain.txt', 'state.json'), {
      location: 'plain.txt/state.json',
    });
    for (const run of [() => store.read(), () => store.lock('apply', { timeoutMs: 0 })]) {
      const error = await rejection(run());
      expect(error.code).toBe('STATE_NOT_A_FILE');
      expect(error.message).toMatch(
        /^the (state file|lock) plain\.txt\/state\.json(\.lock)? cannot exist: plain\.txt is a file, not a folder$/,
      );
    }
  });

  it('reports a link that leads nowhere at the lock path instead of spinning', async () => {
    const { dir, store } = await storeIn({ '.assistants/state.json.lock': { symlink: 'missing-target' } });
    const error = await rejection(store.lock('apply', { timeoutMs: 0 }));
    expect(error.code).toBe('STATE_NOT_A_FILE');
    expect(error.message).toBe(
      'the lock .assistants/state.json.lock is a symbolic link that leads nowhere, not a regular file',
    );
    expect(await readdir(path.join(dir, '.assistants'))).toEqual(['state.json.lock']);
  });
});
