import type { JournalBase, JournalEvent, StoredJournal } from './journal-log.js';
import type { StateDocument } from './state-document.js';

/**
 * Who holds a state lock. Written into the lock so that a run that finds it taken can say by whom,
 * and so that a lock left by a dead process on this host can be recognised and reclaimed.
 */
export interface LockInfo {
  /** A uuid, new for every lock; `assistants force-unlock ID` names it. */
  id: string;
  /** The command that took it: `apply`, `state rm`, ... */
  operation: string;
  /** `user@host` of the holder. */
  who: string;
  /** The holder's host name; a lock from another host is never reclaimed, only waited on. */
  host: string;
  pid: number;
  /** ISO 8601 time the lock was taken. */
  created: string;
}

/** A held lock. `release()` is idempotent and removes the lock only while it is still this one. */
export interface StateLock {
  readonly info: LockInfo;
  release(): Promise<void>;
}

/**
 * Where the state lives: small, so that a shared backend (PostgreSQL with advisory locks) fits
 * behind it later. A fake beside the real one (MemoryStateStore) has the same semantics.
 *
 * - `read()` returns undefined when no state exists yet ("nothing managed"); a state that cannot
 *   be read or checked is an error (STATE_CORRUPT, STATE_VERSION_UNSUPPORTED), never undefined.
 * - `write()` follows the serial rule: when the content (everything but `serial`) equals what is
 *   stored it writes nothing and returns the stored document; otherwise it stores the document with
 *   serial one above the stored one (1 for a first write) and returns what it stored. Writers never
 *   set serial. A document of another lineage than the stored one is refused. `write()` does not
 *   take the lock: a run holds it around its whole read-change-write. It reads `doc` when it is
 *   called: the caller may change it again as soon as the call returns (before it resolves).
 * - `lock()` takes the lock for `operation`, waiting up to `timeoutMs` (polling every `pollMs`)
 *   while another holds it, then fails with STATE_LOCKED naming the holder.
 * - `forceUnlock(id)` removes the lock when it carries `id` (otherwise LOCK_NOT_FOUND) and returns
 *   who held it. A backend that can tell its holder still runs (the local file: same host, live
 *   pid) refuses with LOCK_HOLDER_ALIVE unless `force`.
 *
 * The journal: while apply runs, what changes is appended as events to a log beside the state
 * (see journal-log.ts) rather than rewriting the whole document; the log is folded into the state
 * (compacted) at the end of the run, or by the next run after a crash.
 * - `read()` gives the state as its log makes it (events applied in memory, nothing written); its
 *   serial counts the events. A log that does not belong to the state is STATE_JOURNAL_MISMATCH, a
 *   garbled one STATE_JOURNAL_CORRUPT; a torn last line (a crash mid-append) is left out.
 * - `write()` compares with that state, and folds the log away: afterwards there is none.
 * - `appendJournal(on, events)` appends, durable when it resolves, and returns the serial the state
 *   then has. `on` is the state the events apply to: lineage, stack and serial as `read()`,
 *   `write()` or the last append gave them (a mismatch is refused). A log left by an earlier run
 *   must be compacted first (`compact`, or `write`). Under the lock, like `write()`.
 * - `compact(doc)` writes `doc`, which must be the state as the log makes it (what `read()` gives
 *   now), as the state document with the serial it has, and removes the log; with no log it
 *   does nothing and returns `doc`.
 */
export interface StateStore {
  /** The state's place, as shown in messages (e.g. `.assistants/state.json`). */
  readonly location: string;
  read(): Promise<StateDocument | undefined>;
  write(doc: StateDocument): Promise<StateDocument>;
  appendJournal(on: JournalBase, events: readonly JournalEvent[]): Promise<number>;
  /** The log as stored (undefined when there is none): for compaction and for tests. */
  readJournal(): Promise<StoredJournal | undefined>;
  compact(doc: StateDocument): Promise<StateDocument>;
  /**
   * `state push`: stores `doc` as it is, its lineage and serial included, over whatever is stored
   * (the caller has checked lineage and serial, under the lock). Refused (STATE_PUSH_REFUSED) while
   * a journal exists.
   */
  replace(doc: StateDocument): Promise<StateDocument>;
  lock(operation: string, options: LockOptions): Promise<StateLock>;
  forceUnlock(id: string, options?: ForceUnlockOptions): Promise<LockInfo>;
}

export interface ForceUnlockOptions {
  /** Remove the lock even when its holder is known to run still (`force-unlock --force`). */
  force?: boolean;
}

export interface LockOptions {
  /** How long to wait for another holder to let go; 0 tries once. */
  timeoutMs: number;
  /** How often to look again while waiting; default 250. */
  pollMs?: number;
}

/** The default interval between two looks at a held lock. */
export const DEFAULT_LOCK_POLL_MS = 250;

/**
 * Runs `work` holding the state lock and releases it however `work` ends. When `work` throws, its
 * error is the one that surfaces, even if releasing fails too (the lock then stays, and the next
 * run's STATE_LOCKED message says how to remove it).
 */
export async function withStateLock<T>(
  store: StateStore,
  operation: string,
  options: LockOptions,
  work: (lock: StateLock) => Promise<T>,
): Promise<T> {
  const lock = await store.lock(operation, options);
  let result: T;
  try {
    result = await work(lock);
  } catch (err) {
    await lock.release().catch(() => undefined);
    throw err;
  }
  await lock.release();
  return result;
}
