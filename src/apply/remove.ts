import type { ResourceKind } from '../model/kinds.js';
import type { StateDocument, StateResource } from '../state/state-document.js';

/** The store a state resource hangs on, for a membership; undefined for the other kinds. */
export function storeIdOf(resource: StateResource): string | undefined {
  return resource.kind === 'vector_store_file' ? String(resource.attributes.vector_store_id) : undefined;
}

/**
 * Forgets what a delete removed: the address, if it still holds that id, and for a store the
 * memberships that went with it (deleting a store detaches its files).
 */
export function forgetResource(doc: StateDocument, address: string, kind: ResourceKind, id: string): void {
  if (doc.resources[address]?.id === id) delete doc.resources[address];
  if (kind !== 'vector_store') return;
  for (const [key, resource] of Object.entries(doc.resources))
    if (resource.kind === 'vector_store_file' && resource.attributes.vector_store_id === id)
      delete doc.resources[key];
}
