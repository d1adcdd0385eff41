import { UNKNOWN } from '../model/attributes.js';
import type { DesiredFile } from '../model/desired.js';
import type { Change } from '../model/plan.js';
import { desiredFileAttributes } from '../plan/kinds/file.js';
import type { SentContent } from '../provider/api-writer.js';
import { idsNamedBy, type StateDocument } from '../state/state-document.js';
import { detachDeposed } from './apply-memberships.js';
import type { ApplyRun } from './apply-run.js';
import { inCreateHalf } from './create-half.js';
import type { Deposed } from './deposed.js';
import { depose } from './deposed.js';
import { EntriesAhead, withEntryAhead } from './journal.js';

/**
 * Uploads new files and new versions of changed ones. A replaced file's old id stays in the
 * journal as a pending delete (the "deposed" object) until the delete phase removes it, after
 * stores and assistants have moved to the new one.
 *
 * The state records the hash and size of the bytes each upload sent (hashed as they went out, so
 * the file is read once), never the plan's: a new file's hash is known only then, and a file
 * edited after it was planned is recorded as uploaded (with a FILE_CHANGED_DURING_APPLY warning),
 * so the next plan sees the difference. The hash cache learns it too when the file kept its size
 * and mtime throughout, so the next plan reads nothing.
 */
export async function createFiles(run: ApplyRun, changes: readonly Change[]): Promise<void> {
  const files = new Map(run.input.desired.files.map((file) => [file.address, file]));
  const uploads = changes.flatMap((change) => {
    const file = files.get(change.address);
    if (!file || !inCreateHalf(change, 'file')) return [];
    const { filename, bytes } = desiredFileAttributes(file, UNKNOWN);
    return [{ change, file, filename, bytes, planned: run.input.hashes.get(file.name) }];
  });
  if (uploads.length === 0) return;
  const journal = new EntriesAhead(
    run.input.recorder,
    uploads.map(({ change, filename, bytes, planned }) => ({
      address: change.address,
      kind: 'file' as const,
      operation: 'create' as const,
      // Without a hash (a new file, not read before), a lost upload is adopted only if the file
      // was not modified since the entry was written (see resolve-journal.ts).
      match: { filename, bytes, ...(planned === undefined ? {} : { sha256: planned }) },
    })),
  );
  await run.each(uploads, async ({ change, file, filename, bytes, planned }, index) => {
    await run.step(change, 'create', async () => {
      const old = run.resource(change.address);
      const replacing = Boolean(old && change.action === 'create-delete');
      const made = await withEntryAhead(
        run.input.recorder,
        await journal.take(index),
        () =>
          run.input.writer.uploadFile({
            path: file.path,
            filename,
            purpose: file.purpose,
            bytes,
          }),
        (doc, result) => {
          if (old?.kind === 'file' && replacing) {
            const { filename, bytes } = old.attributes;
            run.deposed.push(depose(doc, change.address, 'file', old.id, { expect: { filename, bytes } }));
          }
          const sent = result.content;
          doc.resources[change.address] = {
            kind: 'file',
            id: result.id,
            // The planned attributes with the size sent, set on the fresh object: a spread
            // followed by a key gives each object its own hidden class on Node 20's V8, which
            // for 20,000 files is megabytes of them and slow property reads.
            attributes: Object.assign(desiredFileAttributes(file, sent.sha256), { bytes: sent.bytes }),
            dependencies: [],
            protect: file.protect,
            ...(result.createdAt === undefined ? {} : { created_at: result.createdAt }),
          };
        },
        // The old id is in no journal entry: its depose must be on disk before anything else.
        replacing,
      );
      learn(run, file, planned, made.content);
      return made.id;
    });
  });
  journal.end();
}

/** What an upload taught: the hash cache's entry, and a warning when the bytes were not the planned ones. */
function learn(run: ApplyRun, file: DesiredFile, planned: string | undefined, sent: SentContent): void {
  if (sent.mtimeMs !== undefined) run.input.hashCache?.set(file.path, sent.bytes, sent.mtimeMs, sent.sha256);
  if (planned !== undefined && planned !== sent.sha256)
    run.warnings.push({
      severity: 'warning',
      code: 'FILE_CHANGED_DURING_APPLY',
      message: `file "${file.relativePath}" changed after it was planned: the bytes uploaded (sha256 ${sent.sha256.slice(0, 12)}…) are not the ones planned (${planned.slice(0, 12)}…); the state records what was uploaded`,
      location: file.source,
      hint: 'plan again: if the file now holds other bytes than were uploaded, the plan uploads it again',
    });
}

/**
 * Who still uses each file, by id: the address of a managed membership or assistant (the state is
 * read once, each file looked up).
 */
function fileUsers(doc: StateDocument): (id: string) => string | undefined {
  const users = new Map<string, string>();
  const use = (id: string, address: string) => {
    if (!users.has(id)) users.set(id, address);
  };
  for (const [address, resource] of Object.entries(doc.resources)) {
    if (resource.kind === 'vector_store_file') use(resource.id, address);
    for (const file of idsNamedBy(resource).files) use(file, address);
  }
  return (id) => users.get(id);
}

/**
 * Deletes files that left the manifests, then the old versions of replaced ones; a file that a
 * managed store or assistant still uses is left in place with a warning.
 */
export async function deleteFiles(run: ApplyRun, changes: readonly Change[]): Promise<void> {
  await run.deleteKind(changes, 'file', { code: 'FILE_IN_USE', users: fileUsers });
  // Read once: what this phase does to the state touches only its journal, not who uses what.
  const userOf = fileUsers(run.state);
  const attachmentsOf = new Map<string, Deposed[]>();
  for (const d of run.deposed) {
    if (d.kind !== 'vector_store_file') continue;
    const list = attachmentsOf.get(d.id);
    if (list) list.push(d);
    else attachmentsOf.set(d.id, [d]);
  }
  await run.each(
    run.deposed.filter((d) => d.kind === 'file'),
    async (old) => {
      const attachments = attachmentsOf.get(old.id) ?? [];
      // Kept while anything uses it, or while its replacement did not make it into every store;
      // then its old attachments (left for this delete, see deleteMemberships) go one by one.
      if (userOf(old.id) || replacementFailed(run, old.address)) {
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
