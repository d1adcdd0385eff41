import type { Address } from '../model/address.js';
import { isUnknown } from '../model/attributes.js';
import type { ResourceKind } from '../model/kinds.js';
import {
  type ActionReason,
  JSON_ACTIONS,
  type Plan,
  type PlanSummary,
  summarizePlan,
} from '../model/plan.js';
import { BYTES_PER_GB, type StorageCost } from '../model/storage-cost.js';
import { DEFAULT_WORKSPACE } from '../state/workspace-name.js';
import { isPlainObject } from './format-value.js';
import { diagnosticJson } from './validation-json.js';

/** A JSON value as the plan holds it once UNKNOWN is taken out. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * Where `after` holds values only apply will know, as Terraform's `after_unknown`: `true` at an
 * unknown value, objects keeping only the keys that are or hold unknowns, arrays holding an unknown
 * kept whole with `false` at known elements; `false` for a value with no unknown in it. For an
 * object `after` the top level is always an object (`{}` when nothing is unknown), so that
 * `after_unknown.id` can be read without a type check; for a null `after` it is `false`.
 */
export type UnknownMask = boolean | UnknownMask[] | { [key: string]: UnknownMask };

export interface ResourceChangeJson {
  address: Address;
  kind: ResourceKind;
  id: string | null;
  action_reason: ActionReason;
  change: {
    actions: string[];
    before: JsonValue;
    after: JsonValue;
    after_unknown: UnknownMask;
    replace_paths: string[];
  };
  dependencies: Address[];
  /** Where the state held it before a `moved:` entry renamed it; absent when it did not move. */
  previous_address?: Address;
  /** Whether `protect` is in effect (the manifests' setting, or the state's for what they dropped). */
  protect: boolean;
  /** The manifest entry that declares it; null for a resource only the state holds. */
  source: { file: string; line: number; column: number } | null;
}

/** The storage cost (see StorageCost), for policies and dashboards. */
export interface CostJson {
  /** Always true: the sizes after apply are estimated from the files' byte sizes. */
  estimate: true;
  currency: 'USD';
  price_per_gb_day: number;
  free_gb: number;
  bytes_per_gb: number;
  usage_bytes: number | null;
  estimated_bytes: number | null;
  daily_cost: number | null;
  estimated_daily_cost: number | null;
  daily_cost_change: number | null;
  stores: {
    address: Address;
    id: string | null;
    actions: string[];
    usage_bytes: number | null;
    estimated_bytes: number | null;
    attached_bytes: number;
    detached_bytes: number;
    unsized_files: number;
  }[];
}

export interface ResourceDriftJson {
  address: Address;
  kind: ResourceKind;
  id: string;
  change: { actions: ['update'] | ['delete']; before: JsonValue; after: JsonValue };
}

/** What a saved plan was made against, so that `apply PLANFILE` needs no flags from the same folder. */
export interface SavedRun {
  manifests: string[];
  state: string;
  /** The commit the manifests were read at, when known. */
  commit?: string;
}

/** The JSON plan (DESIGN §4), described by schema/plan.schema.json. */
export interface PlanJson {
  format_version: string;
  stack: string;
  workspace: string;
  lineage: string;
  serial: number;
  manifest_digest: string;
  refreshed: boolean;
  /** Only when true: --refresh-only (no changes; apply records the drift in the state). */
  refresh_only?: true;
  targets: Address[];
  summary: PlanSummary;
  resource_changes: ResourceChangeJson[];
  resource_drift: ResourceDriftJson[];
  store_expiry: {
    address: Address;
    id: string;
    expires_at: number;
    seconds_left: number;
    used_by: Address[];
  }[];
  /** Absent from plans that price nothing (gc's). */
  cost?: CostJson;
  errors: Record<string, unknown>[];
  warnings: Record<string, unknown>[];
  /** When `plan -o` saved it (RFC 3339); only in saved plans. */
  timestamp?: string;
  /** What `plan -o` ran against (-f as given, --state without password); only in saved plans. */
  run?: SavedRun;
}

/**
 * The plan as data for machines: every change in apply order, no-ops included (so the JSON lists
 * every managed resource in scope), drift apart, counts as `summary`. UNKNOWN becomes `null` in
 * `after`, with `after_unknown` saying where. Pure; the result is plain JSON.
 */
