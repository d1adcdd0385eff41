import type { ApiWriter, BatchStatus } from './api-writer.js';
import { NO_SDK_RETRIES, send, sendDelete, type WriterContext } from './writer-retry.js';

type StoreFileWriter = Pick<
  ApiWriter,
  'createFileBatch' | 'retrieveFileBatch' | 'updateVectorStoreFile' | 'deleteVectorStoreFile'
>;

/**
 * The files of vector stores (memberships): batches and single files. A batch is simply sent again
 * (attaching an attached file is accepted, and the latest batch takes it over); updates and
 * deletes are idempotent.
 */
export function storeFileWriter(ctx: WriterContext): StoreFileWriter {
  const { client } = ctx.api;
  return {
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
