import { type Address, fileAddress, parseAddress, vectorStoreAddress } from '../../model/address.js';
import type { MembershipAttributes } from '../../model/attributes.js';
import type { DesiredMembership, DesiredVectorStore } from '../../model/desired.js';
import { normalizeChunking } from '../../model/normalize.js';
import { type Action, isReplace } from '../../model/plan.js';
import { indexFailure, overlaid } from '../observation.js';
import { stampProblem } from '../stamps.js';
import {
  type Decision,
  declaredAt,
  type IdOf,
  NO_OP,
  type PlanKind,
  UPDATE,
  type WantedOf,
  wantedEntry,
} from './wanted.js';

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
function decideMembership(
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

const wantedMemberships: WantedOf = ({ desired, idOf, planned }) => {
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

export const VECTOR_STORE_FILE_PLAN: PlanKind<'vector_store_file'> = {
  wanted: wantedMemberships,
  observe(resource, live) {
    const storeId = String(resource.attributes.vector_store_id);
    const members = live.members.get(storeId);
    // An expired store's files are not listed (it is replaced whole): assume them as recorded.
    if (!members && live.vectorStores.has(storeId))
      return { status: 'assumed', attributes: resource.attributes };
    const member = members?.get(resource.id);
    const indexError =
      member?.status === 'failed'
        ? (member.lastError?.message ?? 'indexing failed')
        : member?.status === 'cancelled'
          ? 'indexing was cancelled'
          : undefined;
    return overlaid(resource, member?.attributes, indexError ? { indexError } : {});
  },
  // A membership must hang on the store the state holds at its store address, which must be this
  // stack's: a membership is changed through its store.
  ownership(address, resource, state, view) {
    const store = parseAddress(address)?.store;
    const storeAt = store === undefined ? undefined : vectorStoreAddress(store);
    const held = storeAt === undefined ? undefined : state.resources[storeAt];
    const storeId = String(resource.attributes.vector_store_id);
    if (held?.kind !== 'vector_store' || held.id !== storeId)
      return {
        code: 'OWNED_ELSEWHERE',
        message: `is attached to ${storeId}, which is not the store this state holds at ${storeAt ?? 'its store address'} (${held ? held.id : 'none'})`,
      };
    const found = view.vectorStores.get(storeId);
    const problem =
      found &&
      stampProblem(found.attributes.metadata, state.lineage, storeAt as Address, held.attributes.metadata);
    return problem
      ? { code: 'OWNED_ELSEWHERE', message: `is attached to ${storeId}, which ${problem.message}` }
      : undefined;
  },
  imported(address, live, desired) {
    const member = declaredAt(desired.memberships, address);
    const resource = {
      kind: 'vector_store_file' as const,
      id: live.id,
      attributes: live.attributes,
      dependencies: membershipDependencies(member),
      protect: false,
    };
    return { resource, notes: [] };
  },
};
