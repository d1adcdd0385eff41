import { AssistantsError, type Diagnostic } from '../errors/index.js';
import { parseAddress, vectorStoreAddress } from '../model/address.js';
import type { MembershipAttributes } from '../model/attributes.js';
import type { Desired, DesiredMembership } from '../model/desired.js';
import type { Change } from '../model/plan.js';
import { desiredMembershipAttributes, membershipDependencies } from '../plan/kinds/vector-store-file.js';
import type { BatchStatus } from '../provider/api-writer.js';
import { mapLimit } from '../util/concurrency.js';
import type { ApplyRun } from './apply-run.js';
import { inCreateHalf } from './create-half.js';
import { type Deposed, depose } from './deposed.js';
import { withJournalEntry } from './journal.js';
import { waitForBatch } from './wait-indexing.js';

/** The API takes up to 2,000 files per batch. */
export const BATCH_LIMIT = 2000;

/**
 * Attaches files to their stores with file batches (one call per store, not one per file), updates
 * attributes in place, re-attaches files whose chunking changed, and waits until every attached
 * file is indexed. Files that fail to index are reported by name; the rest goes on.
 */
export async function createMemberships(run: ApplyRun, changes: readonly Change[]): Promise<void> {
  const byStore = new Map<string, Change[]>();
  for (const change of changes) {
    if (!inCreateHalf(change, 'vector_store_file')) continue;
    const store = parseAddress(change.address)?.store as string;
    const list = byStore.get(store);
    if (list) list.push(change);
    else byStore.set(store, [change]);
  }
  // Every store at once: each call takes one of the run's `parallelism` slots (run.call), and a
  // store waiting for its files to index holds none, so the stores' indexing waits overlap instead
  // of queueing behind each other `parallelism` stores at a time.
  // mapLimit rather than Promise.all: a failure is raised only once every store has settled.
  const stores = [...byStore];
  const members: MembersByAddress = new Map(run.input.desired.memberships.map((m) => [m.address, m]));
  await mapLimit(stores, stores.length, async ([store, storeChanges]) => {
    await updateAttributes(
      run,
      members,
      storeChanges.filter((c) => c.action === 'update'),
    );
    await attach(
      run,
      members,
      store,
      // The create half of a membership (create-half.ts) but updates: what a batch attaches.
      storeChanges.filter((c) => c.action !== 'update'),
    );
  });
}

/** The desired memberships by address: one map for every store (each holds the whole stack's). */
type MembersByAddress = ReadonlyMap<string, Desired['memberships'][number]>;

async function updateAttributes(run: ApplyRun, members: MembersByAddress, updates: Change[]): Promise<void> {
  // Every update at once: run.call limits them, with the run's other calls.
  await mapLimit(updates, updates.length, async (change) => {
    const current = run.resource(change.address);
    const member = members.get(change.address);
    if (current?.kind !== 'vector_store_file' || !member) return;
    await run.call(() =>
      run.step(change, 'create', async () => {
        const storeId = String(current.attributes.vector_store_id);
        const attributes = { ...(member.attributes ?? {}) };
        await withJournalEntry(
          run.input.recorder,
          [
            {
              address: change.address,
              kind: 'vector_store_file',
              operation: 'update',
              resource_id: current.id,
            },
          ],
          () => run.input.writer.updateVectorStoreFile(storeId, current.id, attributes),
          (doc) => {
            doc.resources[change.address] = { ...current, attributes: { ...current.attributes, attributes } };
          },
        );
        return current.id;
      }),
    );
  });
}

/**
 * Attaches a store's members in batches of BATCH_LIMIT: those whose dependencies were made, after
 * detaching the ones whose chunking changes; each batch is journalled, recorded, then polled.
 */
