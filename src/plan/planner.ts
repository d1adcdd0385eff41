import type { Diagnostic } from '../errors/index.js';
import { type Address, parseAddress, vectorStoreAddress } from '../model/address.js';
import { type SkillAttributes, UNKNOWN } from '../model/attributes.js';
import type { Desired } from '../model/desired.js';
import { KINDS_IN_DELETE_ORDER, KINDS_IN_ORDER } from '../model/kinds.js';
import type { LiveView } from '../model/live.js';
import { type AddressMove, movedAddress } from '../model/moves.js';
import { sortedEntries } from '../model/order.js';
import {
  type Action,
  type Change,
  type Drift,
  isReplace,
  PLAN_FORMAT_VERSION,
  type Plan,
} from '../model/plan.js';
import { DEFAULT_STORAGE_PRICES, type StoragePrices } from '../model/storage-cost.js';
import { moveResources } from '../state/move-resources.js';
import type { StateDocument, StateResource } from '../state/state-document.js';
import { pushAll } from '../util/arrays.js';
import { estimateStorage } from './estimate-storage.js';
import { planKindOf } from './kinds/registry.js';
import type { IdOf, Wanted } from './kinds/wanted.js';
import { moveConflictErrors } from './move-conflicts.js';
import { changedPaths, type Observation } from './observation.js';
import { findDrift, observe } from './observe.js';
import { stateOwnershipErrors } from './ownership.js';
import { planWarnings, storeExpiries } from './plan-warnings.js';
import { effectiveProtection, protectionErrors } from './protect.js';
import { replaceWarnings, withRequestedReplace } from './replace-requests.js';
import { targetScope } from './targets.js';

/** Everything the planner needs, gathered beforehand (see prepare-plan.ts). */
export interface PlanInput {
  desired: Desired;
  /**
   * Content sha256 of desired files, by file name: at least of every file the state holds. A file
   * without one is planned with its hash UNKNOWN (a create, whatever its content).
   */
  hashes: ReadonlyMap<string, string>;
  /** Undefined when nothing has been applied yet. */
  state: StateDocument | undefined;
  /** Undefined with --refresh=false: the state then stands in for the API. */
  live: LiveView | undefined;
  /** The state's lineage, or the one a first apply will write. */
  lineage: string;
  manifestDigest: string;
  targets: readonly Address[];
  /** --replace: resources to make anew though nothing forces it (see replace-requests.ts). */
  replace?: readonly Address[];
  /** --refresh-only: plan no change, only the drift, which apply then records in the state. */
  refreshOnly?: boolean;
  /** Unix seconds of the reading of the clock, for time to expiry (the planner has no clock). */
  now?: number;
  /** What storage costs (--storage-price-per-gb-day, --storage-free-gb); the published prices by default. */
  prices?: StoragePrices;
}

/**
 * Desired × state × live → Plan. Pure and synchronous: no I/O, no clock, no randomness; the same
 * inputs give the same plan. Never throws for a plan that cannot be carried out (a protected
 * resource to delete): it returns the reasons in `errors`.
 */
