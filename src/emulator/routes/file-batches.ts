import { invalidRequest } from '../api-error.js';
import { resolveChunking } from '../prose-rules.js';
import type { BatchRecord, FileRecord, StaticChunking, VectorStoreFileRecord } from '../records.js';
import type { Route, RouteContext } from '../router.js';
import { checkRequest } from '../spec.js';
import { batchMembers, batchView } from '../views.js';
import { listMembers } from './vector-store-files.js';

type Attributes = VectorStoreFileRecord['attributes'];

interface BatchEntry {
  file: FileRecord;
  chunking?: StaticChunking;
  attributes?: Attributes | null;
}

/**
 * Attaches many files at once. `file_ids` and `files` are mutually exclusive (API prose; the
 * schema's `anyOf` would allow both). Every id is resolved first: one unknown id fails the whole
 * batch and attaches nothing.
 */
async function create(ctx: RouteContext) {
  const { core } = ctx;
  const body = await ctx.json();
  checkRequest('CreateVectorStoreFileBatchRequest', body);
  if (body.file_ids !== undefined && body.files !== undefined) {
    throw invalidRequest(
      "'file_ids' and 'files' are mutually exclusive: send one of them.",
      'files',
      'invalid_value',
    );
  }
  const store = core.store(ctx.params.vector_store_id as string, 'vector_store_id');
  const chunking = resolveChunking(body.chunking_strategy);
  const attributes = body.attributes as Attributes | null | undefined;
  const entries: BatchEntry[] = body.file_ids
    ? (body.file_ids as string[]).map((id, index) => ({ file: core.file(id, `file_ids[${index}]`) }))
    : (body.files as { file_id: string; chunking_strategy?: unknown; attributes?: Attributes | null }[]).map(
        (entry, index) => {
          const own = resolveChunking(entry.chunking_strategy, `files[${index}].chunking_strategy`);
          return {
            file: core.file(entry.file_id, `files[${index}].file_id`),
            ...(own ? { chunking: own } : {}),
            ...(entry.attributes !== undefined ? { attributes: entry.attributes } : {}),
          };
        },
      );
  core.requireActive(store);
  const id = core.newId('batch');
  const batch: BatchRecord = {
    id,
    seq: core.nextSeq(id),
    storeId: store.id,
    createdAt: core.clock.nowSeconds(),
    fileIds: entries.map((entry) => entry.file.id),
    cancelled: false,
  };
  core.data.batches.set(id, batch);
  // With `files`, "the global attributes or chunking_strategy will be ignored" (spec): each
  // entry carries its own.
  const byEntry = body.files !== undefined;
  for (const entry of entries) {
    const own = byEntry ? entry.chunking : chunking;
    core.attach(store, entry.file, {
      ...(own ? { chunking: own } : {}),
      attributes: byEntry ? entry.attributes : attributes,
      batchId: id,
    });
  }
  return { body: batchView(core, batch) };
}

const batchOf = (ctx: RouteContext) =>
  ctx.core.batch(
    ctx.core.store(ctx.params.vector_store_id as string, 'vector_store_id').id,
    ctx.params.batch_id as string,
  );

/** Cancelling stops the files still indexing; files already done stay done. */
function cancel(ctx: RouteContext) {
  const batch = batchOf(ctx);
  const members = batchMembers(ctx.core, batch);
  if (members.some((member) => ctx.core.memberStatus(member) === 'in_progress')) {
    batch.cancelled = true;
    for (const member of members)
      if (ctx.core.memberStatus(member) === 'in_progress') member.cancelled = true;
  }
  return { body: batchView(ctx.core, batch) };
}

export function fileBatchRoutes(): Route[] {
  const base = '/vector_stores/{vector_store_id}/file_batches';
  return [
    { method: 'POST', template: base, handle: create },
    {
      method: 'GET',
      template: `${base}/{batch_id}`,
      handle: (ctx) => ({ body: batchView(ctx.core, batchOf(ctx)) }),
    },
    { method: 'POST', template: `${base}/{batch_id}/cancel`, handle: cancel },
    {
      method: 'GET',
      template: `${base}/{batch_id}/files`,
      handle: (ctx) => {
        const batch = batchOf(ctx);
        return listMembers(ctx, batch.storeId, batchMembers(ctx.core, batch));
      },
    },
  ];
}
