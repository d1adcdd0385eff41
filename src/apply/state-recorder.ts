import type { StateDocument } from '../state/state-document.js';
import type { StateStore } from '../state/state-store.js';

/**
 * The state as apply changes it: one document in memory, persisted after every change. Writes are
 * serialised and coalesced: changes made while a write is in flight go out together in the next
 * one, and `mutate` resolves only once its change is on disk, so a journal entry is durable before
 * the call it guards is made.
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

  /** Applies `change` to the document now and resolves when it has been written. */
  async mutate(change: (doc: StateDocument) => void): Promise<void> {
    change(this.doc);
    this.changes += 1;
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
      const snapshot = structuredClone(this.doc);
      this.writing = this.store
        .write(snapshot)
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
