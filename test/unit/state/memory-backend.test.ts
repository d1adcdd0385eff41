import { describe, expect, it } from 'vitest';
import { UNKNOWN } from '../../../src/model/attributes.js';
import { MemoryStateStore } from '../../../src/state/memory-backend.js';
import type { StateDocument } from '../../../src/state/state-document.js';
import { rejection } from '../../helpers/rejection.js';
import { sampleState } from '../../helpers/state-fixtures.js';

// The StateStore contract itself (serial rule, lineage, lock wait and fail, force-unlock) runs
// against this fake and the file backend alike in store-contract.test.ts; these are its extras.

describe('MemoryStateStore', () => {
  it('starts from an initial document, keeping its serial', async () => {
    const store = new MemoryStateStore({ initial: sampleState({ serial: 9 }) });
    expect(await store.read()).toEqual(sampleState({ serial: 9 }));
    expect((await store.write(sampleState({ stack: 'next' }))).serial).toBe(10);
  });

  it('records every document written, and not the writes that changed nothing', async () => {
    const store = new MemoryStateStore();
    await store.write(sampleState());
    await store.write(sampleState());
    await store.write(sampleState({ stack: 'b' }));
    expect(store.history.map((d) => [d.serial, d.stack])).toEqual([
      [1, 'support'],
      [2, 'b'],
    ]);
    const copy = store.history[0];
    if (copy) copy.resources = {};
    expect(Object.keys(store.history[0]?.resources ?? {})).toHaveLength(4);
  });

  it('refuses, as the file backend does, a document it could not store as JSON', async () => {
    const store = new MemoryStateStore({ location: 'test state' });
    const doc: StateDocument = sampleState();
    const assistant = doc.resources['assistant.support-bot'];
    if (assistant?.kind !== 'assistant') throw new Error('fixture');
    assistant.attributes.tool_resources = { file_search: { vector_store_ids: [UNKNOWN] } };
    const error = await rejection(store.write(doc));
    expect(error).toMatchObject({ code: 'STATE_WRITE_FAILED', kind: 'internal' });
    expect(error.message).toContain('refusing to write test state');
    expect(error.message).toContain('vector_store_ids[0] must be a string, not null');
    expect(await store.read()).toBeUndefined();
    expect(store.history).toEqual([]);
  });

  it('names its location in lock messages and shows the holder', async () => {
    const store = new MemoryStateStore({ location: 'test state' });
    expect(store.lockHolder).toBeUndefined();
    const lock = await store.lock('apply', { timeoutMs: 0 });
    expect(store.lockHolder).toEqual(lock.info);
    const error = await rejection(store.lock('plan', { timeoutMs: 30, pollMs: 5 }));
    expect(error.code).toBe('STATE_LOCKED');
    expect(error.message).toMatch(
      /^test state is locked by .+ running "apply" since .+; lock id [0-9a-f-]{36} \(waited \d+ms\)$/,
    );
    await lock.release();
    expect(store.lockHolder).toBeUndefined();
  });
});
