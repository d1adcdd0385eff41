import type { Diagnostic, SourceLocation } from '../errors/index.js';
import type { Address } from './address.js';
import type { Attributes } from './attributes.js';
import type { ResourceKind } from './kinds.js';
import type { AddressMove } from './moves.js';
import type { StorageCost } from './storage-cost.js';

/**
 * What apply will do to one resource. A closed set: renderers, the JSON plan and apply switch on it.
 * `delete-create` and `create-delete` are the two orders of a replacement: a file with new content
 * is uploaded before the old one goes (`create-delete`, shown `+/-`); an expired store is deleted
 * first (`delete-create`, shown `-/+`).
 *
 * Order within a plan: `changes` lists every create, update and the create half of `create-delete`
 * in dependency order (files, stores, memberships, assistants), then deletes in reverse. The delete
 * half of a `create-delete` runs only after everything that depends on the resource has been
 * re-pointed, i.e. in the delete phase, in reverse dependency order, as Terraform does.
 */
export type Action = 'no-op' | 'create' | 'update' | 'delete-create' | 'create-delete' | 'delete';

/** True for both orders of replacement. */
export function isReplace(action: Action | undefined): boolean {
  return action === 'delete-create' || action === 'create-delete';
}

/** The JSON plan's `actions` for each Action (fixed by the design, after Terraform's). */
export const JSON_ACTIONS: Record<Action, readonly string[]> = {
  'no-op': ['no-op'],
  create: ['create'],
  update: ['update'],
  'delete-create': ['delete', 'create'],
  'create-delete': ['create', 'delete'],
  delete: ['delete'],
};

const ACTION_OF_JSON = new Map<string, Action>(
  (Object.entries(JSON_ACTIONS) as [Action, readonly string[]][]).map(([action, list]) => [
    list.join(','),
    action,
  ]),
);

/** The Action whose JSON `actions` are these (joined by commas: `delete,create`); no-op if none is. */
export function actionOfJson(joined: string): Action {
  return ACTION_OF_JSON.get(joined) ?? 'no-op';
}

/**
 * Why the planner chose an action. It explains; it never decides (apply reads `action` only).
 * - `new`: in the manifests, never made.
 * - `deleted_outside`: in the state, but the API no longer has it; made again.
 * - `expired`: a vector store passed its `expires_after`; an expired store cannot be used.
 * - `content_changed`: a file's bytes changed (sha256); files are immutable, so a new upload.
 * - `cannot_update`: an attribute the API cannot change in place differs (see `replacePaths`).
 * - `dependency_replaced`: a store or file this resource hangs on is replaced, so it is remade too.
 * - `changed`: attributes differ and the API updates them in place.
 * - `not_in_manifest`: in the state, no longer in the manifests.
 * - `index_failed`: a file attached to a store failed to index (or its indexing was cancelled):
 *   it is detached and attached again.
 * - `leaked` (gc): stamped with this state's lineage but absent from it (a run killed between the
 *   create and the state write).
 * - `unused` (gc): a file that only expired stores used.
 * - `replace_by_request`: `--replace ADDR` asked for a new one though nothing forces it.
 * - `new_version`: a skill's folder changed: a new version is uploaded and made the default (the
 *   skill is updated in place; its versions are immutable).
 * - `version_deleted`: the skill version the state records was deleted outside: a new one is uploaded.
 * - `unchanged`: nothing to do.
 */
export type ActionReason =
  | 'new'
  | 'deleted_outside'
  | 'expired'
  | 'content_changed'
  | 'cannot_update'
  | 'dependency_replaced'
  | 'changed'
  | 'not_in_manifest'
  | 'index_failed'
  | 'leaked'
  | 'unused'
  | 'replace_by_request'
  | 'new_version'
  | 'version_deleted'
  | 'unchanged';

/**
 * One planned change. `before` and `after` by action:
 * - create: before null; after the desired attributes.
 * - update, delete-create, create-delete: before the resource as refreshed (what the API reports,
 *   and the state for what it cannot report); after the desired attributes.
 * - delete: before as refreshed; after null.
 * - no-op: before and after equal.
 * In `after`, UNKNOWN marks values only apply will know (ids of resources yet to be made).
 */
