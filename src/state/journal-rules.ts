import { AssistantsError } from '../errors/index.js';
import type { JournalBase, StoredJournal } from './journal-log.js';
import { type PreparedWrite, prepareWrite, withSerial } from './state-codec.js';
import type { StateDocument } from './state-document.js';

/**
 * The checks every backend makes before it appends to its journal or folds it into the state, so
 * that events never land on top of a state they were not computed from.
 */

/**
 * Where events on top of `on` go: the base the log names (a new log's, when there is none, or the
 * one there was folded in already) and the number of the first new event. `journal` is the log as
 * stored, `state` the state file as stored (undefined: none). Anything else is refused (internal:
 * the caller holds the lock, so only a bug or a hand edit during the run gets here).
 */
export function checkAppend(
  on: JournalBase,
  journal: StoredJournal | undefined,
  state: Pick<StateDocument, 'lineage' | 'serial'> | undefined,
  file: string,
): { base: JournalBase; next: number } {
  if (journal && journal.compacted === undefined) {
    const reached = journal.base.serial + journal.events.length;
    if (journal.base.lineage === on.lineage && reached === on.serial)
      return { base: journal.base, next: journal.events.length + 1 };
    throw refused(file, `it holds lineage ${journal.base.lineage} up to serial ${reached}`, on);
  }
  const serial = state?.serial ?? 0;
  if ((state && state.lineage !== on.lineage) || serial !== on.serial)
    throw refused(file, `the state is at lineage ${state?.lineage ?? '(none)'}, serial ${serial}`, on);
  return { base: { lineage: on.lineage, stack: on.stack, serial: on.serial }, next: 1 };
}

/**
 * The serial a compaction of a log writes `doc` with, once `doc` is shown to be the state the log
 * makes: the serial its events reached, or the one of a compaction that wrote the state already.
 */
export function journalSerial(
  doc: StateDocument,
  journal: { base: JournalBase; events: number; compacted?: number | undefined },
  file: string,
): number {
  const reached = journal.base.serial + journal.events;
  const folded = journal.compacted !== undefined && doc.serial === journal.compacted;
  if (doc.lineage !== journal.base.lineage || (doc.serial !== reached && !folded))
    throw new AssistantsError(
      'STATE_WRITE_FAILED',
      `refusing to fold ${file} into the state: it holds lineage ${journal.base.lineage} up to serial ${reached}, the document is lineage ${doc.lineage}, serial ${doc.serial}`,
      { kind: 'internal' },
    );
  return doc.serial;
}

/**
 * STATE_PUSH_REFUSED for `state push` over a journal: the journal holds calls of a run that did not
 * finish, which a replaced state would no longer match.
 */
export function journalInTheWay(location: string): AssistantsError {
  return new AssistantsError(
    'STATE_PUSH_REFUSED',
    `${location} has a journal of a run that did not finish; pushing over it would lose the calls it records`,
    {
      hint: 'run `assistants apply` there first: it settles the journal into the state; then pull and push again',
    },
  );
}

function refused(file: string, found: string, on: JournalBase): AssistantsError {
  return new AssistantsError(
    'STATE_WRITE_FAILED',
    `refusing to append to ${file}: ${found}, but the events apply to lineage ${on.lineage}, serial ${on.serial}`,
    { kind: 'internal' },
  );
}

/**
 * What compacting `journal` into `doc` writes: the document at the serial the journal reached
 * (checked by journalSerial), as text, with the content the store compares later writes with.
 */
export function compactedWrite(
  doc: StateDocument,
  journal: { base: JournalBase; events: number; compacted?: number | undefined },
  journalFile: string,
  stateFile: string,
): { written: { doc: StateDocument; text: string }; content: PreparedWrite['content'] } {
  const serial = journalSerial(doc, journal, journalFile);
  const prepared = prepareWrite(doc);
  return { written: withSerial(prepared, serial, stateFile), content: prepared.content };
}
