import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { releaseHeldLocksSync } from '../../../src/state/held-locks.js';
import { LocalStateStore } from '../../../src/state/local-backend.js';
import { workspace } from '../../helpers/workspace.js';

async function storeIn() {
  const dir = await workspace({});
  const file = path.join(dir, '.assistants/state.json');
  return { file, store: new LocalStateStore(file) };
}

describe('releaseHeldLocksSync', () => {
  it('removes, at once, the lock files this process holds', async () => {
    const a = await storeIn();
    const b = await storeIn();
    await a.store.lock('apply', { timeoutMs: 0 });
    await b.store.lock('gc', { timeoutMs: 0 });
    releaseHeldLocksSync();
    expect(existsSync(`${a.file}.lock`)).toBe(false);
    expect(existsSync(`${b.file}.lock`)).toBe(false);
  });

  it('leaves a lock that is no longer ours (force-unlocked, then taken by another run)', async () => {
    const { file, store } = await storeIn();
    await store.lock('apply', { timeoutMs: 0 });
    await rm(`${file}.lock`);
    const theirs = JSON.stringify({
      id: 'their-id',
      operation: 'apply',
      who: 'bob@ci',
      host: 'ci',
      pid: 7,
      created: '2026-05-01T10:00:00.000Z',
    });
    await writeFile(`${file}.lock`, theirs);
    releaseHeldLocksSync();
    expect(await readFile(`${file}.lock`, 'utf8')).toBe(theirs);
  });

  it('forgets a lock released the usual way', async () => {
    const { file, store } = await storeIn();
    const lock = await store.lock('apply', { timeoutMs: 0 });
    await lock.release();
    // Taken again by this same store's next run, under a new id: only that one counts.
    const again = await store.lock('apply', { timeoutMs: 0 });
    await lock.release(); // the old handle: not ours any more, nothing happens
    expect(existsSync(`${file}.lock`)).toBe(true);
    releaseHeldLocksSync();
    expect(existsSync(`${file}.lock`)).toBe(false);
    await again.release();
  });
});
