import { setTimeout as sleep } from 'node:timers/promises';
import {
  compactedLine,
  eventLines,
  headerLine,
  type JournalBase,
  type JournalEvent,
  parseJournal,
  replayJournal,
  type StoredJournal,
} from './journal-log.js';
import { checkAppend, compactedWrite, journalInTheWay } from './journal-rules.js';
import { lockedError, lockNotFoundError, newLockInfo } from './lock-info.js';
import { parseState, planWrite, prepareWrite, serializeState, storedVersion } from './state-codec.js';
import type { StateDocument } from './state-document.js';
import {
  DEFAULT_LOCK_POLL_MS,
  type LockInfo,
  type LockOptions,
  type StateLock,
  type StateStore,
} from './state-store.js';

/**
 * The state store fake, for tests of code that reads and writes state (plan, apply). Same
 * semantics as LocalStateStore: the serial rule, the lineage guard, the same schema checks on read
 * and write (it keeps the serialised text, so a document it accepts is one the file backend would
 * write and read back), and a lock that a second `lock()` waits on, then fails with STATE_LOCKED
 * naming the holder. Every document returned is a fresh copy: callers cannot change what is stored
 * by mutating it.
 *
 * The journal log is kept as text too (`journalText`, which tests may set to what a crash or an
 * edit leaves), read and checked as the file backend reads its log.
 *
 * For tests it also records `history`: every document actually written, in order (writes that
 * changed nothing are not in it).
 */
export class MemoryStateStore implements StateStore {
  readonly location: string;
  private text: string | undefined;
  /** The journal log as stored; undefined when there is none. */
  journalText: string | undefined;
  private held: LockInfo | undefined;
  private readonly written: StateDocument[] = [];
  /** How many appends to the journal added events (for tests that count durable writes). */
  appends = 0;

  /**
   * @param options.initial the state already stored (its serial is kept as given)
   * @param options.location how messages name the state (default `memory`)
   */
  constructor(options: { initial?: StateDocument; location?: string } = {}) {
    this.location = options.location ?? 'memory';
    this.text = options.initial ? serializeState(options.initial, this.location) : undefined;
  }

  /** Copies of the documents written so far, oldest first. */
  get history(): StateDocument[] {
    return this.written.map((doc) => structuredClone(doc));
  }

  /** The lock held now, if any (for assertions; real code uses `lock()`). */
  get lockHolder(): LockInfo | undefined {
    return this.held ? { ...this.held } : undefined;
  }

  /** How messages name the log. */
  get journalLocation(): string {
    return `${this.location}.journal`;
  }

  async read(): Promise<StateDocument | undefined> {
    const state = this.readFile();
    const journal = await this.readJournal();
    if (!journal) return state;
    return replayJournal(state, journal, { state: this.location, journal: this.journalLocation });
  }

  private readFile(): StateDocument | undefined {
    return this.text === undefined ? undefined : parseState(this.text, { file: this.location });
  }

  async readJournal(): Promise<StoredJournal | undefined> {
    return this.journalText === undefined ? undefined : parseJournal(this.journalText, this.journalLocation);
  }

  async write(doc: StateDocument): Promise<StateDocument> {
    const prepared = prepareWrite(doc);
    const stored = await this.read();
    const plan = planWrite(stored && storedVersion(stored), prepared, this.location);
    if (!plan.changed) {
      // Unchanged, but a log is still folded into the state.
      if (this.journalText !== undefined && stored) return this.compact(stored);
      return stored as StateDocument;
    }
    this.store(plan.text);
    return plan.doc;
  }

  async replace(doc: StateDocument): Promise<StateDocument> {
    const text = serializeState(doc, this.location);
    if (this.journalText !== undefined) throw journalInTheWay(this.location);
    this.store(text);
    return parseState(text, { file: this.location });
  }

  async appendJournal(on: JournalBase, events: readonly JournalEvent[]): Promise<number> {
    if (events.length === 0) return on.serial;
    // All before the first await: the caller may change what the events hold once this returns.
    const journal =
      this.journalText === undefined ? undefined : parseJournal(this.journalText, this.journalLocation);
    const { base, next } = checkAppend(on, journal, this.readFile(), this.journalLocation);
    const fresh = journal === undefined || journal.compacted !== undefined;
    // A torn last line (a crash mid-append) is cut off, as the file backend's fold does.
    const kept = this.journalText?.slice(0, this.journalText.lastIndexOf('\n') + 1) ?? '';
    const head = fresh ? headerLine(base) : kept;
    this.journalText = head + eventLines(events, next, base);
    this.appends += 1;
    return base.serial + next - 1 + events.length;
  }

  async compact(doc: StateDocument): Promise<StateDocument> {
    const journal = await this.readJournal();
    if (!journal) return doc;
    const { written } = compactedWrite(
      doc,
      { ...journal, events: journal.events.length },
      this.journalLocation,
      this.location,
    );
    this.journalText += compactedLine(written.doc.serial);
    this.store(written.text);
    return written.doc;
  }

  private store(text: string): void {
    this.text = text;
    this.journalText = undefined;
    this.written.push(JSON.parse(text) as StateDocument);
  }

  async lock(operation: string, options: LockOptions): Promise<StateLock> {
    const pollMs = Math.max(1, options.pollMs ?? DEFAULT_LOCK_POLL_MS);
    const started = Date.now();
    const deadline = started + Math.max(0, options.timeoutMs);
    for (;;) {
      if (!this.held) {
        const info = newLockInfo(operation);
        this.held = info;
        return {
          info,
          release: async () => {
            if (this.held?.id === info.id) this.held = undefined;
          },
        };
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw lockedError(this.location, this.held, Date.now() - started);
      await sleep(Math.min(pollMs, remaining));
    }
  }

  /** The holder is in this process, so there is no liveness to check: `force` changes nothing. */
  async forceUnlock(id: string): Promise<LockInfo> {
    const held = this.held;
    if (held?.id !== id) throw lockNotFoundError(this.location, id, held);
    this.held = undefined;
    return held;
  }
}
