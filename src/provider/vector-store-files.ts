import type OpenAI from 'openai';
import type { AttributeValue } from '../model/desired.js';
import type { LiveMember } from '../model/live.js';
import type { Page } from './live-view.js';
import { LIST_PAGE_SIZE } from './vector-stores.js';

/** A vector-store file as the planner compares it; `other` chunking (legacy files) reads as null. */
export function liveMember(member: OpenAI.VectorStores.VectorStoreFile): LiveMember {
  const chunking = member.chunking_strategy;
  return {
    id: member.id,
    attributes: {
      vector_store_id: member.vector_store_id,
      file_id: member.id,
      attributes: { ...((member.attributes as Record<string, AttributeValue> | null) ?? {}) },
      chunking_strategy: chunking?.type === 'static' ? { ...chunking.static } : null,
    },
    status: member.status,
    lastError: member.last_error
      ? { code: member.last_error.code, message: member.last_error.message }
      : null,
  };
}

export async function listVectorStoreFilesPage(
  client: OpenAI,
  storeId: string,
  after?: string,
): Promise<Page<LiveMember>> {
  const page = await client.vectorStores.files.list(storeId, {
    limit: LIST_PAGE_SIZE,
    ...(after ? { after } : {}),
  });
  return { data: page.data.map(liveMember), hasMore: page.has_more };
}
