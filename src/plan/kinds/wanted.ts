import { AssistantsError } from '../../errors/index.js';
import type { Address } from '../../model/address.js';
import type { Attributes, Unknown } from '../../model/attributes.js';
import type { Desired } from '../../model/desired.js';
import type { ResourceKind } from '../../model/kinds.js';
import type { LiveResource, LiveView } from '../../model/live.js';
import type { Action, ActionReason, Change } from '../../model/plan.js';
import { STAMP_ADDRESS_KEY, STAMP_LINEAGE_KEY } from '../../model/stamp.js';
import type { StateDocument, StateResource } from '../../state/state-document.js';
import type { Observation } from '../observation.js';
import type { OwnershipProblem, OwnershipView } from '../stamps.js';

/** What each kind's module of src/plan/kinds/ gives the planner, and the parts they share. */

export { UNKNOWN_SHA256 } from '../../model/attributes.js';

/** What `import` records for an existing resource. */
export interface Imported {
  resource: StateResource;
  /** What the user should know (the next plan will replace it, and why). */
  notes: string[];
}

/** What the API reports of one resource of a kind. */
export type LiveOf<K extends ResourceKind> = Extract<LiveResource, { kind: K }>['live'];

/** A state resource of one kind. */
export type StateResourceOf<K extends ResourceKind> = Extract<StateResource, { kind: K }>;

/**
 * One kind as the planner sees it (see registry.ts). Methods, so that the registry of every kind
 * reads as one PlanKind of any kind.
 */
export interface PlanKind<K extends ResourceKind> {
  /** The desired resources of the kind, with attributes resolved against what is planned so far. */
  wanted: WantedOf;
  /** The live counterpart of a state resource of the kind, found by id in what the API reported. */
  observe(resource: StateResourceOf<K>, live: LiveView): Observation;
  /** Why the live object behind a state resource of the kind is not this stack's, if it is not. */
  ownership(
    address: Address,
    resource: StateResourceOf<K>,
    state: StateDocument,
    view: OwnershipView,
  ): OwnershipProblem | undefined;
  /**
   * The state entry for an existing resource taken under `address` (see importResource): what the
   * API reports, with the manifests' settings. Throws when the manifests do not define `address`.
   */
  imported(
    address: Address,
    live: LiveOf<K>,
    desired: Desired,
    hashes: ReadonlyMap<string, string>,
  ): Imported;
}

/** The id a resource will have: its current one, or UNKNOWN when apply is to make it. */
export type IdOf = (address: Address) => string | Unknown;

/**
 * What to do with a resource that exists, and why. Each decision is given `changed`: the attributes
 * whose recorded and wanted values differ (changedPaths of both), worked out once per resource.
 */
export interface Decision {
  action: Action;
  reason: ActionReason;
  replacePaths: string[];
  /**
   * The attributes after the change, when the decision learns they differ from what was wanted
   * (a skill's version becomes known after apply once a new one is to be uploaded).
   */
  after?: Attributes;
}

export const NO_OP: Decision = { action: 'no-op', reason: 'unchanged', replacePaths: [] };
export const UPDATE: Decision = { action: 'update', reason: 'changed', replacePaths: [] };

/** A desired resource, ready to be compared: its attributes and what it needs. */
export interface Wanted {
  address: Address;
  kind: ResourceKind;
  after: Attributes;
  dependencies: Address[];
  source: Change['source'];
  /**
   * The attributes when the resource is made anew, where they differ from `after` (a skill made
   * again starts at a version known after apply, whatever the state recorded).
   */
  createdAfter?: Attributes;
  /** `changed`: the attributes whose values in `before` and `after` differ. */
  decide: (
    before: Attributes,
    changed: readonly string[],
    observation: Observation,
    resource: StateResource,
  ) => Decision;
}

/** What a kind's desired resources are resolved against. */
export interface WantedContext {
  desired: Desired;
  /** Content sha256 of desired files, by file name (see PlanInput.hashes). */
  hashes: ReadonlyMap<string, string>;
  /** The state's lineage, or the one a first apply will write (for ownership stamps). */
  lineage: string;
  /** Ids as planned so far: kinds earlier in dependency order are planned first. */
  idOf: IdOf;
  /** A managed skill's version as planned so far (UNKNOWN when apply uploads a new one). */
  versionOf: IdOf;
  /** What the state holds at an address (after the manifests' moves). */
  resourceAt: (address: Address) => StateResource | undefined;
  /** The action planned for each address so far. */
  planned: ReadonlyMap<Address, Action>;
}

/** The desired resources of one kind, with attributes resolved against what is planned so far. */
export type WantedOf = (context: WantedContext) => Wanted[];

/**
 * One wanted resource, written out key by key: a spread followed by more keys would give each of
 * 40,000 objects its own hidden class on Node 20's V8, and every read of them a slow lookup.
 */
export function wantedEntry(
  entry: { address: Address; source: Change['source'] },
  kind: ResourceKind,
  dependencies: Address[],
  after: Attributes,
  decide: Wanted['decide'],
): Wanted {
  return { address: entry.address, kind, dependencies, source: entry.source, after, decide };
}

/** The ownership stamp merged into a resource's metadata (see src/model/stamp.ts). */
export function stamped(metadata: Record<string, string>, lineage: string, address: Address) {
  return { ...metadata, [STAMP_LINEAGE_KEY]: lineage, [STAMP_ADDRESS_KEY]: address };
}

/** The desired resource at `address` that an import names; refused when the manifests do not define it. */
export function declaredAt<T extends { address: Address }>(list: readonly T[], address: Address): T {
  const found = list.find((entry) => entry.address === address);
  if (found) return found;
  throw new AssistantsError('UNDEFINED_REFERENCE', `the manifests do not define ${address}`, {
    hint: 'add it to the manifests first: import takes an existing resource under an address they define',
  });
}
