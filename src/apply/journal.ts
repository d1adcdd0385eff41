import { randomUUID } from 'node:crypto';
import { AssistantsError } from '../errors/index.js';
import type { PendingOperation, StateDocument } from '../state/state-document.js';
import type { StateRecorder } from './state-recorder.js';

export type JournalEntry = Omit<PendingOperation, 'id' | 'started_at'>;

/**
 * Runs one mutating call under the journal: the entry is written before the call, and removed in
 * the same write that records the call's result. If the run dies in between, the next run finds
 * the entry and resolves it (see resolve-journal.ts). A call that fails for sure (the API said no)
 * takes its entry with it; one whose outcome is unknown (the connection broke) leaves it.
 */
export async function journalled<T>(
  recorder: StateRecorder,
  entries: JournalEntry[],
  call: () => Promise<T>,
  record: (doc: StateDocument, result: T) => void,
  now: () => Date = () => new Date(),
): Promise<T> {
  const ids: string[] = entries.map(() => randomUUID());
  const started = now().toISOString();
  await recorder.mutate((doc) => {
    doc.pending.push(
      ...entries.map((entry, index) => ({ id: ids[index] as string, started_at: started, ...entry })),
    );
  });
  const unjournal = (doc: StateDocument) => {
    doc.pending = doc.pending.filter((op) => !ids.includes(op.id));
  };
  let result: T;
  try {
    result = await call();
  } catch (err) {
    const unknownOutcome = err instanceof AssistantsError && err.code === 'API_UNREACHABLE';
    if (!unknownOutcome) await recorder.mutate(unjournal);
    throw err;
  }
  await recorder.mutate((doc) => {
    record(doc, result);
    unjournal(doc);
  });
  return result;
}
