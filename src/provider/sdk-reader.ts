import OpenAI from 'openai';
import type { ApiClient } from './api-client.js';
import { type ApiOperation, toApiError } from './api-errors.js';
import { listAssistantsPage } from './assistants.js';
import { listFilesPage } from './files.js';
import type { ApiReader } from './live-view.js';
import { listVectorStoreFilesPage } from './vector-store-files.js';
import { listVectorStoresPage } from './vector-stores.js';

/**
 * The ApiReader over the official SDK; every failure comes out as an AssistantsError, except a 404
 * on a store's files, which means the store was deleted since the store list was read. Reads are
 * paced by the client's fetch with the writes of their family, and wait out rate-limit 429s there
 * (see governedFetch); the SDK's own retries are left for 5xx and lost connections.
 */
export function sdkReader(api: ApiClient): ApiReader {
  const call = async <T>(operation: ApiOperation, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (err) {
      throw toApiError(err, operation, api.endpoint, api.apiKey);
    }
  };
  const { client } = api;
  return {
    listFiles: (after) => call({ method: 'GET', path: '/files' }, () => listFilesPage(client, after)),
    listVectorStores: (after) =>
      call({ method: 'GET', path: '/vector_stores' }, () => listVectorStoresPage(client, after)),
    listVectorStoreFiles: (storeId, after) =>
      call({ method: 'GET', path: `/vector_stores/${storeId}/files` }, async () => {
        try {
          return await listVectorStoreFilesPage(client, storeId, after);
        } catch (err) {
          if (err instanceof OpenAI.NotFoundError) return undefined;
          throw err;
        }
      }),
    listAssistants: (after) =>
      call({ method: 'GET', path: '/assistants' }, () => listAssistantsPage(client, after)),
    downloadFile: (id) =>
      call({ method: 'GET', path: `/files/${id}/content` }, async () => {
        const response = await client.files.content(id);
        if (!response.body) throw new Error('the answer has no body');
        return response.body as ReadableStream<Uint8Array>;
      }),
  };
}
