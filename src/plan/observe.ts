import { REPORTED_ATTRIBUTES } from '../model/attributes.js';
import type { LiveView } from '../model/live.js';
import type { Drift } from '../model/plan.js';
import type { StateResource } from '../state/state-document.js';
import { planKindOf } from './kinds/registry.js';
import { changedPaths, type Observation } from './observation.js';

/** The live counterpart of a state resource, found by id (by its kind's module in src/plan/kinds/). */
export function observe(resource: StateResource, live: LiveView | undefined): Observation {
  if (!live) return { status: 'assumed', attributes: resource.attributes };
  return planKindOf(resource.kind).observe(resource, live);
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
