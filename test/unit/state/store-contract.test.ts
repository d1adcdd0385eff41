import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AssistantsError } from '../../../src/errors/index.js';
import { LocalStateStore } from '../../../src/state/local-backend.js';
import { MemoryStateStore } from '../../../src/state/memory-backend.js';
import { emptyState } from '../../../src/state/state-document.js';
import { type StateStore, withStateLock } from '../../../src/state/state-store.js';
import { openPostgresStore } from '../../helpers/postgres-state.js';
import { rejection } from '../../helpers/rejection.js';
import { LINEAGE, sampleState } from '../../helpers/state-fixtures.js';
import { workspace } from '../../helpers/workspace.js';

/**
 * The StateStore contract, run against the file backend, the in-memory fake and PostgreSQL (a real
 * server, test/postgres-global-setup.ts) alike: the fake is only worth its tests if it behaves as
 * the real ones do.
 */
const backends: [string, () => Promise<StateStore>][] = [
  [
    'LocalStateStore',
    async () => new LocalStateStore(path.join(await workspace({}), '.assistants/state.json')),
  ],
  ['MemoryStateStore', async () => new MemoryStateStore()],
  ['PostgresStateStore', async () => openPostgresStore()],
];

describe.each(backends)('%s (StateStore contract)', (_name, open) => {
  it('reads undefined before the first write', async () => {
    const store = await open();
    expect(await store.read()).toBeUndefined();
  });

  it('gives serial 1 to the first write and returns what it stored', async () => {
    const store = await open();
    const written = await store.write({ ...emptyState(LINEAGE, 'default'), serial: 12 });
    expect(written.serial).toBe(1);
    expect(await store.read()).toEqual(written);
  });

  it('bumps serial only when the content changes', async () => {
    const store = await open();
    const first = await store.write(sampleState());
    const again = await store.write({ ...sampleState(), serial: 0 });
    expect(again.serial).toBe(first.serial);
    const changed = await store.write({ ...sampleState(), stack: 'renamed' });
    expect(changed.serial).toBe(first.serial + 1);
    expect((await store.read())?.stack).toBe('renamed');
  });

  it('returns copies: mutating a returned document changes nothing stored', async () => {
    const store = await open();
    const written = await store.write(sampleState());
    written.resources = {};
    const read = await store.read();
    expect(Object.keys(read?.resources ?? {})).toHaveLength(4);
    if (read) read.stack = 'mutated';
    expect((await store.read())?.stack).toBe('support');
  });

  it('refuses a document of another lineage', async () => {
    const store = await open();
    await store.write(sampleState());
    const error = await rejection(store.write(sampleState({ lineage: 'another-lineage' })));
    expect(error.code).toBe('STATE_WRITE_FAILED');
  });

  it('lets a second lock() wait, then fail with STATE_LOCKED naming the holder', async () => {
    const store = await open();
    const held = await store.lock('apply', { timeoutMs: 0 });
    const started = Date.now();
    const error = await rejection(store.lock('state rm', { timeoutMs: 150, pollMs: 20 }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(error.code).toBe('STATE_LOCKED');
    expect(error.message).toContain(
      `${held.info.who} (pid ${process.pid}), running "apply" since ${held.info.created}`,
    );
    expect(error.message).toContain(`lock id ${held.info.id}`);
    expect(error.hint).toContain(`assistants force-unlock ${held.info.id}`);
    await held.release();
  });

  it('hands the lock to a waiter once the holder releases it', async () => {
    const store = await open();
    const held = await store.lock('apply', { timeoutMs: 0 });
    setTimeout(() => void held.release(), 60);
    const next = await store.lock('plan', { timeoutMs: 2000, pollMs: 10 });
    expect(next.info.id).not.toBe(held.info.id);
    expect(next.info.operation).toBe('plan');
    await next.release();
  });

  it('force-unlocks the right id only; release() of a lock removed meanwhile leaves the new one', async () => {
    const store = await open();
    const first = await store.lock('apply', { timeoutMs: 0 });
    const wrong = await rejection(store.forceUnlock('not-the-id', { force: true }));
    expect(wrong.code).toBe('LOCK_NOT_FOUND');
    expect(wrong.message).toContain(`locked under id ${first.info.id}, not not-the-id`);

    // The holder is this live process: a backend that can tell needs `force` (see the file backend's tests).
    expect(await store.forceUnlock(first.info.id, { force: true })).toEqual(first.info);
    const second = await store.lock('apply', { timeoutMs: 0 });
    await first.release();
    const third = await rejection(store.lock('plan', { timeoutMs: 0 }));
    expect(third.message).toContain(second.info.id);

    await second.release();
    await second.release();
    const none = await rejection(store.forceUnlock(second.info.id));
    expect(none.code).toBe('LOCK_NOT_FOUND');
    expect(none.message).toContain('is not locked');
  });

  it('withStateLock releases the lock when the work fails, and surfaces the work error', async () => {
    const store = await open();
    const failure = new AssistantsError('RESOURCE_NOT_IN_STATE', 'nope');
    await expect(
      withStateLock(store, 'state rm', { timeoutMs: 0 }, async () => Promise.reject(failure)),
    ).rejects.toBe(failure);
    const lock = await store.lock('apply', { timeoutMs: 0 });
    await lock.release();
  });
});