export function planToJson(plan: Plan): PlanJson {
  return {
    format_version: plan.formatVersion,
    stack: plan.stack,
    workspace: plan.workspace ?? DEFAULT_WORKSPACE,
    lineage: plan.lineage,
    serial: plan.serial,
    manifest_digest: plan.manifestDigest,
    refreshed: plan.refreshed,
    ...(plan.refreshOnly ? { refresh_only: true as const } : {}),
    targets: [...plan.targets],
    summary: summarizePlan(plan),
    resource_changes: plan.changes.map((change) => ({
      address: change.address,
      kind: change.kind,
      id: change.id,
      action_reason: change.reason,
      change: {
        actions: [...JSON_ACTIONS[change.action]],
        before: toJson(change.before),
        after: toJson(change.after),
        after_unknown: change.after === null ? false : unknownMask(change.after, true),
        replace_paths: [...change.replacePaths],
      },
      dependencies: [...change.dependencies],
      ...(change.previousAddress !== undefined ? { previous_address: change.previousAddress } : {}),
      protect: change.protect ?? false,
      source: change.source
        ? { file: change.source.file, line: change.source.line, column: change.source.column }
        : null,
    })),
    resource_drift: plan.drift.map((drift) => ({
      address: drift.address,
      kind: drift.kind,
      id: drift.id,
      change: {
        actions: drift.action === 'delete' ? ['delete'] : ['update'],
        before: toJson(drift.before),
        after: toJson(drift.after),
      },
    })),
    store_expiry: plan.expiries.map((e) => ({
      address: e.address,
      id: e.id,
      expires_at: e.expiresAt,
      seconds_left: e.secondsLeft,
      used_by: [...e.usedBy],
    })),
    ...(plan.cost ? { cost: costToJson(plan.cost) } : {}),
    errors: plan.errors.map(diagnosticJson),
    warnings: plan.warnings.map(diagnosticJson),
  };
}

/** Dollars rounded to a millionth: sums of binary fractions would otherwise print as 0.30000000000000004. */
const dollars = (value: number | null) => (value === null ? null : Math.round(value * 1e6) / 1e6);

function costToJson(cost: StorageCost): CostJson {
  const change =
    cost.dailyCost === null || cost.estimatedDailyCost === null
      ? null
      : cost.estimatedDailyCost - cost.dailyCost;
  return {
    estimate: true,
    currency: 'USD',
    price_per_gb_day: cost.prices.perGbDay,
    free_gb: cost.prices.freeGb,
    bytes_per_gb: BYTES_PER_GB,
    usage_bytes: cost.usageBytes,
    estimated_bytes: cost.estimatedBytes,
    daily_cost: dollars(cost.dailyCost),
    estimated_daily_cost: dollars(cost.estimatedDailyCost),
    daily_cost_change: dollars(change),
    stores: cost.stores.map((store) => ({
      address: store.address,
      id: store.id,
      actions: [...JSON_ACTIONS[store.action]],
      usage_bytes: store.usageBytes,
      estimated_bytes: store.estimatedBytes,
      attached_bytes: store.attachedBytes,
      detached_bytes: store.detachedBytes,
      unsized_files: store.unsizedFiles,
    })),
  };
}

/** planToJson as text: two-space indented, ending with a newline. */
export function renderPlanJson(plan: Plan): string {
  return `${JSON.stringify(planToJson(plan), null, 2)}\n`;
}

/**
 * The JSON plan as `plan -o` saves it: with the time it was saved, so that applying a plan made
 * against no state can tell whether the files it uploads were uploaded since (it was applied
 * somewhere else).
 */
export function renderSavedPlan(plan: Plan, savedAt: Date, run?: SavedRun): string {
  const json: PlanJson = {
    ...planToJson(plan),
    timestamp: savedAt.toISOString(),
    ...(run ? { run } : {}),
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}

/** A copy with UNKNOWN (and undefined) as null; JSON.stringify would drop them from objects. */
export function toJson(value: unknown): JsonValue {
  if (value === null || value === undefined || isUnknown(value)) return null;
  if (Array.isArray(value)) return value.map(toJson);
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v)]));
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  return String(value);
}

/** See UnknownMask. `top` keeps an object at the top level even when nothing in it is unknown. */
export function unknownMask(value: unknown, top = false): UnknownMask {
  if (isUnknown(value)) return true;
  if (Array.isArray(value)) {
    const items = value.map((item) => unknownMask(item));
    return items.some((item) => item !== false) ? items : false;
  }
  if (isPlainObject(value)) {
    const entries = Object.entries(value)
      .map(([key, item]) => [key, unknownMask(item)] as const)
      .filter(([, mask]) => mask !== false);
    return entries.length > 0 || top ? Object.fromEntries(entries) : false;
  }
  return false;
}
