import { type Address, fileAddress, vectorStoreAddress } from '../../model/address.js';
import type { MembershipAttributes } from '../../model/attributes.js';
import type { DesiredMembership, DesiredVectorStore } from '../../model/desired.js';
import { normalizeChunking } from '../../model/normalize.js';
import { type Action, isReplace } from '../../model/plan.js';
import { indexFailure } from '../observe.js';
import { type Decision, type IdOf, NO_OP, UPDATE, type WantedOf, wantedEntry } from './wanted.js';

/** Memberships (`vector_store_file`) for the planner: they follow their store and their file. */

/** What a membership needs first: its store, and its file unless the file is attached by id. */
export function membershipDependencies(member: DesiredMembership): Address[] {
  const store = vectorStoreAddress(member.store);
  return member.fileId === undefined ? [fileAddress(member.file), store] : [store];
}

/** Files are attached with their store's chunking, so the store's setting is each member's. */
export function desiredMembershipAttributes(
  member: DesiredMembership,
  store: DesiredVectorStore | undefined,
  idOf: IdOf,
): MembershipAttributes {
  return {
    vector_store_id: idOf(vectorStoreAddress(member.store)),
    file_id: member.fileId ?? idOf(fileAddress(member.file)),
    attributes: { ...(member.attributes ?? {}) },
    chunking_strategy: normalizeChunking(store?.chunking_strategy),
  };
}

/**
 * A membership follows its store and file: one attached to another store than planned (a replaced
 * or new store) is remade after the store, one of another file (a replaced or new upload) is
 * attached anew before the old one is detached. Chunking cannot be changed on an attached file, so
 * it is detached and attached again; one whose file failed to index (`indexFailed`) is attached
 * again; attributes update in place.
 */
export function decideMembership(
  before: MembershipAttributes,
  after: MembershipAttributes,
  changed: readonly string[],
  storeAction: Action | undefined,
  fileAction: Action | undefined,
  indexFailed = false,
): Decision {
  if (isReplace(storeAction) || storeAction === 'create' || before.vector_store_id !== after.vector_store_id)
    return { action: 'delete-create', reason: 'dependency_replaced', replacePaths: ['vector_store_id'] };
  if (isReplace(fileAction) || fileAction === 'create' || before.file_id !== after.file_id)
    return { action: 'create-delete', reason: 'dependency_replaced', replacePaths: ['file_id'] };
  if (changed.includes('chunking_strategy'))
    return { action: 'delete-create', reason: 'cannot_update', replacePaths: ['chunking_strategy'] };
  if (indexFailed) return { action: 'delete-create', reason: 'index_failed', replacePaths: [] };
  return changed.length > 0 ? UPDATE : NO_OP;
}

export const wantedMemberships: WantedOf = ({ desired, idOf, planned }) => {
  const stores = new Map(desired.vectorStores.map((store) => [store.name, store]));
  return desired.memberships.map((member) => {
    const storeAt = vectorStoreAddress(member.store);
    const fileAt = member.fileId === undefined ? fileAddress(member.file) : undefined;
    const after = desiredMembershipAttributes(member, stores.get(member.store), idOf);
    return wantedEntry(
      member,
      'vector_store_file',
      membershipDependencies(member),
      after,
      (before, changed, seen, resource) =>
        decideMembership(
          before as typeof after,
          after,
          changed,
          planned.get(storeAt),
          fileAt === undefined ? undefined : planned.get(fileAt),
          indexFailure(resource, seen) !== undefined,
        ),
    );
  });
};
