import { AssistantsError, type Diagnostic, toAssistantsError } from '../errors/index.js';
import type { Address } from '../model/address.js';
import type { Desired } from '../model/desired.js';
import type { ResourceKind } from '../model/kinds.js';
import type { LiveView } from '../model/live.js';
import type { Change, Plan } from '../model/plan.js';
import { fileProblem } from '../plan/stamps.js';
import { type ApiWriter, deleteRemote } from '../provider/api-writer.js';
import type { ApiReader } from '../provider/live-view.js';
import type { HashCache } from '../state/hash-cache.js';
import type { StateDocument, StateResource } from '../state/state-document.js';
import { type Limited, limiter, mapLimit } from '../util/concurrency.js';
import { type Deposed, deposedChange, undepose } from './deposed.js';
import type { ApplyCounts, ApplyEventSink } from './events.js';
import { EntriesAhead, type JournalEntry, withEntryAhead, withJournalEntry } from './journal.js';
import { forgetResource, storeIdOf } from './remove.js';
import type { RenderedFiles } from './rendered-files.js';
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
  /**
   * Content sha256 of desired files, by name, as planned: of every file the state held, and of new
   * ones only when a saved plan had them read. Uploads record the hash of what they sent.
   */
  hashes: ReadonlyMap<string, string>;
  /** Learns the hash of each upload of a file that kept its size and mtime while it was sent. */
  hashCache?: Pick<HashCache, 'set'>;
  recorder: StateRecorder;
  writer: ApiWriter;
  /** Where agents' rendered files are written and removed. */
  renderedFiles: RenderedFiles;
  reader: ApiReader;
  /**
   * What the refresh read (the state's resources and the journal's pending deletes), to check that
   * an old file left by a replacement is still the one this stack uploaded before it is deleted.
   */
  live?: LiveView;
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

  /** The `parallelism` slots that `call` hands out. */
  private readonly slots: Limited;

  constructor(readonly input: ApplyInput) {
    this.slots = limiter(input.options.parallelism);
  }

  /**
   * Runs a change in one of `parallelism` slots, for work that also waits between its calls:
   * attaching holds a slot while it calls, not while a store indexes, so that the stores' waits
   * overlap. When the run stopped while `work` waited for its slot, nothing is called: undefined.
   * Never nest: a call made from inside another waits for a slot its caller may hold.
   */
  call<R>(work: () => Promise<R>): Promise<R | undefined> {
    return this.slots(() => (this.stopped ? Promise.resolve(undefined) : work()));
  }

  /**
   * A read in one of the same slots, made even when the run is stopping: polls and lists decide
   * nothing by themselves, and their callers check the stop signal between them.
   */
  read<R>(work: () => Promise<R>): Promise<R> {
    return this.slots(work);
  }

  get state() {
    return this.input.recorder.doc;
  }

  /**
   * Set by an error that every later call would meet too (the project's quota is used up): no new
   * work starts, as after a stop signal, but the run is not "interrupted": it failed.
   */
  private halted = false;

  /** True once no new work may start: a stop signal came, or the run is halted. */
  get stopped(): boolean {
    return this.input.options.stop.aborted || this.halted;
  }

  /** True when a stop signal ended the run early (not a halt). */
  get interrupted(): boolean {
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
  async each<T>(items: readonly T[], work: (item: T, index: number) => Promise<void>): Promise<void> {
    await mapLimit(items, this.input.options.parallelism, work);
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
      this.fail(change, new AssistantsError('DEPENDENCY_FAILED', `not attempted: ${blocker} failed`));
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
   * The delete phase of one kind: every planned delete of it, journalled ahead in groups (see
   * EntriesAhead), `parallelism` at a time. With `keep`, a resource that something managed still
   * uses (`keep.user`) is left in place with a `keep.code` warning.
   */
  async deleteKind(
    changes: readonly Change[],
    kind: ResourceKind,
    keep?: {
      code: 'FILE_IN_USE' | 'STORE_IN_USE' | 'SKILL_IN_USE';
      /**
       * Who still uses an id, as the state says when the phase starts: read once per phase, not once
       * per resource (thousands of files each scanning the whole state made destroy quadratic). Nothing
       * gains a user while a kind is deleted: creates come before, and the users' own deletes earlier.
       */
      users: (doc: StateDocument) => (id: string) => string | undefined;
    },
  ): Promise<void> {
    const doomed = changes.flatMap((change) => {
      const resource = change.kind === kind && change.action === 'delete' && this.resource(change.address);
      return resource ? [{ change, resource }] : [];
    });
    if (doomed.length === 0) return;
    const userOf = keep?.users(this.state);
    const journal = new EntriesAhead(
      this.input.recorder,
      doomed.map(({ change, resource }) => deleteEntry(change, resource)),
    );
    await this.each(doomed, async ({ change, resource }, index) => {
      const user = userOf?.(resource.id);
      if (keep && user) {
        this.warnings.push({
          severity: 'warning',
          code: keep.code,
          message: `${change.address} (${resource.id}) is left in place: ${user} still uses it`,
        });
        return;
      }
      await this.deleteManaged(change, resource, () => journal.take(index));
    });
    journal.end();
  }

  /**
   * The delete phase of a managed resource: withJournalEntry (ahead, when `journalId` gives the entry's
   * id), then forgotten (see remove.ts).
   */
  deleteManaged(
    change: Change,
    resource: StateResource,
    journalId?: () => Promise<string>,
  ): Promise<boolean> {
    const call = () => deleteRemote(this.input.writer, resource.kind, resource.id, storeIdOf(resource));
    const forget = (doc: StateDocument) => forgetResource(doc, change.address, resource.kind, resource.id);
    return this.step(change, 'delete', async () => {
      if (journalId) await withEntryAhead(this.input.recorder, await journalId(), call, forget);
      else await withJournalEntry(this.input.recorder, [deleteEntry(change, resource)], call, forget);
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
    if (error.code === 'API_QUOTA_EXCEEDED') this.halted = true;
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
    const doubt = deposedDoubtOf(old, this.state, this.input.live);
    if (doubt) {
      // Not provably this stack's: left in place, and the journal entry that named it dropped.
      const change = deposedChange(old, this.input.plan.changes);
      const diagnostic: Diagnostic = {
        severity: doubt.code === 'PENDING_UNVERIFIED' ? 'warning' : 'error',
        code: doubt.code,
        message: `${change.address} (${old.id}), the old half of a replacement, ${doubt.message}; it is left in place`,
      };
      if (diagnostic.severity === 'error') this.errors.push(diagnostic);
      else this.warnings.push(diagnostic);
      await this.input.recorder.mutate((doc) => {
        for (const entry of [old, ...along]) undepose(doc, entry);
      });
      return false;
    }
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

/** Why an old half of a replacement cannot be shown to be this stack's, if it cannot. */
export function deposedDoubtOf(
  old: Deposed,
  state: StateDocument,
  live: LiveView | undefined,
): { code: 'FILE_IDENTITY_MISMATCH' | 'PENDING_UNVERIFIED'; message: string } | undefined {
  if (old.kind === 'vector_store_file') {
    const ours = Object.values(state.resources).some(
      (r) => r.kind === 'vector_store' && r.id === old.storeId,
    );
    return ours
      ? undefined
      : {
          code: 'PENDING_UNVERIFIED',
          message: `is attached to ${old.storeId}, which is not a store of this state (any more)`,
        };
  }
  if (!live) return undefined;
  const found = live.files.get(old.id);
  if (!found) return undefined;
  // Entries written before names and sizes were recorded: the old version of a file keeps its
  // name, so the file now at that address vouches for it.
  const current = state.resources[old.address];
  const expect =
    old.expect ??
    (current?.kind === 'file' && current.attributes.filename === found.attributes.filename
      ? { filename: found.attributes.filename, bytes: found.attributes.bytes }
      : undefined);
  if (!expect)
    return {
      code: 'PENDING_UNVERIFIED',
      message:
        "is named by a journal entry that does not record its name and size, so it cannot be checked to be this stack's",
    };
  return fileProblem(expect, found);
}

function deleteEntry(change: Change, resource: StateResource): JournalEntry {
  return { address: change.address, kind: resource.kind, operation: 'delete', resource_id: resource.id };
}
