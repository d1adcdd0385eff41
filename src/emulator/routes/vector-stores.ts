import type { EmulatorCore } from '../core.js';
import { cursorOf, listBody, paginate, parseListQuery } from '../pagination.js';
import { checkMetadata, resolveChunking } from '../prose-rules.js';
import type { StaticChunking, VectorStoreRecord } from '../records.js';
import type { Route, RouteContext } from '../router.js';
import { checkRequest } from '../spec.js';
import { storeView } from '../views.js';

export interface NewStore {
  name?: string | null;
  metadata?: unknown;
  expires_after?: { anchor: 'last_active_at'; days: number } | null;
  file_ids?: string[];
  chunking_strategy?: unknown;
}

/**
 * Makes a store and attaches `file_ids` with the request's chunking (the spec: the strategy "is
 * only applicable if file_ids is non-empty"; it is not kept for later attachments). Every id is
 * checked before anything is made, so a bad id leaves no half-made store. Also used by the
 * assistant helper `tool_resources.file_search.vector_stores`.
 */
export function createStore(core: EmulatorCore, request: NewStore, param = ''): VectorStoreRecord {
  const at = (name: string) => (param ? `${param}.${name}` : name);
  const metadata = checkMetadata(request.metadata, at('metadata'));
  const chunking: StaticChunking | undefined = resolveChunking(
    request.chunking_strategy,
    at('chunking_strategy'),
  );
  const files = (request.file_ids ?? []).map((id, index) => core.file(id, `${at('file_ids')}[${index}]`));
  const id = core.newId('vectorStore');
  const store: VectorStoreRecord = {
    id,
    seq: core.nextSeq(id),
    createdAt: core.clock.nowSeconds(),
    name: request.name ?? '',
    metadata,
    ...(request.expires_after ? { expiresAfter: request.expires_after } : {}),
    lastActiveAtMs: core.clock.nowMs(),
    expired: false,
  };
  core.data.vectorStores.set(id, store);
  core.members(id);
  for (const file of files) core.attach(store, file, chunking ? { chunking } : {});
  return store;
}

async function create(ctx: RouteContext) {
  const body = await ctx.json();
  checkRequest('CreateVectorStoreRequest', body);
  return { body: storeView(ctx.core, createStore(ctx.core, body as NewStore)) };
}

function list(ctx: RouteContext) {
  const query = parseListQuery(ctx.query);
  const { page, hasMore } = paginate(ctx.core.data.vectorStores.values(), query, cursorOf(ctx.core));
  return {
    body: listBody(
      page.map((store) => storeView(ctx.core, store)),
      hasMore,
    ),
  };
}

/** name, expires_after (null removes it) and metadata (replaced whole); an expired store stays expired. */
async function modify(ctx: RouteContext) {
  const body = (await ctx.json()) as NewStore;
  checkRequest('UpdateVectorStoreRequest', body);
  const metadata = body.metadata === undefined ? undefined : checkMetadata(body.metadata);
  const store = ctx.core.store(ctx.params.vector_store_id as string, 'vector_store_id');
  ctx.core.isExpired(store);
  if (body.name !== undefined) store.name = body.name ?? '';
  if (metadata !== undefined) store.metadata = metadata;
  if (body.expires_after === null) delete store.expiresAfter;
  else if (body.expires_after !== undefined) store.expiresAfter = body.expires_after;
  return { body: storeView(ctx.core, store) };
}

/** Deleting a store detaches its files; the files themselves stay (API prose). */
function remove(ctx: RouteContext) {
  const { core } = ctx;
  const store = core.store(ctx.params.vector_store_id as string, 'vector_store_id');
  core.data.vectorStores.delete(store.id);
  core.data.vectorStoreFiles.delete(store.id);
  for (const batch of core.data.batches.values())
    if (batch.storeId === store.id) core.data.batches.delete(batch.id);
  return { body: { id: store.id, object: 'vector_store.deleted', deleted: true } };
}

export function vectorStoreRoutes(): Route[] {
  return [
    { method: 'GET', template: '/vector_stores', handle: list },
    { method: 'POST', template: '/vector_stores', handle: create },
    {
      method: 'GET',
      template: '/vector_stores/{vector_store_id}',
      handle: (ctx) => ({
        body: storeView(ctx.core, ctx.core.store(ctx.params.vector_store_id as string, 'vector_store_id')),
      }),
    },
    { method: 'POST', template: '/vector_stores/{vector_store_id}', handle: modify },
    { method: 'DELETE', template: '/vector_stores/{vector_store_id}', handle: remove },
  ];
}
