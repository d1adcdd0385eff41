import { randomUUID } from 'node:crypto';
import { AssistantsError } from '../errors/index.js';
import type { PendingOperation, StateDocument } from '../state/state-document.js';
import type { StateRecorder } from './state-recorder.js';

export type JournalEntry = Omit<PendingOperation, 'id' | 'started_at'>;

/**
 * Runs one mutating call under the journal: the entry is written before the call, and removed in
 * the same write that records the call's result. If the run dies in between, the next run finds
 * the entry and resolves it (see resolve-journal.ts). A call that fails for sure
 * (the API said no) takes its entry with it; one whose outcome is unknown (the connection broke)
 * leaves it.
 */
export async function withJournalEntry<T>(
  recorder: StateRecorder,
  entries: JournalEntry[],
  call: () => Promise<T>,
  record: (doc: StateDocument, result: T) => void,
  now: () => Date = () => new Date(),
): Promise<T> {
  const ids = await writeEntriesAhead(recorder, entries, now);
  return settle(recorder, ids, call, record, true);
}

/**
 * Journals the entries of many calls in one write, before the first of them goes out, and returns
 * their ids, for `withEntryAhead`: a phase of a thousand uploads then waits for one journal write,
 * not for one per upload. The entries of calls that never go out (the run stopped first) are
 * dropped with `dropUnsent`, or by the next run, which finds nothing they made.
 */
async function writeEntriesAhead(
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

/**
 * One call whose entry `writeEntriesAhead` wrote: as `withJournalEntry`, without a write before
 * the call, and with its result written within a second rather than waited for (see
 * StateRecorder.record): the entry on disk covers a crash meanwhile. `durable`: wait for the
 * result's write all the same, for a result the entry alone cannot restore (the old id a
 * replacement deposes).
 */
export function withEntryAhead<T>(
  recorder: StateRecorder,
  id: string,
  call: () => Promise<T>,
  record: (doc: StateDocument, result: T) => void,
  durable = false,
): Promise<T> {
  return settle(recorder, [id], call, record, durable);
}

/** Calls journalled ahead per group: at most this many entries share one start time. */
export const AHEAD_GROUP = 100;

/**
 * The entries of a phase's calls, journalled ahead in groups of AHEAD_GROUP, each group in one
 * write just before the first of its calls goes out: a thousand uploads wait for ten journal
 * writes, and each entry's start time stays close to its call's (a lost create is looked for in
 * a window from there, see resolve-journal.ts). `end` drops the entries of calls never made.
 */
export class EntriesAhead {
  private readonly groups = new Map<number, Promise<string[]>>();
  private readonly written = new Set<string>();

  constructor(
    private readonly recorder: StateRecorder,
    private readonly entries: readonly JournalEntry[],
  ) {}

  /** The journal entry id of call `index`, once its group is on disk; the call is then made. */
  async take(index: number): Promise<string> {
    const group = Math.floor(index / AHEAD_GROUP);
    let ids = this.groups.get(group);
    if (!ids) {
      const start = group * AHEAD_GROUP;
      ids = writeEntriesAhead(this.recorder, this.entries.slice(start, start + AHEAD_GROUP)).then((made) => {
        for (const id of made) this.written.add(id);
        return made;
      });
      this.groups.set(group, ids);
    }
    const id = (await ids)[index % AHEAD_GROUP] as string;
    this.written.delete(id);
    return id;
  }

  /** Drops the entries written for calls that were not made (the run stopped, or they were skipped). */
  end(): void {
    const unsent = new Set(this.written);
    this.written.clear();
    if (unsent.size > 0)
      this.recorder.record((doc) => (doc.pending = doc.pending.filter((op) => !unsent.has(op.id))));
  }
}

async function settle<T>(
  recorder: StateRecorder,
  ids: readonly string[],
  call: () => Promise<T>,
  record: (doc: StateDocument, result: T) => void,
  durable: boolean,
): Promise<T> {
  const unjournal = (doc: StateDocument) => removePending(doc, ids);
  let result: T;
  try {
    result = await call();
  } catch (err) {
    const unknownOutcome =
      err instanceof AssistantsError && (err.code === 'API_UNREACHABLE' || err.outcomeUnknown);
    if (!unknownOutcome) recorder.record(unjournal);
    throw err;
  }
  const done = (doc: StateDocument) => {
    record(doc, result);
    unjournal(doc);
  };
  if (durable) await recorder.mutate(done);
  else recorder.record(done);
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
