import type { ApiWriter, BatchStatus } from './api-writer.js';
import {
  createOnce,
  NO_SDK_RETRIES,
  send,
  sendDelete,
  stampLookup,
  type WriterContext,
} from './writer-retry.js';

type StoreWriter = Pick<
  ApiWriter,
  | 'createVectorStore'
  | 'updateVectorStore'
  | 'updateVectorStoreMetadata'
  | 'deleteVectorStore'
  | 'createFileBatch'
  | 'retrieveFileBatch'
  | 'updateVectorStoreFile'
  | 'deleteVectorStoreFile'
>;

/**
 * Vector stores, their file batches and their files. A lost store create is found again by its
 * ownership stamp; a batch is simply sent again (attaching an attached file is accepted, and the
 * latest batch takes it over); updates and deletes are idempotent.
 */
export function storeWriter(ctx: WriterContext): StoreWriter {
  const { client } = ctx.api;
  return {
    createVectorStore(body) {
      return createOnce(
        ctx,
        { method: 'POST', path: '/vector_stores' },
        () =>
          client.vectorStores.create(
            {
              name: body.name,
              metadata: body.metadata,
              ...(body.expires_after ? { expires_after: body.expires_after } : {}),
            },
            NO_SDK_RETRIES,
          ),
        stampLookup(
          'vector_store',
          body.metadata,
          { method: 'GET', path: '/vector_stores' },
          (after, limit) =>
            client.vectorStores.list({ order: 'desc', limit, ...(after ? { after } : {}) }, NO_SDK_RETRIES),
        ),
      );
    },

    async updateVectorStore(id, body) {
      await send(ctx, { method: 'POST', path: `/vector_stores/${id}` }, () =>
        client.vectorStores.update(
          id,
          { name: body.name, metadata: body.metadata, expires_after: body.expires_after },
          NO_SDK_RETRIES,
        ),
      );
    },

    async updateVectorStoreMetadata(id, metadata) {
      await send(ctx, { method: 'POST', path: `/vector_stores/${id}` }, () =>
        client.vectorStores.update(id, { metadata }, NO_SDK_RETRIES),
      );
    },

    deleteVectorStore: (id) =>
      sendDelete(ctx, { method: 'DELETE', path: `/vector_stores/${id}` }, () =>
        client.vectorStores.delete(id, NO_SDK_RETRIES),
      ),

    async createFileBatch(storeId, files) {
      const batch = await send(ctx, { method: 'POST', path: `/vector_stores/${storeId}/file_batches` }, () =>
        client.vectorStores.fileBatches.create(
          storeId,
          {
            files: files.map((file) => ({
              file_id: file.file_id,
              attributes: file.attributes,
              chunking_strategy: { type: 'static', static: { ...file.chunking_strategy } },
            })),
          },
          NO_SDK_RETRIES,
        ),
      );
      return { id: batch.id };
    },

    retrieveFileBatch: (storeId, batchId) =>
      send(
        ctx,
        { method: 'GET', path: `/vector_stores/${storeId}/file_batches/${batchId}` },
        async (): Promise<BatchStatus> => {
          const { data, response } = await client.vectorStores.fileBatches
            .retrieve(batchId, { vector_store_id: storeId }, NO_SDK_RETRIES)
            .withResponse();
          const pollAfterMs = pollAfter(response.headers.get('openai-poll-after-ms'));
          const { in_progress, completed, failed, cancelled, total } = data.file_counts;
          return {
            status: data.status,
            counts: { in_progress, completed, failed, cancelled, total },
            ...(pollAfterMs === undefined ? {} : { pollAfterMs }),
          };
        },
      ),

    async updateVectorStoreFile(storeId, fileId, attributes) {
      await send(ctx, { method: 'POST', path: `/vector_stores/${storeId}/files/${fileId}` }, () =>
        client.vectorStores.files.update(fileId, { vector_store_id: storeId, attributes }, NO_SDK_RETRIES),
      );
    },

    deleteVectorStoreFile: (storeId, fileId) =>
      sendDelete(ctx, { method: 'DELETE', path: `/vector_stores/${storeId}/files/${fileId}` }, () =>
        client.vectorStores.files.delete(fileId, { vector_store_id: storeId }, NO_SDK_RETRIES),
      ),
  };
}

/** The `openai-poll-after-ms` header as a number of milliseconds, when it is one. */
function pollAfter(header: string | null): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const value = Number(header);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}
