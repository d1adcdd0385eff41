import { describe, expect, it } from 'vitest';
import { withJournalEntry } from '../../../src/apply/journal.js';
import { StateRecorder } from '../../../src/apply/state-recorder.js';
import { nextPollDelay, waitForBatch } from '../../../src/apply/wait-indexing.js';
import { AssistantsError } from '../../../src/errors/index.js';
import type { ApiWriter, BatchStatus } from '../../../src/provider/api-writer.js';
import { MemoryStateStore } from '../../../src/state/memory-backend.js';
import { emptyState } from '../../../src/state/state-document.js';

const LINEAGE = '00000000-0000-4000-8000-00000000000a';

describe('indexing waits', () => {
  it('backs off from 0.5 s to 5 s, and follows openai-poll-after-ms within bounds', () => {
    const delays: number[] = [];
    let previous: number | undefined;
    for (let i = 0; i < 8; i++) {
      previous = nextPollDelay(previous, undefined);
      delays.push(previous);
    }
    expect(delays).toEqual([500, 750, 1125, 1688, 2532, 3798, 5000, 5000]);
    expect(nextPollDelay(500, 250)).toBe(250);
    expect(nextPollDelay(undefined, 60_000)).toBe(5000);
    expect(nextPollDelay(undefined, 1)).toBe(100);
  });

  function fakeBatches(statuses: BatchStatus[]) {
    let calls = 0;
    const writer = {
      retrieveFileBatch: async () => statuses[Math.min(calls++, statuses.length - 1)] as BatchStatus,
    } as unknown as ApiWriter;
    return { writer, calls: () => calls };
  }
  const counts = (in_progress: number, completed: number) => ({
    in_progress,
    completed,
    failed: 0,
    cancelled: 0,
    total: in_progress + completed,
  });

  it('polls until no file is in progress, reporting each reading, on an injected clock', async () => {
    let now = 0;
    const slept: number[] = [];
    const { writer } = fakeBatches([
      { status: 'in_progress', counts: counts(2, 0) },
      { status: 'in_progress', counts: counts(1, 1), pollAfterMs: 300 },
      { status: 'completed', counts: counts(0, 2) },
    ]);
    const seen: number[] = [];
    const last = await waitForBatch(writer, 'vs_1', 'vsfb_1', (s) => seen.push(s.counts.completed), {
      timeoutMs: 60_000,
      now: () => now,
      sleep: async (ms) => {
        slept.push(ms);
        now += ms;
      },
    });
    expect(last?.status).toBe('completed');
    expect(seen).toEqual([0, 1, 2]);
    expect(slept).toEqual([500, 300]);
  });

  it('gives up with WAIT_TIMEOUT at the deadline, and stops quietly when asked to', async () => {
    let now = 0;
    const { writer } = fakeBatches([{ status: 'in_progress', counts: counts(3, 0) }]);
    const options = {
      timeoutMs: 2000,
      now: () => now,
      sleep: async (ms: number) => {
        now += ms;
      },
    };
    await expect(waitForBatch(writer, 'vs_1', 'vsfb_1', () => {}, options)).rejects.toMatchObject({
      code: 'WAIT_TIMEOUT',
    });
    const stop = new AbortController();
    stop.abort();
    const stopped = fakeBatches([{ status: 'in_progress', counts: counts(3, 0) }]);
    expect(
      await waitForBatch(stopped.writer, 'vs_1', 'b', () => {}, { ...options, stop: stop.signal }),
    ).toBeUndefined();
    expect(stopped.calls()).toBe(0);
  });
});

describe('state recorder and journal', () => {
  it('writes every change, coalescing those made while a write is in flight', async () => {
    const store = new MemoryStateStore();
    const lock = await store.lock('apply', { timeoutMs: 0 });
    const recorder = new StateRecorder(store, emptyState(LINEAGE, 'default'));
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        recorder.mutate((doc) => {
          doc.resources[`file.f${i}`] = {
            kind: 'file',
            id: `file-${i}`,
            attributes: {
              path: `f${i}`,
              filename: `f${i}`,
              purpose: 'assistants',
              bytes: 1,
              sha256: 'a'.repeat(64),
            },
            dependencies: [],
            protect: false,
          };
        }),
      ),
    );
    const stored = await store.read();
    expect(Object.keys(stored?.resources ?? {})).toHaveLength(10);
    expect(store.history.length).toBeLessThan(10);
    expect(recorder.doc.serial).toBe(stored?.serial);
    await lock.release();
  });

  it('journals before the call and records after (written by settled); a refused call takes its entry, a lost one keeps it', async () => {
    const store = new MemoryStateStore();
    const lock = await store.lock('apply', { timeoutMs: 0 });
    const recorder = new StateRecorder(store, emptyState(LINEAGE, 'default'));
    const entry = { address: 'vector_store.kb', kind: 'vector_store' as const, operation: 'create' as const };
    let pendingDuringCall = -1;
    await withJournalEntry(
      recorder,
      [entry],
      async () => {
        pendingDuringCall = (await store.read())?.pending.length ?? -1;
        return { id: 'vs_1' };
      },
      () => {},
    );
    expect(pendingDuringCall).toBe(1);
    // The result is in the document at once, and on disk once the run settles.
    expect(recorder.doc.pending).toEqual([]);
    await recorder.settled();
    expect((await store.read())?.pending).toEqual([]);

    await expect(
      withJournalEntry(
        recorder,
        [entry],
        async () => Promise.reject(new AssistantsError('API_ERROR', 'no')),
        () => {},
      ),
    ).rejects.toThrow('no');
    await recorder.settled();
    expect((await store.read())?.pending).toEqual([]);

    await expect(
      withJournalEntry(
        recorder,
        [entry],
        async () => Promise.reject(new AssistantsError('API_UNREACHABLE', 'lost')),
        () => {},
      ),
    ).rejects.toThrow('lost');
    await recorder.settled();
    expect((await store.read())?.pending).toMatchObject([
      { address: 'vector_store.kb', operation: 'create' },
    ]);
    await lock.release();
  });
});
