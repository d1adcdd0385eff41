import { randomUUID } from 'node:crypto';
import type { Address } from '../model/address.js';
import type { Change } from '../model/plan.js';
import type { StateDocument } from '../state/state-document.js';
import { removePending } from './journal.js';

/**
 * The old half of a `create-delete` (a replaced file, or a file's old attachment): kept in the
 * journal as a pending delete from the moment its replacement is recorded until it is removed,
 * so that no crash leaks it. `pendingId` is that journal entry.
 */
export interface Deposed {
  address: Address;
  kind: 'file' | 'vector_store_file';
  id: string;
  /** For an attachment: its store. */
  storeId?: string;
  /**
   * For a file: the name and size the state recorded for it. Files carry no stamp, so this is
   * how the delete is checked to hit the file this stack uploaded (see ApplyRun.deleteDeposed).
   */
  expect?: { filename: string; bytes: number };
  pendingId: string;
}

/** Journals the old id of a replaced resource as a pending delete; returns what to remove later. */
export function depose(
  doc: StateDocument,
  address: Address,
  kind: Deposed['kind'],
  id: string,
  along: { storeId?: string; expect?: { filename: string; bytes: number } } = {},
): Deposed {
  const { storeId, expect } = along;
  const pendingId = randomUUID();
  doc.pending.push({
    id: pendingId,
    address,
    kind,
    operation: 'delete',
    started_at: new Date().toISOString(),
    resource_id: id,
    ...(storeId ? { match: { vector_store_id: storeId, file_id: id } } : {}),
    ...(expect ? { match: { filename: expect.filename, bytes: expect.bytes } } : {}),
  });
  return { address, kind, id, pendingId, ...(storeId ? { storeId } : {}), ...(expect ? { expect } : {}) };
}

/** Drops the journal entry of a deposed object once it is gone. */
export function undepose(doc: StateDocument, deposed: Deposed): void {
  removePending(doc, [deposed.pendingId]);
}

/**
 * Old halves an earlier run left (its delete phase did not come, or the old file was still in
 * use): pending deletes of ids the state no longer holds at their address. This run removes them
 * once nothing uses them.
 */
export function leftoverDeposed(doc: StateDocument): Deposed[] {
  return doc.pending.flatMap((op) => {
    if (op.operation !== 'delete' || !op.resource_id) return [];
    if (op.kind !== 'file' && op.kind !== 'vector_store_file') return [];
    if (doc.resources[op.address]?.id === op.resource_id) return [];
    const storeId = op.match?.vector_store_id;
    if (op.kind === 'vector_store_file' && !storeId) return [];
    const { filename, bytes } = op.match ?? {};
    const expect = filename !== undefined && bytes !== undefined ? { filename, bytes } : undefined;
    return [
      {
        address: op.address,
        kind: op.kind,
        id: op.resource_id,
        pendingId: op.id,
        ...(storeId ? { storeId } : {}),
        ...(expect ? { expect } : {}),
      },
    ];
  });
}

/** A change to report a deposed object's removal under (its address may have no change left). */
export function deposedChange(deposed: Deposed, plan: readonly Change[]): Change {
  const planned = plan.find((change) => change.address === deposed.address);
  return {
    address: deposed.address,
    kind: deposed.kind,
    action: 'create-delete',
    reason: planned?.reason ?? 'content_changed',
    id: deposed.id,
    before: null,
    after: null,
    changedPaths: [],
    replacePaths: [],
    dependencies: [],
    ...(planned?.source ? { source: planned.source } : {}),
  };
}
