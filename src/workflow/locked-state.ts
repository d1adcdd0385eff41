import { StateRecorder } from '../apply/state-recorder.js';
import { AssistantsError } from '../errors/index.js';
import type { StateDocument } from '../state/state-document.js';
import { type StateStore, withStateLock } from '../state/state-store.js';

/** What a command that changes the state holds while the lock is its own. */
export interface LockedState {
  /** The state as read under the lock, the journal of an interrupted run folded in; undefined when none. */
  state: StateDocument | undefined;
  /** A recorder on `doc`: what it records is written before the lock is released, however the work ends. */
  record(doc: StateDocument): StateRecorder;
}

/**
 * The one way a command that may write the state holds it: takes the lock (withStateLock: the
 * work's error surfaces, and the lock goes however the work ends), reads the state, refuses one of
 * another stack when `stack` is given, folds in what an interrupted run left in the journal, runs
 * `work`, and writes what it recorded while the lock is still held.
 */
export function withLockedState<T>(
  store: StateStore,
  operation: string,
  options: { timeoutMs: number; stack?: string },
  work: (held: LockedState) => Promise<T>,
): Promise<T> {
  return withStateLock(store, operation, { timeoutMs: options.timeoutMs }, async () => {
    let recorder: StateRecorder | undefined;
    try {
      const state = await readStateOf(store, options.stack);
      // read() has replayed the journal; compacting writes it into the state before anything else.
      if (state) await store.compact(state);
      return await work({
        state,
        record: (doc) => {
          recorder = new StateRecorder(store, doc);
          return recorder;
        },
      });
    } finally {
      await recorder?.settled().catch(() => {});
    }
  });
}

/** The state, refused when `stack` is given and it belongs to another stack. Call with the lock held. */
export async function readStateOf(store: StateStore, stack?: string): Promise<StateDocument | undefined> {
  const state = await store.read();
  if (state && stack !== undefined && state.stack !== stack) {
    throw new AssistantsError(
      'STACK_MISMATCH',
      `the state at ${store.location} belongs to stack "${state.stack}", the manifests to "${stack}"`,
      { hint: 'use --state to point at the state of this stack' },
    );
  }
  return state;
}
