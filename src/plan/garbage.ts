import type { Diagnostic } from '../errors/index.js';
import type { Address, ResourceKind } from '../model/address.js';
import { compareCodeUnits } from '../model/order.js';
import { type Change, PLAN_FORMAT_VERSION, type Plan } from '../model/plan.js';
import { STAMP_ADDRESS_KEY, STAMP_LINEAGE_KEY } from '../model/stamp.js';
import type { AccountView } from '../provider/refresh.js';
import type { StateDocument } from '../state/state-document.js';

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
  const stateIds = new Set(Object.values(state.resources).map((r) => r.id));
  const expiredStores = new Set<string>();

  if (options.expired) {
    for (const [address, resource] of Object.entries(state.resources)) {
      if (resource.kind !== 'vector_store' || account.vectorStores.get(resource.id)?.status !== 'expired')
        continue;
      expiredStores.add(resource.id);
      changes.push(deletion(address, 'vector_store', resource.id, 'expired', resource.attributes));
    }
    for (const [address, resource] of Object.entries(state.resources)) {
      if (resource.kind !== 'file' || !account.files.has(resource.id)) continue;
      if (onlyExpiredUse(state, resource.id, expiredStores))
        changes.push(deletion(address, 'file', resource.id, 'unused', resource.attributes));
    }
  }

  if (options.leaked) {
    const ours = (metadata: Record<string, string>) => metadata[STAMP_LINEAGE_KEY] === state.lineage;
    for (const store of account.vectorStores.values()) {
      if (stateIds.has(store.id) || !ours(store.attributes.metadata)) continue;
      const address = store.attributes.metadata[STAMP_ADDRESS_KEY] ?? `vector_store.${store.id}`;
      changes.push(deletion(address, 'vector_store', store.id, 'leaked', store.attributes));
    }
    for (const assistant of account.assistants?.values() ?? []) {
      if (stateIds.has(assistant.id) || !ours(assistant.attributes.metadata)) continue;
      const address = assistant.attributes.metadata[STAMP_ADDRESS_KEY] ?? `assistant.${assistant.id}`;
      changes.push(deletion(address, 'assistant', assistant.id, 'leaked', assistant.attributes));
    }
  }

  if (options.allExpired) {
    const taken = new Set(changes.map((c) => c.id));
    for (const store of account.vectorStores.values()) {
      if (store.status !== 'expired' || taken.has(store.id) || stateIds.has(store.id)) continue;
      changes.push(
        deletion(`vector_store.${store.id}`, 'vector_store', store.id, 'expired', store.attributes),
      );
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
    errors: [],
    warnings,
  };
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
