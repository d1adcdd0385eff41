import type { Diagnostic } from '../errors/index.js';
import type { Address } from '../model/address.js';
import type { Desired } from '../model/desired.js';
import type { LiveView } from '../model/live.js';
import { type Change, isReplace, type StoreExpiry } from '../model/plan.js';
import type { StateResource } from '../state/state-document.js';
import { agrees, counted } from '../util/words.js';
import { indexFailure, type Observation } from './observation.js';

interface WarningInput {
  desired: Desired;
  resources: Record<Address, StateResource>;
  observations: ReadonlyMap<Address, Observation>;
  live: LiveView | undefined;
  changes: readonly Change[];
  expiries: readonly StoreExpiry[];
}

/**
 * A store used by an assistant and expiring sooner than this gets a warning; a store whose own
 * window is shorter than twice this, once less than half its window is left (a store with
 * `days: 7` used today is not "expiring soon").
 */
export const EXPIRY_WARNING_SECONDS = 7 * 86_400;

/** Managed stores with an expiry the API reports, soonest first, with the assistants using them. */
export function storeExpiries(
  desired: Desired,
  resources: Record<Address, StateResource>,
  live: LiveView | undefined,
  now: number | undefined,
): StoreExpiry[] {
  if (!live || now === undefined) return [];
  const expiries: StoreExpiry[] = [];
  for (const [address, resource] of Object.entries(resources)) {
    if (resource.kind !== 'vector_store') continue;
    const expiresAt = live.vectorStores.get(resource.id)?.expiresAt;
    if (expiresAt === null || expiresAt === undefined) continue;
    const name = address.slice('vector_store.'.length);
    const usedBy = desired.assistants
      .filter((a) => a.toolResources.file_search?.vector_stores.includes(name))
      .map((a) => a.address);
    expiries.push({ address, id: resource.id, expiresAt, secondsLeft: expiresAt - now, usedBy });
  }
  return expiries.sort((a, b) => a.expiresAt - b.expiresAt);
}

/**
 * What a reviewer should know that is not a change: files that failed to index, files someone
 * attached to a managed store by hand (left alone: nothing unmanaged is ever removed), and raw ids
 * in the manifests that name a managed resource this plan deletes or replaces.
 */
export function planWarnings(input: WarningInput): Diagnostic[] {
  return [
    ...indexing(input),
    ...unmanagedMembers(input),
    ...rawIdsOfGoingResources(input),
    ...expiringSoon(input),
  ];
}

function* expiringSoon({ expiries, desired }: WarningInput): Generator<Diagnostic> {
  const windows = new Map(desired.vectorStores.map((s) => [s.address, s.expires_after?.days]));
  for (const expiry of expiries) {
    const days = windows.get(expiry.address);
    const threshold = Math.min(EXPIRY_WARNING_SECONDS, days === undefined ? Infinity : (days * 86_400) / 2);
    if (expiry.usedBy.length === 0 || expiry.secondsLeft <= 0 || expiry.secondsLeft > threshold) continue;
    const users = expiry.usedBy.length;
    yield {
      severity: 'warning',
      code: 'STORE_EXPIRES_SOON',
      message: `${expiry.address} expires in ${counted(Math.ceil(expiry.secondsLeft / 86_400), 'day')} unless used, and ${expiry.usedBy.join(', ')} ${agrees(users, 'relies', 'rely')} on it; any search resets the clock (anchor last_active_at), or raise expires_after.days`,
    };
  }
}

function* indexing({ desired, observations, resources }: WarningInput): Generator<Diagnostic> {
  for (const member of desired.memberships) {
    const observation = observations.get(member.address);
    const resource = resources[member.address];
    const why = resource && observation ? indexFailure(resource, observation) : undefined;
    if (why === undefined) continue;
    yield {
      severity: 'warning',
      code: 'INDEXING_FAILED',
      message: `${member.file} failed to index in vector store ${member.store}: ${why}; this plan attaches it again`,
      location: member.source,
    };
  }
}

function* unmanagedMembers({ resources, live }: WarningInput): Generator<Diagnostic> {
  if (!live) return;
  const managed = new Map<unknown, Set<string>>();
  for (const resource of Object.values(resources)) {
    if (resource.kind !== 'vector_store_file') continue;
    const storeId = resource.attributes.vector_store_id;
    managed.set(storeId, (managed.get(storeId) ?? new Set()).add(resource.id));
  }
  for (const [address, resource] of Object.entries(resources)) {
    if (resource.kind !== 'vector_store') continue;
    const members = live.members.get(resource.id);
    const foreign = [...(members?.keys() ?? [])].filter((id) => !managed.get(resource.id)?.has(id)).sort();
    if (foreign.length === 0) continue;
    const shown =
      foreign.slice(0, 5).join(', ') + (foreign.length > 5 ? `, and ${foreign.length - 5} more` : '');
    yield {
      severity: 'warning',
      code: 'UNMANAGED_MEMBERS',
      message: `${address} (${resource.id}) holds ${counted(foreign.length, 'file')} attached outside assistants-iac (${shown}); ${agrees(foreign.length, 'it is left as it is', 'they are left as they are')}`,
    };
  }
}

function* rawIdsOfGoingResources({ desired, resources, changes }: WarningInput): Generator<Diagnostic> {
  const going = new Map<string, Address>();
  for (const change of changes) {
    const resource = resources[change.address];
    if (resource && (change.action === 'delete' || isReplace(change.action)))
      going.set(resource.id, change.address);
  }
  for (const member of desired.memberships) {
    const address = member.fileId === undefined ? undefined : going.get(member.fileId);
    if (!address) continue;
    yield {
      severity: 'warning',
      code: 'MANAGED_ID_BY_VALUE',
      message: `${member.address} attaches ${member.fileId} by id, which is ${address}, and this plan deletes or replaces it; name the file instead`,
      location: member.source,
    };
  }
  for (const assistant of desired.assistants) {
    const raw = [
      ...(assistant.toolResources.file_search?.vector_store_ids ?? []),
      ...(assistant.toolResources.code_interpreter?.file_ids ?? []),
    ];
    for (const id of raw) {
      const address = going.get(id);
      if (!address) continue;
      yield {
        severity: 'warning',
        code: 'MANAGED_ID_BY_VALUE',
        message: `${assistant.address} names ${id} by id, which is ${address}, and this plan deletes or replaces it; name it by reference instead`,
        location: assistant.source,
      };
    }
  }
}
