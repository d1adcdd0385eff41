import { describe, expect, it } from 'vitest';
import { AHEAD_GROUP, EntriesAhead } from '../../../src/apply/journal.js';
import { StateRecorder } from '../../../src/apply/state-recorder.js';
import type { JournalBase, JournalEvent } from '../../../src/state/journal-log.js';
import { MemoryStateStore } from '../../../src/state/memory-backend.js';
import { emptyState } from '../../../src/state/state-document.js';

const LINEAGE = '6f1c0a6e-0000-4000-8000-000000000003';

/** A store whose appends take a while (like a fsync), so that several mutations overlap. */
class SlowStore extends MemoryStateStore {
  override async appendJournal(on: JournalBase, events: readonly JournalEvent[]): Promise<number> {
    // Read at once, as the real stores do; on disk only later.
    const text = JSON.stringify(events);
    await new Promise((resolve) => setTimeout(resolve, 5));
    return super.appendJournal(on, JSON.parse(text));
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

  it('fails settled when the write fails, and writes the changes at the next try', async () => {
    let failures = 1;
    class FlakyStore extends MemoryStateStore {
      override async appendJournal(on: JournalBase, events: readonly JournalEvent[]): Promise<number> {
        if (failures-- > 0) throw new Error('disk full');
        return super.appendJournal(on, events);
      }
    }
    const store = new FlakyStore();
    const recorder = new StateRecorder(store, emptyState(LINEAGE, 'default'));
    recorder.record((doc) => doc.pending.push(entry('a')));
    await expect(recorder.settled()).rejects.toThrow('disk full');
    await recorder.settled();
    expect((await store.read())?.pending.map((op) => op.id)).toEqual(['a']);
  });
});

describe('EntriesAhead', () => {
  const entry = (n: number) => ({
    address: `file.f${n}`,
    kind: 'file' as const,
    operation: 'create' as const,
  });

  it('journals calls in groups, each just before its first call, and drops what was not sent', async () => {
    const store = new MemoryStateStore();
    const recorder = new StateRecorder(store, emptyState(LINEAGE, 'default'));
    const journal = new EntriesAhead(
      recorder,
      Array.from({ length: AHEAD_GROUP * 2 + 5 }, (_, n) => entry(n)),
    );

    const first = await journal.take(0);
    expect(store.appends).toBe(1); // one append for the first group, none for the others yet
    expect((await store.read())?.pending).toHaveLength(AHEAD_GROUP);
    await journal.take(AHEAD_GROUP * 2 + 1); // the third group: its own append
    expect(store.appends).toBe(2);
    expect(recorder.doc.pending.find((op) => op.id === first)?.address).toBe('file.f0');

    journal.end(); // every entry written but not taken goes
    await recorder.settled();
    expect((await store.read())?.pending.map((op) => op.address).sort()).toEqual(['file.f0', 'file.f201']);
  });
});

describe('withJournalEntry: what a failed call leaves in the journal', () => {
  it('drops the entry of a call that surely failed, and keeps the one whose outcome is unknown', async () => {
    const { withJournalEntry } = await import('../../../src/apply/journal.js');
    const { AssistantsError } = await import('../../../src/errors/index.js');
    const store = new MemoryStateStore();
    const recorder = new StateRecorder(store, emptyState(LINEAGE, 'default'));
    const entry = { address: 'file.a', kind: 'file' as const, operation: 'create' as const };
    const refused = new AssistantsError('API_ERROR', 'POST /files failed with 400');
    await expect(
      withJournalEntry(
        recorder,
        [entry],
        () => Promise.reject(refused),
        () => {},
      ),
    ).rejects.toBe(refused);
    await recorder.settled();
    expect(recorder.doc.pending).toEqual([]);

    // The connection was lost on an earlier attempt and the lookup met the quota: it may exist.
    const unknown = new AssistantsError('API_QUOTA_EXCEEDED', 'GET /files was refused').withUnknownOutcome();
    await expect(
      withJournalEntry(
        recorder,
        [entry],
        () => Promise.reject(unknown),
        () => {},
      ),
    ).rejects.toBe(unknown);
    await recorder.settled();
    expect(recorder.doc.pending.map((op) => op.address)).toEqual(['file.a']);
    expect((await store.read())?.pending.map((op) => op.address)).toEqual(['file.a']);
  });
});

describe('StateRecorder and the journal log', () => {
  it('appends one event per change (started, then the result with its entry settled) and writes the whole state once, at settled', async () => {
    const { withJournalEntry } = await import('../../../src/apply/journal.js');
    const store = new MemoryStateStore();
    const recorder = new StateRecorder(store, emptyState(LINEAGE, 'default'));
    const resource = {
      kind: 'file' as const,
      id: 'file-1',
      protect: false,
      dependencies: [],
      attributes: {
        path: 'a.md',
        filename: 'a.md',
        purpose: 'assistants' as const,
        bytes: 1,
        sha256: 'a'.repeat(64),
      },
    };
    for (const name of ['a', 'b'])
      await withJournalEntry(
        recorder,
        [{ address: `file.${name}`, kind: 'file', operation: 'create' }],
        async () => `file-${name}`,
        (doc, id) => {
          doc.resources[`file.${name}`] = { ...resource, id };
        },
      );
    await recorder.mutate((doc) => {
      delete doc.resources['file.a'];
    });
    const journal = await store.journalText;
    expect(store.history).toHaveLength(0); // nothing but appends so far
    const events = journal
      ?.trim()
      .split('\n')
      .slice(1)
      .map((line) => JSON.parse(line));
    expect(events?.map((e) => Object.keys(e).sort().join(','))).toEqual([
      'seq,started',
      'recorded,seq,settled',
      'seq,started',
      'recorded,seq,settled',
      'removed,seq',
    ]);
    expect(events?.[1].recorded['file.a'].id).toBe('file-a');
    expect(events?.[1].settled).toEqual([events?.[0].started[0].id]);
    expect(events?.[4].removed).toEqual(['file.a']);

    await recorder.settled();
    expect(store.history).toHaveLength(1);
    expect(store.journalText).toBeUndefined();
    expect(Object.keys(store.history[0]?.resources ?? {})).toEqual(['file.b']);
    expect(recorder.doc.serial).toBe(5);
  });
});
