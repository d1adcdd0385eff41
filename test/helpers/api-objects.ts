/**
 * Objects as the API answers them (files, stores, store files, assistants, list pages), for tests
 * that stand a fake server (nock) in front of the SDK. Each takes overrides for any field.
 */
type Fields = Record<string, unknown>;

const CREATED = 1_700_000_000;

/** A list page as the API shapes it: the ids of its ends, has_more. */
export function apiList<T extends { id: string }>(data: T[], hasMore = false) {
  return {
    object: 'list',
    data,
    first_id: data[0]?.id ?? '',
    last_id: data.at(-1)?.id ?? '',
    has_more: hasMore,
  };
}

export function apiFile(id: string, fields: Fields = {}) {
  return {
    id,
    object: 'file',
    bytes: 42,
    created_at: CREATED,
    filename: `${id}.md`,
    purpose: 'assistants',
    status: 'processed',
    ...fields,
  };
}

export function apiStore(id: string, fields: Fields = {}) {
  return {
    id,
    object: 'vector_store',
    created_at: CREATED,
    name: id,
    usage_bytes: 0,
    file_counts: { in_progress: 0, completed: 0, failed: 0, cancelled: 0, total: 0 },
    status: 'completed',
    expires_at: null,
    last_active_at: CREATED,
    metadata: {},
    ...fields,
  };
}

export function apiMember(id: string, storeId: string, fields: Fields = {}) {
  return {
    id,
    object: 'vector_store.file',
    usage_bytes: 10,
    created_at: CREATED,
    vector_store_id: storeId,
    status: 'completed',
    last_error: null,
    chunking_strategy: { type: 'static', static: { max_chunk_size_tokens: 800, chunk_overlap_tokens: 400 } },
    attributes: {},
    ...fields,
  };
}

export function apiAssistant(id: string, fields: Fields = {}) {
  return {
    id,
    object: 'assistant',
    created_at: CREATED,
    name: id,
    description: null,
    model: 'gpt-4o',
    instructions: null,
    tools: [],
    tool_resources: {},
    metadata: {},
    temperature: 1,
    top_p: 1,
    response_format: 'auto',
    ...fields,
  };
}
