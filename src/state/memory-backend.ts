import { setTimeout as sleep } from 'node:timers/promises';
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
 * For tests it also records `history`: every document actually written, in order (writes that
 * changed nothing are not in it).
 */
export class MemoryStateStore implements StateStore {
  readonly location: string;
  private text: string | undefined;
  private held: LockInfo | undefined;
  private readonly written: StateDocument[] = [];

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

  async read(): Promise<StateDocument | undefined> {
    return this.text === undefined ? undefined : parseState(this.text, { file: this.location });
  }

  async write(doc: StateDocument): Promise<StateDocument> {
    const prepared = prepareWrite(doc);
    const stored = await this.read();
    const plan = planWrite(stored && storedVersion(stored), prepared, this.location);
    if (!plan.changed) return stored as StateDocument;
    this.text = plan.text;
    this.written.push(JSON.parse(plan.text) as StateDocument);
    return plan.doc;
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
