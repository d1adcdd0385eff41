import type { ErrorObject } from 'ajv/dist/2020.js';
import { AssistantsError, type ErrorCode } from '../errors/index.js';
import type { Address } from '../model/address.js';
import { pushAll } from '../util/arrays.js';
import { describeSchemaError } from './schema-problems.js';
import { formatFor } from './state-codec.js';
import {
  emptyState,
  type ForgottenResource,
  type PendingOperation,
  STATE_FORMAT_VERSION,
  type StateDocument,
  type StateResource,
} from './state-document.js';
import { validateState } from './state-validator.generated.js';

/**
 * The journal as an append-only log beside the state, as text, with no I/O: what a backend appends
 * and how what it reads is put back onto the state. Both backends share it.
 *
 * The log is JSON lines. The first names the state it was written on top of
 * (`{"journal":1,"lineage":…,"stack":…,"serial":S}`); each following one is an event, numbered
 * from 1 (`{"seq":n,…}`); a compaction appends `{"compacted":T}` before it writes the state with
 * serial T and removes the log. The state the log makes is the state document with every event
 * applied in order; its serial is S plus the number of events (each one changed the content).
 */

/** The version of the log's format; a newer one is refused. */
const JOURNAL_FORMAT = 1;

/**
 * One change of the state, as a line of the log: an operation started (`started`: its journal
 * entry), finished (its result as `recorded` / `removed`, and its entry in `settled`), or failed for
 * sure (its entry in `settled`). Applied in this order: `settled`, `started`, `recorded`,
 * `removed`, `forgotten`, `stack`; an id in both `settled` and `started` is an entry replaced.
 */
export interface JournalEvent {
  /** Journal entries written before their calls. */
  started?: PendingOperation[];
  /** Ids of journal entries taken out. */
  settled?: string[];
  /** Resources as they are now, by address (made, changed or adopted). */
  recorded?: Record<Address, StateResource>;
  /** Addresses the state no longer holds. */
  removed?: Address[];
  /** The whole `forgotten` list, when it changed ([] when it emptied). */
  forgotten?: ForgottenResource[];
  stack?: string;
}

/** The state a log was written on top of. */
export interface JournalBase {
  lineage: string;
  stack: string;
  /** The state's serial when the log began (0: no state file yet). */
  serial: number;
}

/** A log as read: its base, its whole events in order, and the serial of a compaction it began. */
export interface StoredJournal {
  base: JournalBase;
  events: JournalEvent[];
  /** Set when a compaction into the state with this serial began (the log is then folded in). */
  compacted?: number;
}

/** The log's path for a state path: `state.json` → `state.journal`, any other name + `.journal`. */
export function journalPathFor(stateFile: string): string {
  return stateFile.endsWith('.json')
    ? `${stateFile.slice(0, -'.json'.length)}.journal`
    : `${stateFile}.journal`;
}

/** The first line of a log. */
export function headerLine(base: JournalBase): string {
  const { lineage, stack, serial } = base;
  return `${JSON.stringify({ journal: JOURNAL_FORMAT, lineage, stack, serial })}\n`;
}

/**
 * The lines of `events`, numbered from `firstSeq`. Each is checked as a read checks it: a value the
 * state could not hold (an id JSON drops) must never reach the log.
 */
export function eventLines(events: readonly JournalEvent[], firstSeq: number, base: JournalBase): string {
  let text = '';
  events.forEach((event, index) => {
    const problem = eventProblem(event, base);
    if (problem)
      throw new AssistantsError('STATE_WRITE_FAILED', `refusing to append to the journal: ${problem}`, {
        kind: 'internal',
      });
    text += `${JSON.stringify({ seq: firstSeq + index, ...event })}\n`;
  });
  return text;
}

/** The line that says a compaction into the state with serial `serial` began. */
export function compactedLine(serial: number): string {
  return `${JSON.stringify({ compacted: serial })}\n`;
}

/**
 * Reads a log's text. A last line without its newline is a torn append (the process died while
 * writing it; the call it guarded was never made): it is left out. Any other line that is not an
 * event in order is STATE_JOURNAL_CORRUPT, located at its line, never skipped.
 *
 * @param file how messages name the log
 */
export function parseJournal(text: string, file: string): StoredJournal | undefined {
  const end = text.lastIndexOf('\n');
  const whole = end < 0 ? '' : text.slice(0, end);
  if (whole === '') return undefined;
  const lines = whole.split('\n');
  const header = parseLine(lines[0] as string, 1, file);
  const base = checkHeader(header, file);
  const journal: StoredJournal = { base, events: [] };
  for (let index = 1; index < lines.length; index++) {
    const line = index + 1;
    const value = parseLine(lines[index] as string, line, file);
    // A compaction that failed is tried again: marks may follow each other, events may not.
    if (Number.isInteger(value.compacted) && Object.keys(value).length === 1) {
      journal.compacted = value.compacted as number;
      continue;
    }
    if (journal.compacted !== undefined) throw corrupt(file, line, 'an event follows the compaction mark');
    const { seq, ...event } = value;
    if (seq !== journal.events.length + 1)
      throw corrupt(
        file,
        line,
        `expected event number ${journal.events.length + 1}, found ${seq === undefined ? 'none' : JSON.stringify(seq)}`,
      );
    const problem = eventProblem(event as JournalEvent, base);
    if (problem) throw corrupt(file, line, problem);
    journal.events.push(event as JournalEvent);
  }
  return journal;
}