export interface Change {
  address: Address;
  kind: ResourceKind;
  action: Action;
  reason: ActionReason;
  /** The remote id now; null for a create (the new id is known after apply). */
  id: string | null;
  before: Attributes | null;
  after: Attributes | null;
  /** Top-level attributes that differ between before and after, in attribute order. */
  changedPaths: string[];
  /**
   * For replacements: the attributes that force it (`sha256`, `purpose`, `chunking_strategy`, or
   * the id of a replaced store or file); empty otherwise. Expiry forces a replacement with none.
   */
  replacePaths: string[];
  /** Addresses this resource needs to exist first (for a delete: what must go after it). */
  dependencies: Address[];
  /** The manifest entry that declared it; absent for resources that are only in the state. */
  source?: SourceLocation;
  /**
   * Where the state held it before a `moved:` entry renamed it (Terraform's `previous_address`);
   * absent when it did not move. A move alone makes no call: apply re-keys the state.
   */
  previousAddress?: Address;
  /**
   * Whether `protect` is in effect: the manifests' setting, or the state's for a resource they no
   * longer hold (see src/plan/protect.ts). The planner always sets it; absent in changes made
   * elsewhere (gc's, the leftovers of replacements), which nothing protects.
   */
  protect?: boolean;
}

/**
 * A change made outside assistants-iac: the state's last-applied attributes (`before`) against what
 * the API reports now (`after`, null when the resource is gone). Shown in its own section; the
 * planned changes then bring the resource back to the manifests.
 */
export interface Drift {
  address: Address;
  kind: ResourceKind;
  id: string;
  action: 'update' | 'delete';
  before: Attributes;
  after: Attributes | null;
  changedPaths: string[];
}

export const PLAN_FORMAT_VERSION = '1.2';

/**
 * A managed vector store with `expires_after`: when it will expire unless used (any use of a
 * `last_active_at` store resets the clock), and the assistants that search it.
 */
export interface StoreExpiry {
  address: Address;
  id: string;
  /** Unix seconds. */
  expiresAt: number;
  /** Seconds from the plan's reading of the clock; negative once expired. */
  secondsLeft: number;
  usedBy: Address[];
}

/**
 * The plan: everything a reviewer and apply need, as plain data. Renderers read it; `--json` prints
 * it. `changes` is in apply order (see Action) and includes no-ops, so the JSON lists every managed
 * resource. A store's members that go with it (the store is deleted or replaced) are not listed
 * as deletes of their own: deleting a store detaches its files.
 */
export interface Plan {
  formatVersion: string;
  stack: string;
  /** The workspace whose state the plan was made against (set by the CLI; "default" when absent). */
  workspace?: string;
  /** The state's lineage; for a stack not yet applied, the one its first apply will write. */
  lineage: string;
  /** The state serial the plan was made from (0 when there is no state yet). */
  serial: number;
  /** sha256 of the desired model (manifests, instructions and file hashes), see manifestDigest(). */
  manifestDigest: string;
  /** False with --refresh=false: the state stood in for the API. */
  refreshed: boolean;
  /**
   * --refresh-only: `changes` is empty, and apply records the drift in the state (the API's values
   * become the state's) and calls nothing that changes the API.
   */
  refreshOnly?: boolean;
  /** The --target addresses, empty when the whole stack is planned. */
  targets: Address[];
  changes: Change[];
  drift: Drift[];
  /** Managed stores that expire, soonest first (empty without a refresh). */
  expiries: StoreExpiry[];
  /**
   * What the managed vector stores cost to keep per day, now and (estimated) after apply. Absent
   * from plans that price nothing (gc's).
   */
  cost?: StorageCost;
  /** Problems that make the plan unusable (a protected resource to delete); apply refuses it. */
  errors: Diagnostic[];
  warnings: Diagnostic[];
  /**
   * Every state address the manifests' `moved:` entries re-key, memberships included (some may
   * have no change of their own: one gone outside, or of a store that is replaced). Apply records
   * them in the state before anything else. Absent or empty when nothing moves.
   */
  moves?: AddressMove[];
}

export interface PlanSummary {
  add: number;
  change: number;
  destroy: number;
}

/** Counts as Terraform does: a replacement is one to add and one to destroy. */
export function summarizePlan(plan: Pick<Plan, 'changes'>): PlanSummary {
  const summary = { add: 0, change: 0, destroy: 0 };
  for (const { action } of plan.changes) {
    if (action === 'create' || action === 'delete-create' || action === 'create-delete') summary.add += 1;
    if (action === 'delete' || action === 'delete-create' || action === 'create-delete') summary.destroy += 1;
    if (action === 'update') summary.change += 1;
  }
  return summary;
}

/**
 * True when apply would do anything or drift was found (what --detailed-exitcode reports as 2). A
 * move counts, as in Terraform: apply has the state to re-key, though it makes no call for it.
 */
export function planHasChanges(plan: Pick<Plan, 'changes' | 'drift' | 'moves'>): boolean {
  return (
    plan.drift.length > 0 ||
    (plan.moves?.length ?? 0) > 0 ||
    plan.changes.some((change) => change.action !== 'no-op')
  );
}