export function makePlan(input: PlanInput): Plan {
  const { desired, state, live } = input;
  // The manifests' `moved:` entries re-key the state before anything is compared: a renamed
  // resource is the same resource under its new address, not a delete and a create.
  const moves = desired.moves ?? [];
  const rekeyed = moveResources(state?.resources ?? {}, (address) => movedAddress(address, moves));
  const resources: Record<Address, StateResource> = rekeyed.resources;
  const previous = new Map(rekeyed.moved.map((move) => [move.to, move.from]));
  const observations = new Map<Address, Observation>();
  for (const [address, resource] of Object.entries(resources))
    observations.set(address, observe(resource, live));

  const planned = new Map<Address, Action>();
  const idOf: IdOf = (address) => {
    const action = planned.get(address);
    const current = resources[address];
    return current && action !== 'create' && !isReplace(action) ? current.id : UNKNOWN;
  };
  // Skills are planned before agents: an agent pins the version its skill will have.
  const skillVersions = new Map<Address, string | typeof UNKNOWN>();
  const versionOf: IdOf = (address) => skillVersions.get(address) ?? UNKNOWN;
  const resourceAt = (address: Address) => resources[address];

  const protectedAt = effectiveProtection(desired, resources);
  const changes: Change[] = [];
  const wantedAddresses = new Set<Address>();
  // --replace may name a resource by the address it had before a `moved:` entry.
  const requested = new Set((input.replace ?? []).map((address) => movedAddress(address, moves)));
  for (const kind of KINDS_IN_ORDER) {
    const context = {
      desired,
      hashes: input.hashes,
      lineage: input.lineage,
      idOf,
      versionOf,
      resourceAt,
      planned,
    };
    for (const wanted of planKindOf(kind).wanted(context)) {
      const change: Change = withRequestedReplace(
        planOne(
          wanted,
          resources[wanted.address],
          observations.get(wanted.address),
          protectedAt(wanted.address),
        ),
        requested,
      );
      const from = previous.get(wanted.address);
      // Set only where it applies: most changes never move, and keep the shape they had.
      if (from !== undefined) change.previousAddress = from;
      planned.set(wanted.address, change.action);
      if (change.kind === 'skill' && change.after)
        skillVersions.set(wanted.address, (change.after as SkillAttributes).default_version);
      wantedAddresses.add(wanted.address);
      changes.push(change);
    }
  }

  for (const change of plannedDeletes(resources, observations, wantedAddresses, planned, protectedAt)) {
    const from = previous.get(change.address);
    if (from !== undefined) change.previousAddress = from;
    changes.push(change);
  }

  const drift: Drift[] = [];
  const storeStatus = storeObservationsById(resources, observations);
  for (const [address, resource] of sortedEntries(resources)) {
    const storeGone =
      resource.kind === 'vector_store_file' &&
      storeUnusable(storeStatus.get(resource.attributes.vector_store_id));
    const found = findDrift(address, resource, observations.get(address) as Observation, storeGone);
    if (found) drift.push(found);
  }

  const warnings: Diagnostic[] = [];
  // A refresh-only plan changes nothing, but the moves are still made (its drift names the new
  // addresses), so it lists them, as moves alone.
  let scoped = input.refreshOnly
    ? changes.filter((c) => c.previousAddress !== undefined).map(moveOnly)
    : changes;
  let inScope = (_address: Address) => true;
  if (input.targets.length > 0) {
    const scope = targetScope(input.targets, changes);
    inScope = (address) => scope.has(address);
    scoped = scoped.filter((change) => inScope(change.address));
    const known = new Set([...wantedAddresses, ...Object.keys(resources)]);
    for (const target of input.targets) {
      if (!known.has(target))
        warnings.push({
          severity: 'warning',
          code: 'TARGET_NOT_FOUND',
          message: `--target ${target}: neither the manifests nor the state hold this address`,
        });
    }
  }
  pushAll(warnings, replaceWarnings(requested, changes, inScope));
  const excluded = rekeyed.moved.filter((move) => !inScope(move.to));
  const expiries = storeExpiries(desired, resources, live, input.now);
  pushAll(warnings, planWarnings({ desired, resources, observations, live, changes: scoped, expiries }));
  return {
    formatVersion: PLAN_FORMAT_VERSION,
    stack: desired.stack,
    lineage: input.lineage,
    serial: state?.serial ?? 0,
    manifestDigest: input.manifestDigest,
    refreshed: live !== undefined,
    ...(input.refreshOnly ? { refreshOnly: true } : {}),
    targets: [...input.targets],
    changes: scoped,
    drift: drift.filter((entry) => inScope(entry.address)),
    expiries,
    cost: estimateStorage({
      changes: scoped,
      desired,
      resources,
      live,
      prices: input.prices ?? DEFAULT_STORAGE_PRICES,
    }),
    errors: [
      ...moveConflictErrors(rekeyed.conflicts, moves),
      ...movesOutsideTargets(excluded),
      ...protectionErrors(scoped),
      ...(state ? stateOwnershipErrors(state, live) : []),
    ],
    warnings,
    ...(rekeyed.moved.length > 0 ? { moves: rekeyed.moved } : {}),
  };
}

/** A moved change as a move alone (refresh-only plans make the move and change nothing else). */
function moveOnly(change: Change): Change {
  return {
    ...change,
    action: 'no-op',
    reason: 'unchanged',
    after: change.before,
    changedPaths: [],
    replacePaths: [],
  };
}

/**
 * Apply re-keys every move at once, so a --target plan that leaves some out would make changes it
 * does not show: refused, as Terraform refuses moved instances excluded by targeting.
 */
