import type { Diagnostic } from '../errors/index.js';
import type { Address } from '../model/address.js';
import type { AssistantToolResources } from '../model/attributes.js';
import { isStamped, KINDS, type ResourceKind } from '../model/kinds.js';
import type { AccountView } from '../model/live.js';
import { compareCodeUnits, sortedEntries } from '../model/order.js';
import { type Change, PLAN_FORMAT_VERSION, type Plan } from '../model/plan.js';
import { idsNamedBy, type StateDocument } from '../state/state-document.js';
import { leakedSkills } from './garbage-skills.js';
import { stateOwnershipErrors } from './ownership.js';
import { NO_OTHER_STATES, type OtherStates } from './skill-claims.js';
import { liveStampHolder, stampOf } from './stamps.js';

export interface GarbageOptions {
  /** Expired stores of this state, and files only they used. */
  expired: boolean;
  /** Stores and assistants stamped with this state's lineage but absent from it. */
  leaked: boolean;
  /** Any expired store in the project, ours or not (with a warning). */
  allExpired: boolean;
  /**
   * With `leaked`: skills whose name starts with it are this stack's to collect when no state of
   * the stack holds them (see leakedSkills); without it, no skill is ever collected.
   */
  skillPrefix?: string;
}

/**
 * What `gc` deletes, as a plan of deletes (pure). Only expired stores, files that nothing but
 * expired stores used, and resources stamped by this very state that it lost track of; with
 * `allExpired`, also other expired stores; with `skillPrefix`, skills so named that no state of
 * the stack (this one, or one of `others`, the other workspaces' states) holds. Never a live store
 * that has not expired, and nothing unstamped unless `allExpired` and expired, or a skill named
 * with the prefix. Deletes are ordered skills, assistants, stores, files.
 */
