import type { Change } from '../model/plan.js';
import { desiredFileAttributes } from '../plan/desired-attributes.js';
import type { StateDocument } from '../state/state-document.js';
import { detachDeposed } from './apply-memberships.js';
import type { ApplyRun } from './apply-run.js';
import { depose } from './deposed.js';
import { JournalAhead, journalledAhead } from './journal.js';

/**
 * Uploads new files and new versions of changed ones. A replaced file's old id stays in the
 * journal as a pending delete (the "deposed" object) until the delete phase removes it, after
 * stores and assistants have moved to the new one.
 */
export async function createFiles(run: ApplyRun, changes: readonly Change[]): Promise<void> {
  const files = new Map(run.input.desired.files.map((file) => [file.address, file]));
  const uploads = changes.flatMap((change) => {
    const file = files.get(change.address);
    if (change.kind !== 'file' || !file || (change.action !== 'create' && change.action !== 'create-delete'))
      return [];
    return [{ change, file, attributes: desiredFileAttributes(file, run.input.hashes.get(file.name) ?? '') }];
  });
  if (uploads.length === 0) return;
  const journal = new JournalAhead(
    run.input.recorder,
    uploads.map(({ change, attributes }) => ({
      address: change.address,
      kind: 'file' as const,
      operation: 'create' as const,
      match: { filename: attributes.filename, bytes: attributes.bytes, sha256: attributes.sha256 },
    })),
  );
  await run.each(
    uploads.map((upload, index) => ({ ...upload, index })),
    async ({ change, file, attributes, index }) => {
      await run.step(change, 'create', async () => {
        const old = run.resource(change.address);
        const replacing = Boolean(old && change.action === 'create-delete');
        const made = await journalledAhead(
          run.input.recorder,
          await journal.take(index),
          () =>
            run.input.writer.uploadFile({
              path: file.path,
              filename: attributes.filename,
              purpose: file.purpose,
              bytes: attributes.bytes,
            }),
          (doc, result) => {
            if (old?.kind === 'file' && replacing) {
              const { filename, bytes } = old.attributes;
              run.deposed.push(depose(doc, change.address, 'file', old.id, { expect: { filename, bytes } }));
            }
            doc.resources[change.address] = {
              kind: 'file',
              id: result.id,
              attributes,
              dependencies: [],
              protect: file.protect,
              ...(result.createdAt === undefined ? {} : { created_at: result.createdAt }),
            };
          },
          // The old id is in no journal entry: its depose must be on disk before anything else.
          replacing,
        );
        return made.id;
      });
    },
  );
  journal.end();
}

/** True when a managed store or assistant still uses the file with this id. */
export function fileInUse(doc: StateDocument, id: string): string | undefined {
  for (const [address, resource] of Object.entries(doc.resources)) {
    if (resource.kind === 'vector_store_file' && resource.id === id) return address;
    if (
      resource.kind === 'assistant' &&
      resource.attributes.tool_resources.code_interpreter?.file_ids.includes(id)
    )
      return address;
  }
  return undefined;
}

/**
 * Deletes files that left the manifests, then the old versions of replaced ones; a file that a
 * managed store or assistant still uses is left in place with a warning.
 */
export async function deleteFiles(run: ApplyRun, changes: readonly Change[]): Promise<void> {
  await run.deleteKind(changes, 'file', { code: 'FILE_IN_USE', user: fileInUse });
  await run.each(
    run.deposed.filter((d) => d.kind === 'file'),
    async (old) => {
      const attachments = run.deposed.filter((d) => d.kind === 'vector_store_file' && d.id === old.id);
      // Kept while anything uses it, or while its replacement did not make it into every store;
      // then its old attachments (left for this delete, see deleteMemberships) go one by one.
      if (fileInUse(run.state, old.id) || replacementFailed(run, old.address)) {
        for (const attachment of attachments) await detachDeposed(run, attachment);
        return;
      }
      // Deleting a file removes it from every store: its old attachments need no call.
      const kept = attachments.filter((a) => run.stopped || run.failed.has(a.address));
      if (kept.length > 0) return;
      await run.deleteDeposed(old, attachments);
    },
  );
}

/** True when an attachment of the file at `address` failed this run (to attach or to index). */
function replacementFailed(run: ApplyRun, address: string): boolean {
  return run.input.plan.changes.some(
    (change) =>
      run.failed.has(change.address) && (change.address === address || change.dependencies.includes(address)),
  );
}
