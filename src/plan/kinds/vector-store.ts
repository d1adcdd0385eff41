import type { VectorStoreAttributes } from '../../model/attributes.js';
import type { DesiredVectorStore } from '../../model/desired.js';
import { overlaid } from '../observation.js';
import { stampedOwnership } from '../stamps.js';
import {
  type Decision,
  declaredAt,
  NO_OP,
  type PlanKind,
  stamped,
  UPDATE,
  type WantedOf,
  wantedEntry,
} from './wanted.js';

/** Vector stores for the planner: attributes with the ownership stamp, and what a change costs. */

export function desiredStoreAttributes(store: DesiredVectorStore, lineage: string): VectorStoreAttributes {
  return {
    name: store.displayName,
    expires_after: store.expires_after ? { ...store.expires_after } : null,
    metadata: stamped(store.metadata, lineage, store.address),
  };
}

/** An expired store cannot be used or revived: it is deleted and made again. */
function decideStore(changed: readonly string[], expired: boolean): Decision {
  if (expired) return { action: 'delete-create', reason: 'expired', replacePaths: [] };
  return changed.length > 0 ? UPDATE : NO_OP;
}

const wantedStores: WantedOf = ({ desired, lineage }) =>
  desired.vectorStores.map((store) => {
    const after = desiredStoreAttributes(store, lineage);
    return wantedEntry(store, 'vector_store', [], after, (_before, changed, seen) =>
      decideStore(changed, seen.status === 'present' && seen.expired),
    );
  });

export const VECTOR_STORE_PLAN: PlanKind<'vector_store'> = {
  wanted: wantedStores,
  observe(resource, live) {
    const store = live.vectorStores.get(resource.id);
    return overlaid(resource, store?.attributes, { expired: store?.status === 'expired' });
  },
  ownership: (address, resource, state, view) => stampedOwnership(address, resource, state.lineage, view),
  imported(address, live, desired) {
    const store = declaredAt(desired.vectorStores, address);
    const resource = {
      kind: 'vector_store' as const,
      id: live.id,
      attributes: live.attributes,
      dependencies: [],
      protect: store.protect,
    };
    return { resource, notes: [] };
  },
};