function parseLine(text: string, line: number, file: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw corrupt(file, line, 'the line is not JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw corrupt(file, line, 'the line is not a JSON object');
  return value as Record<string, unknown>;
}

function checkHeader(value: Record<string, unknown>, file: string): JournalBase {
  const { journal, lineage, stack, serial } = value;
  if (typeof journal === 'number' && journal > JOURNAL_FORMAT)
    throw new AssistantsError(
      'STATE_VERSION_UNSUPPORTED',
      `${file} has journal format ${journal}; this assistants-iac reads format ${JOURNAL_FORMAT}`,
      {
        hint: 'a newer assistants-iac wrote it: upgrade to that version to use this state',
        location: { file, line: 1, column: 1 },
      },
    );
  if (
    journal !== JOURNAL_FORMAT ||
    typeof lineage !== 'string' ||
    typeof stack !== 'string' ||
    !Number.isInteger(serial) ||
    (serial as number) < 0 ||
    Object.keys(value).length !== 4
  )
    throw corrupt(file, 1, 'the first line does not name the state the journal belongs to');
  return { lineage, stack, serial: serial as number };
}

const EVENT_KEYS = new Set(['started', 'settled', 'recorded', 'removed', 'forgotten', 'stack']);

/** Why `event` is not one the state could take, if it is not. */
function eventProblem(event: JournalEvent, base: JournalBase): string | undefined {
  const unknown = Object.keys(event).find((key) => !EVENT_KEYS.has(key));
  if (unknown !== undefined) return `unknown key "${unknown}"`;
  if (Object.keys(event).length === 0) return 'the event changes nothing';
  for (const key of ['settled', 'removed'] as const) {
    const list = event[key];
    if (list !== undefined && (!Array.isArray(list) || list.some((item) => typeof item !== 'string')))
      return `"${key}" must be a list of strings`;
  }
  if (event.stack !== undefined && typeof event.stack !== 'string') return '"stack" must be a string';
  if (
    event.recorded !== undefined &&
    (typeof event.recorded !== 'object' || event.recorded === null || Array.isArray(event.recorded))
  )
    return '"recorded" must be an object keyed by address';
  // What it adds is checked by the state's own schema, on a small document holding only that.
  const probe = {
    format_version: STATE_FORMAT_VERSION,
    lineage: base.lineage,
    serial: 1,
    stack: event.stack ?? base.stack,
    resources: event.recorded ?? {},
    pending: event.started ?? [],
    ...(event.forgotten === undefined ? {} : { forgotten: event.forgotten }),
  };
  if (validateState(probe)) return undefined;
  const first = (validateState.errors ?? []).find((error: ErrorObject) => error.keyword !== 'if');
  if (!first) return 'it does not match the state schema';
  const message = describeSchemaError(first, probe).message;
  return message.replace(/^resources\b/, 'recorded').replace(/^pending\b/, 'started');
}

function corrupt(file: string, line: number, problem: string): AssistantsError {
  return journalError('STATE_JOURNAL_CORRUPT', file, line, `${file} line ${line}: ${problem}`);
}

function journalError(code: ErrorCode, file: string, line: number, message: string): AssistantsError {
  return new AssistantsError(code, message, {
    location: { file, line, column: 1 },
    hint: `the journal holds what the last run did after it last wrote the state: fix or move ${file} by hand only if you know what it did (moving it away forgets those calls, which may leave resources unmanaged)`,
  });
}

/**
 * The state a log makes on top of `state` (the state file as read, undefined when there is none), or
 * `state` itself when the log is already folded into it (a compaction began and the state has the
 * serial it names). A log written on top of another state (another lineage, another serial) is
 * STATE_JOURNAL_MISMATCH: its events cannot be put on this one, nor dropped without a word.
 * `state` is not changed.
 */
export function replayJournal(
  state: StateDocument | undefined,
  journal: StoredJournal,
  files: { state: string; journal: string },
): StateDocument | undefined {
  const { base } = journal;
  const lineage = state?.lineage;
  const serial = state?.serial ?? 0;
  if (lineage !== undefined && lineage !== base.lineage)
    throw journalError(
      'STATE_JOURNAL_MISMATCH',
      files.journal,
      1,
      `${files.journal} was written on top of a state of lineage ${base.lineage}, but ${files.state} has lineage ${lineage}`,
    );
  if (journal.compacted !== undefined && state && serial === journal.compacted) return state;
  if (serial !== base.serial)
    throw journalError(
      'STATE_JOURNAL_MISMATCH',
      files.journal,
      1,
      `${files.journal} was written on top of serial ${base.serial} of the state, but ${files.state} ${state ? `has serial ${serial}` : 'does not exist'}`,
    );
  if (journal.events.length === 0) return state;
  const doc: StateDocument = state
    ? { ...state, resources: { ...state.resources }, pending: [...state.pending] }
    : emptyState(base.lineage, base.stack);
  for (const event of journal.events) applyEvent(doc, event);
  doc.serial = base.serial + journal.events.length;
  const format = formatFor(doc);
  if (format > doc.format_version) doc.format_version = format;
  return doc;
}

/** Applies one event to `doc` in place (see JournalEvent for the order). */
function applyEvent(doc: StateDocument, event: JournalEvent): void {
  if (event.settled?.length) {
    const gone = new Set(event.settled);
    doc.pending = doc.pending.filter((op) => !gone.has(op.id));
  }
  if (event.started?.length) pushAll(doc.pending, event.started);
  if (event.recorded) Object.assign(doc.resources, event.recorded);
  for (const address of event.removed ?? []) delete doc.resources[address];
  if (event.forgotten) {
    if (event.forgotten.length > 0) doc.forgotten = event.forgotten;
    else delete doc.forgotten;
  }
  if (event.stack !== undefined) doc.stack = event.stack;
}
