import { isDeepStrictEqual } from 'node:util';
import type { Attributes } from '../model/attributes.js';
import type { StateResource } from '../state/state-document.js';

/**
 * What is known of a resource the state holds:
 * - `assumed`: the API was not read (--refresh=false, or the files of an expired store); the state
 *   stands in for it.
 * - `gone`: the API no longer has it.
 * - `present`: the API has it; `attributes` are the state's with what the API reports laid over.
 */
export type Observation =
  | { status: 'assumed'; attributes: Attributes }
  | { status: 'gone' }
  | {
      status: 'present';
      attributes: Attributes;
      expired: boolean;
      /** For a membership whose indexing failed or was cancelled: why, for a warning. */
      indexError?: string;
      /** For a skill whose versions were listed (its default moved): every version it holds. */
      versions?: readonly string[];
    };

/**
 * A state resource with what the API reports of it laid over (`present`), or `gone` when the API
 * reports nothing. Object.assign onto a literal, not a spread: see planOne on hidden classes.
 */
export function overlaid(
  resource: StateResource,
  reported: object | undefined,
  extra: { expired?: boolean; indexError?: string | undefined } = {},
): Observation {
  if (!reported) return { status: 'gone' };
  return {
    status: 'present',
    attributes: Object.assign({}, resource.attributes, reported) as Attributes,
    expired: extra.expired ?? false,
    ...(extra.indexError ? { indexError: extra.indexError } : {}),
  };
}

/**
 * Why a membership is not usable, if it is not: what the API reports now (a failed or cancelled
 * indexing), else, where the API was not read, what the last apply recorded.
 */
export function indexFailure(resource: StateResource, observation: Observation): string | undefined {
  if (observation.status === 'present') return observation.indexError;
  if (observation.status === 'assumed') return resource.failed?.message;
  return undefined;
}

/** Top-level keys of `after` whose values differ from `before`'s, in `after`'s key order. */
export function changedPaths(
  before: object | null,
  after: object | null,
  keys?: readonly string[],
): string[] {
  const b = (before ?? {}) as Record<string, unknown>;
  const a = (after ?? {}) as Record<string, unknown>;
  const names = keys ?? [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return names.filter((key) => !sameValue(b[key], a[key]));
}

/**
 * isDeepStrictEqual, with primitives (most attributes) compared directly: the general comparison
 * costs microseconds a call, which thousands of resources a plan multiply.
 */
function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return isDeepStrictEqual(a, b);
}
