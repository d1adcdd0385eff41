import { randomUUID } from 'node:crypto';
import { AssistantsError } from '../errors/index.js';
import type { PendingOperation, StateDocument } from '../state/state-document.js';
import type { StateRecorder } from './state-recorder.js';

export type JournalEntry = Omit<PendingOperation, 'id' | 'started_at'>;

/**
 * Runs one mutating call under the journal: the entry is written before the call, and removed in
 * the same write that records the call's result (a write this does not wait for: see
 * StateRecorder.record; the run calls `settled` before it ends). If the run dies in between, the
 * next run finds the entry and resolves it (see resolve-journal.ts). A call that fails for sure
 * (the API said no) takes its entry with it; one whose outcome is unknown (the connection broke)
 * leaves it.
 */
export async function journalled<T>(
  recorder: StateRecorder,
  entries: JournalEntry[],
  call: () => Promise<T>,
  record: (doc: StateDocument, result: T) => void,
  now: () => Date = () => new Date(),
): Promise<T> {
  const ids = await journalAhead(recorder, entries, now);
  return settle(recorder, ids, call, record);
}

/**
 * Journals the entries of many calls in one write, before the first of them goes out, and returns
 * their ids, for `journalledAhead`: a phase of a thousand uploads then waits for one journal write,
 * not for one per upload. The entries of calls that never go out (the run stopped first) are
 * dropped with `dropUnsent`, or by the next run, which finds nothing they made.
 */
export async function journalAhead(
  recorder: StateRecorder,
  entries: JournalEntry[],
  now: () => Date = () => new Date(),
): Promise<string[]> {
  const ids = entries.map(() => randomUUID());
  const started = now().toISOString();
  await recorder.mutate((doc) => {
    doc.pending.push(
      ...entries.map((entry, index) => ({ id: ids[index] as string, started_at: started, ...entry })),
    );
  });
  return ids;
}

/** One call whose entry `journalAhead` wrote: as `journalled`, without a write before the call. */
export function journalledAhead<T>(
  recorder: StateRecorder,
  id: string,
  call: () => Promise<T>,
  record: (doc: StateDocument, result: T) => void,
): Promise<T> {
  return settle(recorder, [id], call, record);
}

/** Drops the entries of calls that were journalled ahead but never made. */
export function dropUnsent(recorder: StateRecorder, ids: ReadonlySet<string>): void {
  if (ids.size > 0) recorder.record((doc) => (doc.pending = doc.pending.filter((op) => !ids.has(op.id))));
}

async function settle<T>(
  recorder: StateRecorder,
  ids: readonly string[],
  call: () => Promise<T>,
  record: (doc: StateDocument, result: T) => void,
): Promise<T> {
  const unjournal = (doc: StateDocument) => removePending(doc, ids);
  let result: T;
  try {
    result = await call();
  } catch (err) {
    const unknownOutcome = err instanceof AssistantsError && err.code === 'API_UNREACHABLE';
    if (!unknownOutcome) recorder.record(unjournal);
    throw err;
  }
  // Not waited for: the entry on disk already covers a crash before this write lands.
  recorder.record((doc) => {
    record(doc, result);
    unjournal(doc);
  });
  return result;
}

/**
 * Takes entries out of the journal in place: a phase journalled ahead holds thousands, and a new
 * array per finished call would be thousands of arrays of thousands (the process keeps the memory).
 */
export function removePending(doc: StateDocument, ids: readonly string[]): void {
  for (const id of ids) {
    const index = doc.pending.findIndex((op) => op.id === id);
    if (index >= 0) doc.pending.splice(index, 1);
  }
}
