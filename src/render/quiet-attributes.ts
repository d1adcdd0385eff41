import type { Attributes } from '../model/attributes.js';
import { defaultSampling } from '../model/models.js';
import type { Change } from '../model/plan.js';
import { withoutStamp } from '../model/stamp.js';
import { isPlainObject } from './format-value.js';

/**
 * What a review leaves out of a create: the ownership stamp (the tool's own bookkeeping, the same
 * on every store and assistant) and attributes at the server's default (`reasoning_effort: null`,
 * `top_p: 1`, `response_format: "auto"`, an empty list or map), which the manifest did not set.
 * Updates and replacements already show only what changes, so a stamp or a default shows there
 * when, and only when, it changes. Returns the change to render and how many attributes it hides.
 */
export function quietCreate(change: Change): { change: Change; hidden: number } {
  if (change.action !== 'create' || change.after === null) return { change, hidden: 0 };
  const after = change.after as unknown as Record<string, unknown>;
  const kept: Record<string, unknown> = {};
  let hidden = 0;
  for (const [key, value] of Object.entries(after)) {
    if (key === 'metadata' && isPlainObject(value)) {
      const own = withoutStamp(value as Record<string, string>);
      if (Object.keys(own).length > 0) kept[key] = own;
      else hidden++;
      continue;
    }
    if (isServerDefault(change.kind, key, value, after)) hidden++;
    else kept[key] = value;
  }
  return { change: { ...change, after: kept as unknown as Attributes }, hidden };
}

function isServerDefault(
  kind: Change['kind'],
  key: string,
  value: unknown,
  all: Record<string, unknown>,
): boolean {
  if (value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object' && Object.keys(value as object).length === 0) return true;
  if (kind === 'assistant') {
    if (key === 'response_format') return value === 'auto';
    if (key === 'temperature' || key === 'top_p')
      return typeof all.model === 'string' && value === defaultSampling(all.model);
  }
  return false;
}