function movesOutsideTargets(excluded: readonly AddressMove[]): Diagnostic[] {
  if (excluded.length === 0) return [];
  const named = excluded.slice(0, 5).map((move) => `${move.from} → ${move.to}`);
  const more = excluded.length > 5 ? ` and ${excluded.length - 5} more` : '';
  return [
    {
      severity: 'error',
      code: 'MOVE_EXCLUDED_BY_TARGET',
      message: `the manifests move resources that --target leaves out: ${named.join(', ')}${more}`,
      hint: 'plan without --target once to make the moves, or add --target for each moved address',
    },
  ];
}

/**
 * One desired resource against what is known of it. The change is written out field by field, not
 * spread from a common base: V8 gives every object spread from one holding objects a hidden class
 * of its own, which for 40,000 changes was 17 MB of classes.
 */
function planOne(
  wanted: Wanted,
  resource: StateResource | undefined,
  observation: Observation | undefined,
  protect: boolean,
) {
  const { address, kind, after, dependencies, source } = wanted;
  if (!resource || !observation || observation.status === 'gone') {
    const made = wanted.createdAfter ?? after;
    return {
      address,
      kind,
      after: made,
      dependencies,
      source,
      protect,
      action: 'create',
      reason: resource ? 'deleted_outside' : 'new',
      id: null,
      before: null,
      changedPaths: changedPaths(null, made),
      replacePaths: [],
    } satisfies Change;
  }
  const changed = changedPaths(observation.attributes, after);
  const decision = wanted.decide(observation.attributes, changed, observation, resource);
  const { action, reason, replacePaths } = decision;
  const decided = decision.after ?? after;
  return {
    address,
    kind,
    after: decided,
    dependencies,
    source,
    protect,
    action,
    reason,
    replacePaths,
    id: resource.id,
    before: observation.attributes,
    changedPaths: decision.after ? changedPaths(observation.attributes, decided) : changed,
  } satisfies Change;
}

/** The observation of each state store, by its id. */
function storeObservationsById(
  resources: Record<Address, StateResource>,
  observations: ReadonlyMap<Address, Observation>,
): Map<unknown, Observation | undefined> {
  const byId = new Map<unknown, Observation | undefined>();
  for (const [address, resource] of Object.entries(resources))
    if (resource.kind === 'vector_store') byId.set(resource.id, observations.get(address));
  return byId;
}

/** A store gone or expired takes its members with it (a store the state lacks counts as gone). */
function storeUnusable(observation: Observation | undefined): boolean {
  return (
    !observation || observation.status === 'gone' || (observation.status === 'present' && observation.expired)
  );
}

/**
 * What the state holds and the manifests no longer want goes, dependents first. Not listed: what is
 * already gone (the drift section says so; apply forgets it), and members of a store that is itself
 * deleted or replaced (deleting the store detaches them; one call instead of one per file).
 */
function plannedDeletes(
  resources: Record<Address, StateResource>,
  observations: ReadonlyMap<Address, Observation>,
  wanted: ReadonlySet<Address>,
  planned: ReadonlyMap<Address, Action>,
  protectedAt: (address: Address) => boolean,
): Change[] {
  const storesGoing = new Set<Address>();
  for (const [address, resource] of Object.entries(resources)) {
    if (resource.kind !== 'vector_store') continue;
    if (!wanted.has(address) || isReplace(planned.get(address))) storesGoing.add(address);
  }
  const deletes: Change[] = [];
  const sorted = sortedEntries(resources);
  for (const kind of KINDS_IN_DELETE_ORDER) {
    for (const [address, resource] of sorted) {
      if (resource.kind !== kind || wanted.has(address)) continue;
      const observation = observations.get(address);
      if (observation?.status === 'gone') continue;
      const store = parseAddress(address)?.store;
      if (kind === 'vector_store_file' && store && storesGoing.has(vectorStoreAddress(store))) continue;
      const before = observation?.status === 'present' ? observation.attributes : resource.attributes;
      deletes.push({
        address,
        kind,
        action: 'delete',
        reason: 'not_in_manifest',
        id: resource.id,
        before,
        after: null,
        changedPaths: changedPaths(before, null),
        replacePaths: [],
        dependencies: resource.dependencies,
        protect: protectedAt(address),
      });
    }
  }
  return deletes;
}
