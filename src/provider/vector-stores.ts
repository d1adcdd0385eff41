import type OpenAI from 'openai';
import type { LiveVectorStore } from '../model/live.js';
import type { Page } from './live-view.js';

/** The most a page of the vector-store and assistant lists holds. */
export const LIST_PAGE_SIZE = 100;

/** A store as the planner compares it: an unset name reads as "", no expiry as null. */
export function liveVectorStore(store: OpenAI.VectorStores.VectorStore): LiveVectorStore {
  return {
    id: store.id,
    createdAt: store.created_at,
    expiresAt: store.expires_at ?? null,
    attributes: {
      name: store.name ?? '',
      expires_after: store.expires_after
        ? { anchor: store.expires_after.anchor, days: store.expires_after.days }
        : null,
      metadata: { ...((store.metadata as Record<string, string> | null) ?? {}) },
    },
    status: store.status,
    usageBytes: store.usage_bytes,
  };
}

export async function listVectorStoresPage(client: OpenAI, after?: string): Promise<Page<LiveVectorStore>> {
  const page = await client.vectorStores.list({ limit: LIST_PAGE_SIZE, ...(after ? { after } : {}) });
  return { data: page.data.map(liveVectorStore), hasMore: page.has_more };
}
