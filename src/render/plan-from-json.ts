import type { ErrorCode } from '../errors/codes.js';
import type { Diagnostic } from '../errors/index.js';
import { type Attributes, REPORTED_ATTRIBUTES, UNKNOWN } from '../model/attributes.js';
import { actionOfJson, type Change, type Drift, PLAN_FORMAT_VERSION, type Plan } from '../model/plan.js';
import { type StorageCost, storageCost } from '../model/storage-cost.js';
import { changedPaths } from '../plan/observation.js';
import { isPlainObject } from './format-value.js';
import type { CostJson, JsonValue, PlanJson, UnknownMask } from './plan-json.js';

/**
 * The plan a JSON plan was rendered from (the inverse of planToJson), so that `assistants show
 * PLANFILE` renders a saved plan as `plan` printed it. What the JSON leaves out is derived as the
 * planner derives it: the changed attributes from `before` and `after`, UNKNOWN from
 * `after_unknown`. The document is expected to have passed schema/plan.schema.json.
 */
export function planFromJson(json: PlanJson): Plan {
  // The moves are what the changes were moved from (every re-keyed address is one the plan lists).
  const moves = json.resource_changes.flatMap((entry) =>
    entry.previous_address !== undefined ? [{ from: entry.previous_address, to: entry.address }] : [],
  );
  return {
    formatVersion: json.format_version || PLAN_FORMAT_VERSION,
    stack: json.stack,
    workspace: json.workspace,
    lineage: json.lineage,
    serial: json.serial,
    manifestDigest: json.manifest_digest,
    refreshed: json.refreshed,
    ...(json.refresh_only ? { refreshOnly: true } : {}),
    targets: [...json.targets],
    changes: json.resource_changes.map((entry): Change => {
      const action = actionOfJson(entry.change.actions.join(','));
      const before = attributes(entry.change.before);
      const after = attributes(withUnknowns(entry.change.after, entry.change.after_unknown));
      return {
        address: entry.address,
        kind: entry.kind,
        action,
        reason: entry.action_reason,
        id: entry.id,
        before,
        after,
        changedPaths: action === 'no-op' ? [] : changedPaths(before, after),
        replacePaths: [...entry.change.replace_paths],
        dependencies: [...entry.dependencies],
        ...(entry.previous_address !== undefined ? { previousAddress: entry.previous_address } : {}),
        ...(entry.protect !== undefined ? { protect: entry.protect } : {}),
        ...(entry.source ? { source: { ...entry.source } } : {}),
      };
    }),
    drift: json.resource_drift.map((entry): Drift => {
      const before = attributes(entry.change.before) ?? ({} as Attributes);
      const after = attributes(entry.change.after);
      return {
        address: entry.address,
        kind: entry.kind,
        id: entry.id,
        action: entry.change.actions[0] === 'delete' ? 'delete' : 'update',
        before,
        after,
        changedPaths: after ? changedPaths(before, after, REPORTED_ATTRIBUTES[entry.kind]) : [],
      };
    }),
    expiries: (json.store_expiry ?? []).map((e) => ({
      address: e.address,
      id: e.id,
      expiresAt: e.expires_at,
      secondsLeft: e.seconds_left,
      usedBy: [...e.used_by],
    })),
    errors: json.errors.map(diagnostic),
    warnings: json.warnings.map(diagnostic),
    ...(moves.length > 0 ? { moves } : {}),
    ...(json.cost ? { cost: costFromJson(json.cost) } : {}),
  };
}

/**
 * The storage cost as the planner gave it: the bytes and prices as written, the dollars worked out
 * again from them (the JSON rounds them), so that a renderer prints what `plan` printed.
 */
function costFromJson(json: CostJson): StorageCost {
  const stores = json.stores.map((store) => ({
    address: store.address,
    id: store.id,
    action: actionOfJson(store.actions.join(',')),
    usageBytes: store.usage_bytes,
    estimatedBytes: store.estimated_bytes,
    attachedBytes: store.attached_bytes,
    detachedBytes: store.detached_bytes,
    unsizedFiles: store.unsized_files,
  }));
  return storageCost(stores, { perGbDay: json.price_per_gb_day, freeGb: json.free_gb });
}

function attributes(value: unknown): Attributes | null {
  return isPlainObject(value) ? (value as unknown as Attributes) : null;
}

/** `value` with UNKNOWN put back wherever the mask says apply will know it. */
function withUnknowns(value: JsonValue, mask: UnknownMask): unknown {
  if (mask === true) return UNKNOWN;
  if (mask === false) return value;
  if (Array.isArray(mask)) {
    const items = Array.isArray(value) ? value : [];
    return mask.map((m, index) => withUnknowns(items[index] ?? null, m));
  }
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = { ...(value as Record<string, JsonValue>) };
  for (const [key, m] of Object.entries(mask))
    out[key] = withUnknowns((value as Record<string, JsonValue>)[key] ?? null, m);
  return out;
}

/** A diagnostic as diagnosticJson wrote it. */
function diagnostic(raw: Record<string, unknown>): Diagnostic {
  const text = (key: string) => (typeof raw[key] === 'string' ? (raw[key] as string) : undefined);
  const whole = (key: string) => (typeof raw[key] === 'number' ? (raw[key] as number) : undefined);
  const file = text('file');
  const line = whole('line');
  const column = whole('column');
  const endLine = whole('end_line');
  const endColumn = whole('end_column');
  const excerpt = text('source_line');
  const hint = text('hint');
  const related = Array.isArray(raw.related) ? (raw.related as Record<string, unknown>[]) : [];
  return {
    severity: raw.severity === 'error' ? 'error' : 'warning',
    code: String(raw.code) as ErrorCode,
    message: String(raw.message),
    ...(file !== undefined && line !== undefined && column !== undefined
      ? {
          location: {
            file,
            line,
            column,
            ...(endLine !== undefined ? { endLine } : {}),
            ...(endColumn !== undefined ? { endColumn } : {}),
          },
        }
      : {}),
    ...(excerpt !== undefined ? { excerpt } : {}),
    ...(hint !== undefined ? { hint } : {}),
    ...(related.length > 0
      ? {
          related: related.map((r) => ({
            message: String(r.message),
            location: { file: String(r.file), line: Number(r.line), column: Number(r.column) },
          })),
        }
      : {}),
  };
}
