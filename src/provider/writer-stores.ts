import type { ApiWriter } from './api-writer.js';
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
  'createVectorStore' | 'updateVectorStore' | 'updateVectorStoreMetadata' | 'deleteVectorStore'
>;

/**
 * Vector stores (their files: writer-store-files.ts). A lost store create is found again by its
 * ownership stamp; updates and deletes are idempotent.
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
  };
}
