import { type AssistantsError, type Diagnostic, toAssistantsError } from '../errors/index.js';
import type { Address } from '../model/address.js';
import type { Desired } from '../model/desired.js';
import type { Change, Plan } from '../model/plan.js';
import type { ApiWriter } from '../provider/api-writer.js';
import { mapLimit } from '../provider/concurrency.js';
import type { ApiReader } from '../provider/live-view.js';
import type { StateDocument, StateResource } from '../state/state-document.js';
import { type Deposed, deposedChange, undepose } from './deposed.js';
import type { ApplyCounts, ApplyEventSink } from './events.js';
import { JournalAhead, type JournalEntry, journalled, journalledAhead } from './journal.js';
import { deleteRemote, forgetResource, storeIdOf } from './remove.js';
import type { StateRecorder } from './state-recorder.js';

export interface ApplyOptions {
  /** Calls in flight at once (--parallelism). */
  parallelism: number;
  /** Wait for vector-store indexing (false with --no-wait). */
  wait: boolean;
  waitTimeoutMs: number;
  /** Aborted on SIGINT/SIGTERM: no new call starts; those in flight finish and are recorded. */
  stop: AbortSignal;
  /** `destroy` words its summary differently. */
  destroy?: boolean;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface ApplyInput {
  plan: Plan;
  desired: Desired;
  /** Content sha256 of every desired file, by name (as planned). */
  hashes: ReadonlyMap<string, string>;
  recorder: StateRecorder;
  writer: ApiWriter;
  reader: ApiReader;
  sink: ApplyEventSink;
  options: ApplyOptions;
}

/**
 * One apply in progress: the inputs, what has been done, what failed. The per-kind steps
 * (apply-files.ts, ...) go through `step`, which skips work whose dependencies failed, stops
 * starting work once `stop` is aborted, and turns errors into diagnostics instead of throwing.
 */
export class ApplyRun {
  readonly counts: ApplyCounts = { added: 0, changed: 0, destroyed: 0 };
  readonly errors: Diagnostic[] = [];
  readonly warnings: Diagnostic[] = [];
  readonly failed = new Set<Address>();
  readonly deposed: Deposed[] = [];
  /** The deletes `journalDeletes` journals ahead, and each one's place among them. */
  private deletesAhead: JournalAhead | undefined;
  private aheadIndex = new Map<Address, number>();

  constructor(readonly input: ApplyInput) {}

  get state() {
    return this.input.recorder.doc;
  }

  get stopped(): boolean {
    return this.input.options.stop.aborted;
  }

  /** The id a resource has now (after this run's creates), if any. */
  idOf(address: Address): string | undefined {
    return this.state.resources[address]?.id;
  }

  resource(address: Address): StateResource | undefined {
    return this.state.resources[address];
  }

  /** Runs `work` over `items`, `parallelism` at a time. */
  async each<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
    await mapLimit(items, this.input.options.parallelism, work);
  }

  /** The planned change of an address (deposed objects are removed under their address's change). */
  changeOf(address: Address): Change | undefined {
    return this.input.plan.changes.find((change) => change.address === address);
  }

  /**
   * One resource's work in one phase, with its events. Returns false when it was skipped (a
   * dependency failed, or apply is stopping) or failed.
   */
  async step(change: Change, phase: 'create' | 'delete', work: () => Promise<string | undefined>) {
    const { sink } = this.input;
    if (this.stopped) return false;
    const blocker = change.dependencies.find((address) => this.failed.has(address));
    if (phase === 'create' && blocker) {
      this.fail(change, new Error(`skipped: ${blocker} failed`));
      return false;
    }
    sink({
      type: 'resource-start',
      address: change.address,
      kind: change.kind,
      action: change.action,
      phase,
    });
    try {
      const id = await work();
      sink({
        type: 'resource-done',
        address: change.address,
        kind: change.kind,
        action: change.action,
        phase,
        ...(id ? { id } : {}),
      });
      this.count(change, phase);
      return true;
    } catch (err) {
      this.fail(change, err);
      return false;
    }
  }

