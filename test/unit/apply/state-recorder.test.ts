import { describe, expect, it } from 'vitest';
import { StateRecorder } from '../../../src/apply/state-recorder.js';
import { MemoryStateStore } from '../../../src/state/memory-backend.js';
import { emptyState, type StateDocument } from '../../../src/state/state-document.js';

const LINEAGE = '6f1c0a6e-0000-4000-8000-000000000003';

/** A store whose writes take a while (like a fsync), so that several mutations overlap. */
class SlowStore extends MemoryStateStore {
  override async write(doc: StateDocument): Promise<StateDocument> {
    await new Promise((resolve) => setTimeout(resolve, 5));
    return super.write(doc);
  }
}

describe('StateRecorder.mutate', () => {
  it('resolves only once its own change is on disk, however the writes of others overlap', async () => {
    // Three callers: A starts a write, B and C change the document while it is in flight. When A's
    // write ends, A's own flush loop may start the next write (with B's and C's changes); B and C
    // must then wait for that write, not return because someone else took the "dirty" flag. A
    // journal entry that is not on disk when its call goes out is lost if the process dies, and the
    // next run makes the resource twice (found killing apply while it created assistants).
    for (let round = 0; round < 20; round++) {
      const store = new SlowStore();
      const lock = await store.lock('apply', { timeoutMs: 0 });
      const recorder = new StateRecorder(store, emptyState(LINEAGE, 'default'));
      const onDiskWhenResolved: Record<string, boolean> = {};
      await Promise.all(
        ['a', 'b', 'c'].map(async (name, i) => {
          await new Promise((resolve) => setTimeout(resolve, i === 0 ? 0 : 1));
          await recorder.mutate((doc) => {
            doc.pending.push({
              id: name,
              address: `assistant.${name}`,
              kind: 'assistant',
              operation: 'create',
              started_at: new Date(0).toISOString(),
            });
          });
          const stored = await store.read();
          onDiskWhenResolved[name] = stored?.pending.some((op) => op.id === name) ?? false;
        }),
      );
      expect(onDiskWhenResolved).toEqual({ a: true, b: true, c: true });
      await lock.release();
    }
  });
});

describe('StateRecorder.record and settled', () => {
  const entry = (id: string) => ({
    id,
    address: `assistant.${id}`,
    kind: 'assistant' as const,
    operation: 'create' as const,
    started_at: new Date(0).toISOString(),
  });

  it('changes the document at once, writes later, and settled waits for every write', async () => {
    const store = new SlowStore();
    const recorder = new StateRecorder(store, emptyState(LINEAGE, 'default'));
    recorder.record((doc) => doc.pending.push(entry('a')));
    recorder.record((doc) => doc.pending.push(entry('b')));
    expect(recorder.doc.pending.map((op) => op.id)).toEqual(['a', 'b']);
    expect((await store.read())?.pending ?? []).toEqual([]); // the first write is still in flight
    await recorder.settled();
    expect((await store.read())?.pending.map((op) => op.id)).toEqual(['a', 'b']);
  });

  it('reports a write that failed in the background when the run settles', async () => {
    class FailingStore extends MemoryStateStore {
      override async write(): Promise<StateDocument> {
        throw new Error('disk full');
      }
    }
    const recorder = new StateRecorder(new FailingStore(), emptyState(LINEAGE, 'default'));
    recorder.record((doc) => doc.pending.push(entry('a')));
    await expect(recorder.settled()).rejects.toThrow('disk full');
  });
});
