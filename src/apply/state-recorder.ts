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
  private dirty = false;

  constructor(
    private readonly store: StateStore,
    readonly doc: StateDocument,
  ) {}

  /** Applies `change` to the document now and resolves when it has been written. */
  async mutate(change: (doc: StateDocument) => void): Promise<void> {
    change(this.doc);
    this.dirty = true;
    await this.flush();
  }

  private async flush(): Promise<void> {
    while (this.dirty) {
      if (this.writing) {
        await this.writing;
        continue;
      }
      this.dirty = false;
      const snapshot = structuredClone(this.doc);
      this.writing = this.store
        .write(snapshot)
        .then((written) => {
          this.doc.serial = written.serial;
        })
        .finally(() => {
          this.writing = undefined;
        });
      await this.writing;
    }
  }
}
