import { isDeepStrictEqual } from 'node:util';
import { type Attributes, REPORTED_ATTRIBUTES } from '../model/attributes.js';
import { unhandledKind } from '../model/kinds.js';
import type { LiveView } from '../model/live.js';
import type { Drift } from '../model/plan.js';
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
    };

/** The live counterpart of a state resource, found by id. */
export function observe(resource: StateResource, live: LiveView | undefined): Observation {
  if (!live) return { status: 'assumed', attributes: resource.attributes };
  const overlay = (reported: object | undefined, extra: { expired?: boolean; indexError?: string } = {}) =>
    reported
      ? ({
          status: 'present',
          // Object.assign onto a literal, not a spread: see planOne on hidden classes.
          attributes: Object.assign({}, resource.attributes, reported) as Attributes,
          expired: extra.expired ?? false,
          ...(extra.indexError ? { indexError: extra.indexError } : {}),
        } as const)
      : ({ status: 'gone' } as const);
  switch (resource.kind) {
    case 'file':
      return overlay(live.files.get(resource.id)?.attributes);
    case 'vector_store': {
      const store = live.vectorStores.get(resource.id);
      return overlay(store?.attributes, { expired: store?.status === 'expired' });
    }
    case 'vector_store_file': {
      const storeId = String(resource.attributes.vector_store_id);
      const members = live.members.get(storeId);
      // An expired store's files are not listed (it is replaced whole): assume them as recorded.
      if (!members && live.vectorStores.has(storeId))
        return { status: 'assumed', attributes: resource.attributes };
      const member = members?.get(resource.id);
      const indexError =
        member?.status === 'failed'
          ? (member.lastError?.message ?? 'indexing failed')
          : member?.status === 'cancelled'
            ? 'indexing was cancelled'
            : undefined;
      return overlay(member?.attributes, indexError ? { indexError } : {});
    }
    case 'assistant':
      return overlay(live.assistants.get(resource.id)?.attributes);
    default:
      return unhandledKind(resource);
  }
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

/**
 * Drift: the state's last-applied attributes against what the API reports, for the attributes
 * the API reports. A member of a store that is gone or expired is not listed: its store's entry
 * says it all.
 */
export function findDrift(
  address: string,
  resource: StateResource,
  observation: Observation,
  storeGone: boolean,
): Drift | undefined {
  if (observation.status === 'assumed') return undefined;
  if (observation.status === 'gone') {
    if (resource.kind === 'vector_store_file' && storeGone) return undefined;
    return {
      address,
      kind: resource.kind,
      id: resource.id,
      action: 'delete',
      before: resource.attributes,
      after: null,
      changedPaths: [],
    };
  }
  const paths = changedPaths(resource.attributes, observation.attributes, REPORTED_ATTRIBUTES[resource.kind]);
  if (paths.length === 0) return undefined;
  return {
    address,
    kind: resource.kind,
    id: resource.id,
    action: 'update',
    before: resource.attributes,
    after: observation.attributes,
    changedPaths: paths,
  };
}