async function attach(
  run: ApplyRun,
  members: MembersByAddress,
  storeName: string,
  attaches: Change[],
): Promise<void> {
  if (attaches.length === 0 || run.stopped) return;
  const storeAt = vectorStoreAddress(storeName);
  const store = run.input.desired.vectorStores.find((s) => s.address === storeAt);
  const attachable = await detachForReattach(run, readyToAttach(run, attaches));
  const storeId = run.idOf(storeAt) as string;
  for (let start = 0; start < attachable.length && !run.stopped; start += BATCH_LIMIT) {
    const entries = attachable.slice(start, start + BATCH_LIMIT).map((change): BatchEntry => {
      const member = members.get(change.address);
      if (!member)
        throw new AssistantsError('INTERNAL', `no desired membership ${change.address}`, {
          kind: 'internal',
        });
      return {
        change,
        member,
        attributes: desiredMembershipAttributes(member, store, (a) => run.idOf(a) ?? ''),
      };
    });
    let batchId: string;
    try {
      const batch = await sendBatch(run, storeId, entries);
      // Stopped while it waited for a slot: this slice and the rest were not sent.
      if (!batch) break;
      batchId = batch.id;
    } catch (err) {
      for (const { change } of entries) run.fail(change, err);
      continue;
    }
    if (run.input.options.wait) await waitAndReport(run, storeAt, storeId, batchId, entries);
    reportAttached(run, entries);
  }
}

/** One member of a batch: its change, its desired membership and the attributes sent. */
interface BatchEntry {
  change: Change;
  member: DesiredMembership;
  attributes: MembershipAttributes;
}

/** The changes whose dependencies were made; the others fail as DEPENDENCY_FAILED, unattempted. */
function readyToAttach(run: ApplyRun, attaches: readonly Change[]): Change[] {
  return attaches.filter((change) => {
    const blocker = change.dependencies.find((address) => run.failed.has(address) || !run.idOf(address));
    if (blocker)
      run.fail(change, new AssistantsError('DEPENDENCY_FAILED', `not attempted: ${blocker} was not made`));
    return !blocker;
  });
}

/**
 * Chunking cannot change on an attached file: detaches each member planned as delete-create first
 * (a replaced store took its own). Returns those that may be attached now.
 */
async function detachForReattach(run: ApplyRun, ready: readonly Change[]): Promise<Change[]> {
  const { recorder, writer } = run.input;
  const attachable: Change[] = [];
  for (const change of ready) {
    const current = run.resource(change.address);
    if (change.action === 'delete-create' && current?.kind === 'vector_store_file') {
      const oldStore = String(current.attributes.vector_store_id);
      try {
        const detached = await run.call(async () => {
          await withJournalEntry(
            recorder,
            [
              {
                address: change.address,
                kind: 'vector_store_file',
                operation: 'delete',
                resource_id: current.id,
              },
            ],
            () => writer.deleteVectorStoreFile(oldStore, current.id),
            (doc) => {
              delete doc.resources[change.address];
            },
          );
          return true;
        });
        // Stopped while it waited for a slot: not detached, so not attached again either.
        if (!detached) continue;
      } catch (err) {
        run.fail(change, err);
        continue;
      }
    }
    attachable.push(change);
  }
  return attachable;
}

/**
 * Sends one file batch, journalled, and records its members (a replaced file's old attachment
 * is deposed, to be detached once nothing uses it). Undefined when stopped before it was sent.
 */
function sendBatch(run: ApplyRun, storeId: string, entries: readonly BatchEntry[]) {
  const { recorder, writer, sink } = run.input;
  return run.call(() => {
    for (const { change } of entries)
      sink({
        type: 'resource-start',
        address: change.address,
        kind: change.kind,
        action: change.action,
        phase: 'create',
      });
    return withJournalEntry(
      recorder,
      entries.map(({ change, attributes }) => ({
        address: change.address,
        kind: 'vector_store_file' as const,
        operation: 'create' as const,
        match: { vector_store_id: storeId, file_id: String(attributes.file_id) },
      })),
      () =>
        writer.createFileBatch(
          storeId,
          entries.map(({ attributes }) => ({
            file_id: String(attributes.file_id),
            attributes: attributes.attributes,
            chunking_strategy: attributes.chunking_strategy ?? {
              max_chunk_size_tokens: 800,
              chunk_overlap_tokens: 400,
            },
          })),
        ),
      (doc) => {
        for (const { change, member, attributes } of entries) {
          const old = doc.resources[change.address];
          if (
            old?.kind === 'vector_store_file' &&
            change.action === 'create-delete' &&
            old.id !== attributes.file_id
          ) {
            run.deposed.push(
              depose(doc, change.address, 'vector_store_file', old.id, {
                storeId: String(old.attributes.vector_store_id),
              }),
            );
          }
          doc.resources[change.address] = {
            kind: 'vector_store_file',
            id: String(attributes.file_id),
            attributes,
            dependencies: membershipDependencies(member),
            protect: false,
          };
        }
      },
    );
  });
}