  /**
   * Journals the deletes of a phase ahead, in groups (see JournalAhead): `deleteManaged` then makes
   * each without a write of its own. Call `endDeletes` after the phase.
   */
  journalDeletes(changes: readonly Change[]): void {
    const doomed = changes.flatMap((change) => {
      const resource = this.resource(change.address);
      return resource ? [{ change, resource }] : [];
    });
    this.deletesAhead = new JournalAhead(
      this.input.recorder,
      doomed.map(({ change, resource }) => deleteEntry(change, resource)),
    );
    this.aheadIndex = new Map(doomed.map(({ change }, index) => [change.address, index]));
  }

  /** Drops the journal entries of deletes journalled ahead but not made (kept in use, or stopped). */
  endDeletes(): void {
    this.deletesAhead?.end();
    this.deletesAhead = undefined;
    this.aheadIndex.clear();
  }

  /** The delete phase of a managed resource: journalled, then forgotten (see remove.ts). */
  deleteManaged(change: Change, resource: StateResource): Promise<boolean> {
    const call = () => deleteRemote(this.input.writer, resource.kind, resource.id, storeIdOf(resource));
    const forget = (doc: StateDocument) => forgetResource(doc, change.address, resource.kind, resource.id);
    return this.step(change, 'delete', async () => {
      const index = this.aheadIndex.get(change.address);
      const ahead = this.deletesAhead;
      if (ahead && index !== undefined)
        await journalledAhead(this.input.recorder, await ahead.take(index), call, forget);
      else await journalled(this.input.recorder, [deleteEntry(change, resource)], call, forget);
      return undefined;
    });
  }

  fail(change: Change, err: unknown): void {
    const error: AssistantsError = toAssistantsError(err);
    const diagnostic: Diagnostic = {
      severity: 'error',
      code: error.kind === 'internal' ? 'APPLY_FAILED' : error.code,
      message: `${change.address}: ${error.message}`,
      ...(error.hint ? { hint: error.hint } : {}),
      ...(change.source ? { location: change.source } : {}),
    };
    this.failed.add(change.address);
    this.errors.push(diagnostic);
    this.input.sink({
      type: 'resource-failed',
      address: change.address,
      kind: change.kind,
      action: change.action,
      error: diagnostic,
    });
  }

  private count(change: Change, phase: 'create' | 'delete'): void {
    const { action } = change;
    if (action === 'update') this.counts.changed += 1;
    else if (action === 'create') this.counts.added += 1;
    else if (action === 'delete') this.counts.destroyed += 1;
    else if (action === 'delete-create') {
      // Both halves happen in the create phase: the old one is gone when the new one is made.
      this.counts.added += 1;
      this.counts.destroyed += 1;
    } else if (action === 'create-delete' && phase === 'create') this.counts.added += 1;
  }

  /**
   * The old half of a `create-delete`, removed in the delete phase; its journal entry goes with it.
   * `along`: old attachments of this (old) file, which deleting the file removes from their
   * stores, so they need no call of their own: they are reported and dropped with it.
   */
  async deleteDeposed(old: Deposed, along: readonly Deposed[] = []): Promise<boolean> {
    const deleted = await this.step(deposedChange(old, this.input.plan.changes), 'delete', async () => {
      await deleteRemote(this.input.writer, old.kind, old.id, old.storeId);
      await this.input.recorder.mutate((doc) => undepose(doc, old));
      this.counts.destroyed += 1;
      return undefined;
    });
    if (!deleted) {
      // The file stays: its old attachments must go one by one, as when it is kept in use.
      for (const attachment of along)
        if (!this.stopped && !this.failed.has(attachment.address)) await this.deleteDeposed(attachment);
      return false;
    }
    for (const attachment of along)
      await this.step(deposedChange(attachment, this.input.plan.changes), 'delete', async () => {
        await this.input.recorder.mutate((doc) => undepose(doc, attachment));
        this.counts.destroyed += 1;
        return undefined;
      });
    return true;
  }
}

function deleteEntry(change: Change, resource: StateResource): JournalEntry {
  return { address: change.address, kind: resource.kind, operation: 'delete', resource_id: resource.id };
}
