import { AssistantsError } from '../errors/index.js';
import { type ResourceKind, unhandledKind } from '../model/kinds.js';
import type { LiveResource } from '../model/live.js';
import type { ApiClient } from './api-client.js';
import { toApiError } from './api-errors.js';
import { liveAssistant } from './assistants.js';
import { liveFile } from './files.js';
import { liveSkill } from './skills.js';
import { liveMember } from './vector-store-files.js';
import { liveVectorStore } from './vector-stores.js';

/** One resource by id, normalised (for `import`); a membership also needs its store's id. */
export async function retrieveResource(
  api: ApiClient,
  kind: ResourceKind,
  id: string,
  storeId?: string,
): Promise<LiveResource> {
  const { client } = api;
  if (kind === 'agent')
    throw new AssistantsError('USAGE', 'an agent has no API object to read', {
      hint: 'apply renders agents from the manifests',
    });
  const path = {
    file: `/files/${id}`,
    vector_store: `/vector_stores/${id}`,
    vector_store_file: `/vector_stores/${storeId}/files/${id}`,
    assistant: `/assistants/${id}`,
    skill: `/skills/${id}`,
  }[kind];
  try {
    switch (kind) {
      case 'file':
        return { kind, live: liveFile(await client.files.retrieve(id)) };
      case 'vector_store':
        return { kind, live: liveVectorStore(await client.vectorStores.retrieve(id)) };
      case 'vector_store_file':
        return {
          kind,
          live: liveMember(
            await client.vectorStores.files.retrieve(id, { vector_store_id: storeId as string }),
          ),
        };
      case 'assistant':
        return { kind, live: liveAssistant(await client.beta.assistants.retrieve(id)) };
      case 'skill':
        return { kind, live: liveSkill(await client.skills.retrieve(id)) };
      default:
        return unhandledKind(kind);
    }
  } catch (err) {
    throw toApiError(err, { method: 'GET', path }, api.endpoint, api.apiKey);
  }
}