/** The members of a batch that did not fail are done: an event and a count each. */
function reportAttached(run: ApplyRun, entries: readonly BatchEntry[]): void {
  for (const { change } of entries) {
    if (run.failed.has(change.address)) continue;
    run.input.sink({
      type: 'resource-done',
      address: change.address,
      kind: change.kind,
      action: change.action,
      phase: 'create',
      id: run.idOf(change.address),
    });
    if (change.action === 'update') run.counts.changed += 1;
    else run.counts.added += 1;
    if (change.action === 'delete-create') run.counts.destroyed += 1;
  }
}

/** Polls the batch; then names every file of it that failed, with the API's `last_error`. */
async function waitAndReport(
  run: ApplyRun,
  storeAt: string,
  storeId: string,
  batchId: string,
  entries: { change: Change; attributes: MembershipAttributes }[],
): Promise<void> {
  const { writer, reader, sink, options } = run.input;
  let last: BatchStatus | undefined;
  try {
    last = await waitForBatch(
      { retrieveFileBatch: (store, batch) => run.read(() => writer.retrieveFileBatch(store, batch)) },
      storeId,
      batchId,
      (status) => {
        sink({ type: 'indexing', address: storeAt, ...pick(status) });
      },
      { timeoutMs: options.waitTimeoutMs, stop: options.stop, now: options.now, sleep: options.sleep },
    );
  } catch (err) {
    for (const { change } of entries) run.fail(change, err);
    return;
  }
  if (!last) return;
  sink({ type: 'indexing-done', address: storeAt, ...pick(last) });
  if (last.counts.failed + last.counts.cancelled === 0) return;
  const byFile = new Map(entries.map((e) => [String(e.attributes.file_id), e.change]));
  let after: string | undefined;
  for (;;) {
    const page = await run
      .call(() => reader.listVectorStoreFiles(storeId, after))
      .catch((err: unknown) => {
        // The counts already say some failed; without the list they cannot be named one by one.
        for (const { change } of entries) run.fail(change, err);
        return undefined;
      });
    if (!page) return;
    for (const member of page.data) {
      const change = byFile.get(member.id);
      if (!change || (member.status !== 'failed' && member.status !== 'cancelled')) continue;
      const code = member.lastError?.code ?? member.status;
      const message = member.lastError?.message ?? `indexing ${member.status}`;
      sink({ type: 'file-failed', store: storeAt, file: change.address, code, message });
      const diagnostic: Diagnostic = {
        severity: 'error',
        code: 'INDEXING_FAILED',
        message: `${change.address}: the file failed to index (${code}: ${message})`,
        ...(change.source ? { location: change.source } : {}),
      };
      run.failed.add(change.address);
      run.errors.push(diagnostic);
      // Attached, but not usable: the state says so, and the next plan attaches it again.
      run.input.recorder.record((doc) => {
        const held = doc.resources[change.address];
        // Replaced, not edited: the recorder logs what is assigned (see StateRecorder).
        if (held?.kind === 'vector_store_file' && held.id === member.id)
          doc.resources[change.address] = { ...held, failed: { code, message } };
      });
      sink({
        type: 'resource-failed',
        address: change.address,
        kind: change.kind,
        action: change.action,
        error: diagnostic,
      });
    }
    const lastMember = page.data.at(-1);
    if (!page.hasMore || !lastMember) return;
    after = lastMember.id;
  }
}

function pick(status: BatchStatus) {
  return {
    completed: status.counts.completed,
    failed: status.counts.failed + status.counts.cancelled,
    total: status.counts.total,
  };
}

/** Detaches members that left the manifests, then the old attachments of replaced files. */
export async function deleteMemberships(run: ApplyRun, changes: readonly Change[]): Promise<void> {
  await run.deleteKind(changes, 'vector_store_file');
  // The old attachment stays until its replacement is attached and indexed. One of an old file
  // that goes too is left to the file's delete (see deleteFiles), which detaches it everywhere.
  const oldFiles = new Set(run.deposed.filter((d) => d.kind === 'file').map((d) => d.id));
  await run.each(
    run.deposed.filter((d) => d.kind === 'vector_store_file' && !oldFiles.has(d.id)),
    (old) => detachDeposed(run, old),
  );
}

/** Removes an old attachment, unless its replacement failed or apply is stopping. */
export async function detachDeposed(run: ApplyRun, old: Deposed): Promise<void> {
  if (run.stopped || run.failed.has(old.address)) return;
  await run.deleteDeposed(old);
}
