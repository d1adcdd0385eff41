import OpenAI from 'openai';
import type { ApiClient } from './api-client.js';
import { type ApiOperation, toApiError } from './api-errors.js';
import { listAssistantsPage } from './assistants.js';
import { listFilesPage } from './files.js';
import type { ApiReader } from './live-view.js';
import { listSkillsPage, listSkillVersionsPage } from './skills.js';
import { listVectorStoreFilesPage } from './vector-store-files.js';
import { listVectorStoresPage } from './vector-stores.js';

/**
 * The ApiReader over the official SDK; every failure comes out as an AssistantsError, except a 404
 * on a store's files or a skill's versions, which means the store or skill was deleted since its
 * list was read. A 404 on `GET /skills` itself is SKILLS_UNSUPPORTED (see toApiError). Reads are
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
    listSkills: (after) => call({ method: 'GET', path: '/skills' }, () => listSkillsPage(client, after)),
    listSkillVersions: (skillId, after) =>
      call({ method: 'GET', path: `/skills/${skillId}/versions` }, async () => {
        try {
          return await listSkillVersionsPage(client, skillId, after);
        } catch (err) {
          if (err instanceof OpenAI.NotFoundError) return undefined;
          throw err;
        }
      }),
    downloadSkillContent: (skillId, version) => {
      const path =
        version === undefined
          ? `/skills/${skillId}/content`
          : `/skills/${skillId}/versions/${version}/content`;
      return call({ method: 'GET', path }, async () => {
        const response =
          version === undefined
            ? await client.skills.content.retrieve(skillId)
            : await client.skills.versions.content.retrieve(version, { skill_id: skillId });
        if (!response.body) throw new Error('the answer has no body');
        return response.body as ReadableStream<Uint8Array>;
      });
    },
  };
}
