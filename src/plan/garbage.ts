import type { Diagnostic } from '../errors/index.js';
import type { Address, ResourceKind } from '../model/address.js';
import { compareCodeUnits, sortedEntries } from '../model/order.js';
import { type Change, PLAN_FORMAT_VERSION, type Plan } from '../model/plan.js';
import type { AccountView } from '../provider/refresh.js';
import type { StateDocument } from '../state/state-document.js';
import { fileProblem, ownershipError, stampOf, stampProblem } from './ownership.js';

export interface GarbageOptions {
  /** Expired stores of this state, and files only they used. */
  expired: boolean;
  /** Stores and assistants stamped with this state's lineage but absent from it. */
  leaked: boolean;
  /** Any expired store in the project, ours or not (with a warning). */
  allExpired: boolean;
}

/**
 * What `gc` deletes, as a plan of deletes (pure). Only expired stores, files that nothing but
 * expired stores used, and resources stamped by this very state that it lost track of; with
 * `allExpired`, also other expired stores. Never a live store that has not expired, and nothing
 * unstamped unless `allExpired` and expired. Deletes are ordered assistants, stores, files.
 */
export function collectGarbage(
  state: StateDocument,
  account: AccountView,
  options: GarbageOptions,
  manifestDigest = '',
): Plan {
  const changes: Change[] = [];
  const warnings: Diagnostic[] = [];
  const errors: Diagnostic[] = [];
  const stateIds = new Set(Object.values(state.resources).map((r) => r.id));
  const forgotten = new Set((state.forgotten ?? []).map((f) => f.id));
  const referenced = referencedIds(state, account);
  const expiredStores = new Set<string>();
  const keep = (address: Address, id: string, why: string) =>
    warnings.push({
      severity: 'warning',
      code: address.startsWith('file.') ? 'FILE_IN_USE' : 'STORE_IN_USE',
      message: `${address} (${id}) is left in place: ${why}`,
    });

  if (options.expired) {
    for (const [address, resource] of sortedEntries(state.resources)) {
      if (resource.kind !== 'vector_store') continue;
      const live = account.vectorStores.get(resource.id);
      if (live?.status !== 'expired') continue;
      const recorded = resource.attributes.metadata;
      const problem = stampProblem(live.attributes.metadata, state.lineage, address, recorded);
      if (problem) {
        errors.push(ownershipError(address, resource.id, problem, 'delete'));
        continue;
      }
      expiredStores.add(resource.id);
      changes.push(deletion(address, 'vector_store', resource.id, 'expired', resource.attributes));
    }
    for (const [address, resource] of sortedEntries(state.resources)) {
      if (resource.kind !== 'file') continue;
      const live = account.files.get(resource.id);
      if (!live || !onlyExpiredUse(state, resource.id, expiredStores)) continue;
      const user = referenced.get(resource.id);
      if (user) keep(address, resource.id, `${user} still uses it`);
      else {
        const problem = fileProblem(resource.attributes, live.attributes);
        if (problem) errors.push(ownershipError(address, resource.id, problem, 'delete'));
        else changes.push(deletion(address, 'file', resource.id, 'unused', resource.attributes));
      }
    }
  }

  if (options.leaked) {
    const leaked = [
      ...[...account.vectorStores.values()].map((store) => ({ kind: 'vector_store' as const, found: store })),
      ...[...(account.assistants?.values() ?? [])].map((a) => ({ kind: 'assistant' as const, found: a })),
    ];
    for (const { kind, found } of leaked) {
      const stamp = stampOf(found.attributes.metadata);
      if (stateIds.has(found.id) || stamp?.lineage !== state.lineage || forgotten.has(found.id)) continue;
      const address = stamp.address ?? `${kind}.${found.id}`;
      const user = referenced.get(found.id);
      if (user) keep(address, found.id, `it carries this state's stamp but ${user} uses it`);
      else changes.push(deletion(address, kind, found.id, 'leaked', found.attributes));
    }
  }

  if (options.allExpired) {
    const taken = new Set(changes.map((c) => c.id));
    for (const store of account.vectorStores.values()) {
      if (store.status !== 'expired' || taken.has(store.id) || stateIds.has(store.id)) continue;
      const address = `vector_store.${store.id}`;
      const user = referenced.get(store.id);
      if (user) {
        keep(address, store.id, `it is expired, but ${user} still names it`);
        continue;
      }
      changes.push(deletion(address, 'vector_store', store.id, 'expired', store.attributes));
      warnings.push({
        severity: 'warning',
        code: 'FOREIGN_EXPIRED_STORE',
        message: `--all-expired: ${store.id} ("${store.attributes.name}") is expired and not managed by this stack; it is deleted too`,
      });
    }
  }

  const rank: Record<ResourceKind, number> = { assistant: 0, vector_store_file: 1, vector_store: 2, file: 3 };
  changes.sort((a, b) => rank[a.kind] - rank[b.kind] || compareCodeUnits(a.address, b.address));
  return {
    formatVersion: PLAN_FORMAT_VERSION,
    stack: state.stack,
    lineage: state.lineage,
    serial: state.serial,
    manifestDigest,
    refreshed: true,
    targets: [],
    changes,
    drift: [],
    expiries: [],
    errors,
    warnings,
  };
}

/**
 * Ids that a managed resource points at, with the first one that does: the stores and files in
 * the tool resources of every managed assistant, as the state recorded them and as the API reports
 * them now (a change made outside counts too). gc never deletes one of these.
 */
function referencedIds(state: StateDocument, account: AccountView): Map<string, Address> {
  const users = new Map<string, Address>();
  for (const [address, resource] of sortedEntries(state.resources)) {
    if (resource.kind !== 'assistant') continue;
    const live = account.assistants?.get(resource.id)?.attributes.tool_resources;
    for (const resources of [resource.attributes.tool_resources, live]) {
      const ids = [
        ...(resources?.file_search?.vector_store_ids ?? []),
        ...(resources?.code_interpreter?.file_ids ?? []),
      ];
      for (const id of ids) if (typeof id === 'string' && !users.has(id)) users.set(id, address);
    }
  }
  return users;
}

/** A file used by at least one expired store of this state, and by nothing else managed. */
function onlyExpiredUse(state: StateDocument, fileId: string, expiredStores: ReadonlySet<string>): boolean {
  let expiredUse = false;
  for (const resource of Object.values(state.resources)) {
    if (resource.kind === 'vector_store_file' && resource.id === fileId) {
      if (!expiredStores.has(String(resource.attributes.vector_store_id))) return false;
      expiredUse = true;
    }
    if (
      resource.kind === 'assistant' &&
      resource.attributes.tool_resources.code_interpreter?.file_ids.includes(fileId)
    )
      return false;
  }
  return expiredUse;
}

function deletion(
  address: Address,
  kind: ResourceKind,
  id: string,
  reason: Change['reason'],
  before: object,
): Change {
  return {
    address,
    kind,
    action: 'delete',
    reason,
    id,
    before: before as Change['before'],
    after: null,
    changedPaths: [],
    replacePaths: [],
    dependencies: [],
  };
}
