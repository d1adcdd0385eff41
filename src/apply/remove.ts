import { type ResourceKind, unhandledKind } from '../model/kinds.js';
import type { ApiWriter } from '../provider/api-writer.js';
import type { StateDocument, StateResource } from '../state/state-document.js';

/** One delete call for any kind (the writer treats "already gone" as done). A membership needs its store. */
export function deleteRemote(
  writer: ApiWriter,
  kind: ResourceKind,
  id: string,
  storeId?: string,
): Promise<void> {
  switch (kind) {
    case 'file':
      return writer.deleteFile(id);
    case 'vector_store':
      return writer.deleteVectorStore(id);
    case 'vector_store_file':
      return writer.deleteVectorStoreFile(storeId as string, id);
    case 'assistant':
      return writer.deleteAssistant(id);
    default:
      return unhandledKind(kind);
  }
}

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