export function collectGarbage(
  state: StateDocument,
  account: AccountView,
  options: GarbageOptions,
  manifestDigest = '',
  others: OtherStates = NO_OTHER_STATES,
): Plan {
  const changes: Change[] = [];
  const warnings: Diagnostic[] = [];
  // One id of the state that is not this stack's makes the whole state suspect (a bad merge, or
  // another stack's lineage): nothing is collected then.
  const errors = stateOwnershipErrors(state, account);
  if (errors.length > 0) return garbagePlan(state, manifestDigest, [], errors, warnings);
  const stateIds = new Set(Object.values(state.resources).map((r) => r.id));
  const forgotten = new Set((state.forgotten ?? []).map((f) => f.id));
  const { managed: managedUse, any: anyUse } = referencedIds(state, account);
  const expiredStores = new Set<string>();
  const keep = (address: Address, id: string, why: string) =>
    warnings.push({
      severity: 'warning',
      code: address.startsWith('file.') ? 'FILE_IN_USE' : 'STORE_IN_USE',
      message: `${address} (${id}) is left in place: ${why}`,
    });

  if (options.expired) {
    for (const [address, resource] of sortedEntries(state.resources)) {
      if (resource.kind !== 'vector_store' || account.vectorStores.get(resource.id)?.status !== 'expired')
        continue;
      const user = managedUse.get(resource.id);
      // An expired store cannot be searched; the next apply replaces it and re-points its users.
      if (user) keep(address, resource.id, `it expired, but ${user} still names it; apply replaces it`);
      else {
        expiredStores.add(resource.id);
        changes.push(deletion(address, 'vector_store', resource.id, 'expired', resource.attributes));
      }
    }
    for (const [address, resource] of sortedEntries(state.resources)) {
      if (resource.kind !== 'file' || !account.files.has(resource.id)) continue;
      if (!onlyExpiredUse(state, resource.id, expiredStores)) continue;
      const user = managedUse.get(resource.id);
      if (user) keep(address, resource.id, `${user} still uses it`);
      else changes.push(deletion(address, 'file', resource.id, 'unused', resource.attributes));
    }
  }

  if (options.leaked) {
    const proven = lineageProven(state, account);
    const journalled = new Set(
      state.pending.filter((op) => op.operation === 'create').map((op) => op.address),
    );
    const leaked = [
      ...[...account.vectorStores.values()].map((store) => ({ kind: 'vector_store' as const, found: store })),
      ...[...(account.assistants?.values() ?? [])].map((a) => ({ kind: 'assistant' as const, found: a })),
    ];
    for (const { kind, found } of leaked) {
      const stamp = stampOf(found.attributes.metadata);
      if (stateIds.has(found.id) || stamp?.lineage !== state.lineage || forgotten.has(found.id)) continue;
      const address = stamp.address ?? `${kind}.${found.id}`;
      const user = anyUse.get(found.id);
      if (user) keep(address, found.id, `it carries this state's stamp but ${user} uses it`);
      else if (!proven && !journalled.has(address))
        warnings.push({
          severity: 'warning',
          code: 'LEAK_UNPROVEN',
          message: `${address} (${found.id}) carries this state's lineage, but the state holds no store or assistant whose stamp proves that lineage its own, and no journal entry names it: left in place`,
        });
      else changes.push(deletion(address, kind, found.id, 'leaked', found.attributes));
    }
    const skills = leakedSkills(state, account, options.skillPrefix, others);
    for (const { address, skill } of skills.leaked)
      changes.push(deletion(address, 'skill', skill.id, 'leaked', skill.attributes));
    warnings.push(...skills.warnings);
  }

  if (options.allExpired) {
    const taken = new Set(changes.map((c) => c.id));
    for (const store of account.vectorStores.values()) {
      if (store.status !== 'expired' || taken.has(store.id) || stateIds.has(store.id)) continue;
      const address = `vector_store.${store.id}`;
      const user = anyUse.get(store.id);
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

  return garbagePlan(state, manifestDigest, changes, errors, warnings);
}

/** The deletes as a plan, in reverse dependency order: skills, assistants, stores, then files. */
function garbagePlan(
  state: StateDocument,
  manifestDigest: string,
  changes: Change[],
  errors: Diagnostic[],
  warnings: Diagnostic[],
): Plan {
  changes.sort((a, b) => KINDS[b.kind].order - KINDS[a.kind].order || compareCodeUnits(a.address, b.address));
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
 * Whether the state shows that its lineage is its own: it holds a store or assistant that the API
 * reports with this lineage's stamp for that very address (or, moved and not yet stamped anew, for
 * the address its recorded stamp names). A state whose lineage was copied from
 * another stack's holds none (its own objects carry its old lineage), and must not collect that
 * stack's objects as leaks.
 */
function lineageProven(state: StateDocument, account: AccountView): boolean {
  return Object.entries(state.resources).some(([address, resource]) => {
    if (!isStamped(resource.kind)) return false;
    const stamp = stampOf(
      liveStampHolder(account, { kind: resource.kind, id: resource.id })?.attributes.metadata,
    );
    if (stamp?.lineage !== state.lineage) return false;
    // A moved resource not yet stamped anew names the address its recorded stamp names.
    const recorded =
      resource.kind === 'vector_store' || resource.kind === 'assistant'
        ? stampOf(resource.attributes.metadata)
        : undefined;
    return (
      stamp.address === address || (recorded?.lineage === state.lineage && stamp.address === recorded.address)
    );
  });
}

/**
 * Ids that an assistant or agent points at, with the first one that does: the stores and files in
 * its tool resources (an agent's rendered request). `managed`: the assistants of this state, as recorded and as the API reports them now
 * (a change made outside counts too); `any`: those and every assistant of the account (another
 * stack's, or one made by hand). gc never deletes one of these.
 */
function referencedIds(
  state: StateDocument,
  account: AccountView,
): { managed: Map<string, string>; any: Map<string, string> } {
  const add = (users: Map<string, string>, user: string, resources: AssistantToolResources | undefined) => {
    for (const id of [
      ...(resources?.file_search?.vector_store_ids ?? []),
      ...(resources?.code_interpreter?.file_ids ?? []),
    ])
      if (typeof id === 'string' && !users.has(id)) users.set(id, user);
  };
  const managed = new Map<string, string>();
  const managedIds = new Set<string>();
  for (const [address, resource] of sortedEntries(state.resources)) {
    // What each names as recorded; an assistant also as the API reports it now (an agent has no
    // API object: it names what it was last rendered with).
    const named = idsNamedBy(resource);
    for (const id of [...named.stores, ...named.files]) if (!managed.has(id)) managed.set(id, address);
    if (resource.kind !== 'assistant') continue;
    managedIds.add(resource.id);
    add(managed, address, account.assistants?.get(resource.id)?.attributes.tool_resources);
  }
  const any = new Map(managed);
  for (const assistant of account.assistants?.values() ?? [])
    if (!managedIds.has(assistant.id))
      add(any, `assistant ${assistant.id}`, assistant.attributes.tool_resources);
  return { managed, any };
}

/** A file used by at least one expired store of this state, and by nothing else managed. */
function onlyExpiredUse(state: StateDocument, fileId: string, expiredStores: ReadonlySet<string>): boolean {
  let expiredUse = false;
  for (const resource of Object.values(state.resources)) {
    if (resource.kind === 'vector_store_file' && resource.id === fileId) {
      if (!expiredStores.has(String(resource.attributes.vector_store_id))) return false;
      expiredUse = true;
    }
    if (idsNamedBy(resource).files.includes(fileId)) return false;
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
