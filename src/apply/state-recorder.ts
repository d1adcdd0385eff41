import type { Address } from '../model/address.js';
import type { JournalEvent } from '../state/journal-log.js';
import type { PendingOperation, StateDocument, StateResource } from '../state/state-document.js';
import type { StateStore } from '../state/state-store.js';

/** How long `record` lets results gather before it writes them. */
export const RECORD_DELAY_MS = 1000;

/**
 * The state as apply changes it: one document in memory, and every change of it appended to the
 * store's journal log as one event (what it started, settled, recorded, removed), never the whole
 * document: the log is folded into the state once, by `settled`. Appends are serialised and
 * grouped: changes made while one is in flight go out together in the next. `mutate` resolves only
 * once its change is on disk, so a journal entry is durable before the call it guards is made;
 * `record` appends within RECORD_DELAY_MS without waiting, for results a durable journal entry
 * already covers. `settled` must run before the lock is released.
 *
 * What a change did is found by looking, not by being told: the resources it assigned or deleted
 * (seen through a proxy on `doc.resources`), the journal entries it added or took out (compared by
 * identity with those before), `forgotten` and `stack`. So a change must replace a resource it
 * alters (`doc.resources[a] = {...r, protect}`), never edit the object in place: an edit in place
 * would reach the state only at the next compaction, and be lost with a crash before it.
 */
export class StateRecorder {
  private writing: Promise<void> | undefined;
  /** Changes made so far, and how many of them the last finished append held. */
  private changes = 0;
  private written = 0;
  /** Events not appended yet, oldest first. */
  private queued: JournalEvent[] = [];
  /** The stack as of the last event appended (the base of the next append). */
  private appendedStack: string;
  /** The resources object under the proxy, and the addresses the current change assigned or deleted. */
  private raw: Record<Address, StateResource>;
  private readonly touched = new Set<Address>();

  constructor(
    private readonly store: StateStore,
    readonly doc: StateDocument,
  ) {
    this.appendedStack = doc.stack;
    this.raw = doc.resources;
    doc.resources = this.watch(doc.resources);
  }

  /** The write `record` has scheduled, if any. */
  private timer: NodeJS.Timeout | undefined;

  /** Applies `change` to the document now and resolves when it has been written. */
  async mutate(change: (doc: StateDocument) => void): Promise<void> {
    this.apply(change);
    await this.flush(this.changes);
  }

  /**
   * Applies `change` now and has it written without waiting for the write: for results whose
   * journal entry is on disk already, so that a crash before this write loses nothing (the next
   * run settles the entry). Call `settled` before the run ends.
   */
  record(change: (doc: StateDocument) => void): void {
    this.apply(change);
    // Appended a little later, with whatever else comes meanwhile: a thousand results in a few
    // fsyncs rather than a thousand.
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      // A failed append here is tried again by the next one, and at the latest by `settled`.
      this.flush(this.changes).catch(() => {});
    }, RECORD_DELAY_MS);
  }

  /**
   * Resolves once every change so far is written (appending what is still to append), and the log
   * folded into the state: the one whole-document write of a run.
   */
  async settled(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush(this.changes);
    const written = await this.store.compact(this.doc);
    this.doc.serial = written.serial;
  }

  /** Runs `change` and queues what it did as one event (nothing when it did nothing). */
  private apply(change: (doc: StateDocument) => void): void {
    const { doc } = this;
    const pending = doc.pending.slice();
    const { forgotten, stack } = doc;
    const forgottenLength = forgotten?.length;
    const resources = doc.resources;
    this.touched.clear();
    try {
      change(doc);
    } finally {
      const event: JournalEvent = pendingChanges(pending, doc.pending);
      if (doc.resources !== resources) {
        // Replaced as a whole: every address of either is accounted for.
        const old = this.raw;
        this.raw = doc.resources;
        doc.resources = this.watch(doc.resources);
        for (const address of Object.keys(old)) this.touched.add(address);
        for (const address of Object.keys(this.raw)) this.touched.add(address);
      }
      if (this.touched.size > 0) Object.assign(event, resourceChanges(this.raw, this.touched));
      this.touched.clear();
      if (doc.forgotten !== forgotten || doc.forgotten?.length !== forgottenLength)
        event.forgotten = [...(doc.forgotten ?? [])];
      if (doc.stack !== stack) event.stack = doc.stack;
      if (Object.keys(event).length > 0) {
        this.queued.push(event);
        this.changes += 1;
      }
    }
  }

  /** `resources` behind a proxy that notes the addresses assigned or deleted. */
  private watch(resources: Record<Address, StateResource>): Record<Address, StateResource> {
    const touched = this.touched;
    return new Proxy(resources, {
      set(target, key, value) {
        if (typeof key === 'string') touched.add(key);
        return Reflect.set(target, key, value);
      },
      defineProperty(target, key, descriptor) {
        if (typeof key === 'string') touched.add(key);
        return Reflect.defineProperty(target, key, descriptor);
      },
      deleteProperty(target, key) {
        if (typeof key === 'string') touched.add(key);
        return Reflect.deleteProperty(target, key);
      },
    });
  }

  /**
   * Returns once an append that holds change number `mine` has finished. Counting, not a dirty
   * flag: another caller may start the append that holds this change, and returning before it
   * ends would let a journalled call go out before its entry is on disk.
   */
  private async flush(mine: number): Promise<void> {
    while (this.written < mine) {
      if (this.writing) {
        await this.writing;
        continue;
      }
      const upTo = this.changes;
      const events = this.queued;
      this.queued = [];
      const on = { lineage: this.doc.lineage, stack: this.appendedStack, serial: this.doc.serial };
      this.writing = this.store
        .appendJournal(on, events)
        .then(
          (serial) => {
            this.doc.serial = serial;
            for (const event of events) if (event.stack !== undefined) this.appendedStack = event.stack;
            this.written = upTo;
          },
          (err) => {
            // Tried again with the next append, in order.
            this.queued = [...events, ...this.queued];
            throw err;
          },
        )
        .finally(() => {
          this.writing = undefined;
        });
      await this.writing;
    }
  }
}

/**
 * The journal entries added and taken out between `before` and `after`. Entries are only ever
 * appended or taken out, never reordered, so one walk comparing identities finds them; an entry
 * moved or replaced shows as taken out and added again, which replays the same.
 */
function pendingChanges(
  before: readonly PendingOperation[],
  after: readonly PendingOperation[],
): JournalEvent {
  const started: PendingOperation[] = [];
  const settled: string[] = [];
  let next = 0;
  for (const op of after) {
    let at = next;
    while (at < before.length && before[at] !== op) at++;
    if (at === before.length) {
      started.push(op);
      continue;
    }
    for (let gone = next; gone < at; gone++) settled.push((before[gone] as PendingOperation).id);
    next = at + 1;
  }
  for (let gone = next; gone < before.length; gone++) settled.push((before[gone] as PendingOperation).id);
  return {
    ...(settled.length > 0 ? { settled } : {}),
    ...(started.length > 0 ? { started } : {}),
  };
}

/** The touched addresses as resources recorded (those present now) and removed (those gone). */
function resourceChanges(
  resources: Record<Address, StateResource>,
  touched: ReadonlySet<Address>,
): JournalEvent {
  const recorded: Record<Address, StateResource> = {};
  const removed: Address[] = [];
  for (const address of touched) {
    const resource = resources[address];
    if (resource) recorded[address] = resource;
    else removed.push(address);
  }
  return {
    ...(Object.keys(recorded).length > 0 ? { recorded } : {}),
    ...(removed.length > 0 ? { removed } : {}),
  };
}
