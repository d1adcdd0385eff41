import type { StateDocument } from '../state/state-document.js';
import type { StateStore } from '../state/state-store.js';

/** How long `record` lets results gather before it writes them. */
export const RECORD_DELAY_MS = 1000;

/**
 * The state as apply changes it: one document in memory, persisted as it changes. Writes are
 * serialised and coalesced: changes made while a write is in flight go out together in the next
 * one. `mutate` resolves only once its change is on disk, so a journal entry is durable before the
 * call it guards is made; `record` writes within RECORD_DELAY_MS without waiting, for results a
 * durable journal entry already covers. `settled` must run before the lock is released.
 */

export class StateRecorder {
  private writing: Promise<void> | undefined;
  /** Changes made so far, and how many of them the last finished write held. */
  private changes = 0;
  private written = 0;

  constructor(
    private readonly store: StateStore,
    readonly doc: StateDocument,
  ) {}

  /** The write `record` has scheduled, if any. */
  private timer: NodeJS.Timeout | undefined;

  /** Applies `change` to the document now and resolves when it has been written. */
  async mutate(change: (doc: StateDocument) => void): Promise<void> {
    change(this.doc);
    this.changes += 1;
    await this.flush(this.changes);
  }

  /**
   * Applies `change` now and has it written without waiting for the write: for results whose
   * journal entry is on disk already, so that a crash before this write loses nothing (the next
   * run settles the entry). Call `settled` before the run ends.
   */
  record(change: (doc: StateDocument) => void): void {
    change(this.doc);
    this.changes += 1;
    // Written a little later, with whatever else comes meanwhile: a thousand results in a few
    // writes rather than a thousand (each write serialises the whole state).
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      // A failed write here is tried again by the next one, and at the latest by `settled`.
      this.flush(this.changes).catch(() => {});
    }, RECORD_DELAY_MS);
  }

  /** Resolves once every change so far is written (writing what is still to write). */
  async settled(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush(this.changes);
  }

  /**
   * Returns once a write that holds change number `mine` has finished. Counting, not a dirty flag:
   * another caller may start the write that holds this change, and returning before it ends would
   * let a journalled call go out before its entry is on disk.
   */
  private async flush(mine: number): Promise<void> {
    while (this.written < mine) {
      if (this.writing) {
        await this.writing;
        continue;
      }
      const upTo = this.changes;
      // No copy: a store reads the document when write() is called (see StateStore.write).
      this.writing = this.store
        .write(this.doc)
        .then((written) => {
          this.doc.serial = written.serial;
          this.written = upTo;
        })
        .finally(() => {
          this.writing = undefined;
        });
      await this.writing;
    }
  }
}
