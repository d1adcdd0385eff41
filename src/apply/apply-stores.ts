import type { Change } from '../model/plan.js';
import { desiredStoreAttributes } from '../plan/kinds/vector-store.js';
import { idsNamedBy, type StateDocument } from '../state/state-document.js';
import type { ApplyRun } from './apply-run.js';
import { inCreateHalf } from './create-half.js';
import { withJournalEntry } from './journal.js';
import { forgetResource } from './remove.js';

/**
 * Creates and updates vector stores with the ownership stamp in their metadata. An expired store is
 * deleted and made again (it cannot be revived); its members are attached to the new one next.
 */
export async function createStores(run: ApplyRun, changes: readonly Change[]): Promise<void> {
  const stores = new Map(run.input.desired.vectorStores.map((store) => [store.address, store]));
  const work = changes.filter((c) => inCreateHalf(c, 'vector_store'));
  const { recorder, writer } = run.input;
  await run.each(work, async (change) => {
    const store = stores.get(change.address);
    if (!store) return;
    await run.step(change, 'create', async () => {
      const attributes = desiredStoreAttributes(store, run.state.lineage);
      const current = run.resource(change.address);
      if (current && change.action === 'update') {
        await withJournalEntry(
          recorder,
          [{ address: change.address, kind: 'vector_store', operation: 'update', resource_id: current.id }],
          () => writer.updateVectorStore(current.id, attributes),
          (doc) => {
            doc.resources[change.address] = {
              ...current,
              attributes,
              protect: store.protect,
            } as typeof current;
          },
        );
        return current.id;
      }
      if (current && change.action === 'delete-create') {
        await withJournalEntry(
          recorder,
          [{ address: change.address, kind: 'vector_store', operation: 'delete', resource_id: current.id }],
          () => writer.deleteVectorStore(current.id),
          (doc) => forgetResource(doc, change.address, 'vector_store', current.id),
        );
      }
      const made = await withJournalEntry(
        recorder,
        [{ address: change.address, kind: 'vector_store', operation: 'create' }],
        () => writer.createVectorStore(attributes),
        (doc, result) => {
          doc.resources[change.address] = {
            kind: 'vector_store',
            id: result.id,
            attributes,
            dependencies: [],
            protect: store.protect,
          };
        },
      );
      return made.id;
    });
  });
}

/**
 * Who searches each store, by id: the managed assistant or agent that names it (the state is read
 * once, each store looked up).
 */
function storeUsers(doc: StateDocument): (id: string) => string | undefined {
  const users = new Map<string, string>();
  for (const [address, resource] of Object.entries(doc.resources))
    for (const id of idsNamedBy(resource).stores) if (!users.has(id)) users.set(id, address);
  return (id) => users.get(id);
}

/** Deletes stores that left the manifests (their files' attachments go with them). */
export async function deleteStores(run: ApplyRun, changes: readonly Change[]): Promise<void> {
  // An assistant or agent whose update failed may still search it: keep it until that is resolved.
  await run.deleteKind(changes, 'vector_store', {
    code: 'STORE_IN_USE',
    users: storeUsers,
  });
}
