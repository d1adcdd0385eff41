import { isTextFile, MAX_TEXT_BYTES } from '../file-search.js';
import { enumParam, listBody, paginate, parseListQuery } from '../pagination.js';
import { resolveChunking } from '../prose-rules.js';
import { memberCursor, type VectorStoreFileRecord } from '../records.js';
import type { Route, RouteContext } from '../router.js';
import { checkRequest } from '../spec.js';
import type { FileStatus } from '../status-rules.js';
import { memberView } from '../views.js';

export const STATUS_FILTER: readonly FileStatus[] = ['in_progress', 'completed', 'failed', 'cancelled'];

/** A page of store files, with the API's optional `filter` by status. */
export function listMembers(ctx: RouteContext, storeId: string, members: Iterable<VectorStoreFileRecord>) {
  const query = parseListQuery(ctx.query);
  const filter = enumParam(ctx.query, 'filter', STATUS_FILTER);
  const chosen = [...members].filter((member) => !filter || ctx.core.memberStatus(member) === filter);
  // A store file's place is kept under `store/file`: the same file has its own in every store.
  const seqOf = (id: string) => ctx.core.data.cursorSeq.get(memberCursor(storeId, id));
  const { page, hasMore } = paginate(chosen, query, seqOf);
  return {
    body: listBody(
      page.map((member) => memberView(ctx.core, member)),
      hasMore,
    ),
  };
}

const storeOf = (ctx: RouteContext) =>
  ctx.core.store(ctx.params.vector_store_id as string, 'vector_store_id');

async function attach(ctx: RouteContext) {
  const body = await ctx.json();
  checkRequest('CreateVectorStoreFileRequest', body);
  const store = storeOf(ctx);
  const file = ctx.core.file(body.file_id as string, 'file_id');
  const chunking = resolveChunking(body.chunking_strategy);
  ctx.core.requireActive(store);
  const member = ctx.core.attach(store, file, {
    ...(chunking ? { chunking } : {}),
    attributes: body.attributes as VectorStoreFileRecord['attributes'] | null,
  });
  return { body: memberView(ctx.core, member) };
}

async function updateAttributes(ctx: RouteContext) {
  const body = await ctx.json();
  checkRequest('UpdateVectorStoreFileAttributesRequest', body);
  const member = ctx.core.member(storeOf(ctx).id, ctx.params.file_id as string);
  member.attributes = (body.attributes as VectorStoreFileRecord['attributes'] | null) ?? {};
  return { body: memberView(ctx.core, member) };
}

/** Detaching keeps the file itself (API prose: "the file itself will not be deleted"). */
function detach(ctx: RouteContext) {
  const store = storeOf(ctx);
  const member = ctx.core.member(store.id, ctx.params.file_id as string);
  ctx.core.members(store.id).delete(member.id);
  return { body: { id: member.id, object: 'vector_store.file.deleted', deleted: true } };
}

/** The parsed text of an indexed file, as one page (binary formats yield no text here). */
async function content(ctx: RouteContext) {
  const store = storeOf(ctx);
  const member = ctx.core.member(store.id, ctx.params.file_id as string);
  const file = ctx.core.file(member.id, 'file_id');
  const readable =
    ctx.core.memberStatus(member) === 'completed' && isTextFile(file) && file.bytes <= MAX_TEXT_BYTES;
  const text = readable ? await ctx.core.blobs.text(file.id) : '';
  return {
    body: {
      object: 'vector_store.file_content.page',
      data: text ? [{ type: 'text', text }] : [],
      has_more: false,
      next_page: null,
    },
  };
}

export function vectorStoreFileRoutes(): Route[] {
  const base = '/vector_stores/{vector_store_id}/files';
  return [
    {
      method: 'GET',
      template: base,
      handle: (ctx) => {
        const store = storeOf(ctx);
        return listMembers(ctx, store.id, ctx.core.members(store.id).values());
      },
    },
    { method: 'POST', template: base, handle: attach },
    {
      method: 'GET',
      template: `${base}/{file_id}`,
      handle: (ctx) => ({
        body: memberView(ctx.core, ctx.core.member(storeOf(ctx).id, ctx.params.file_id as string)),
      }),
    },
    { method: 'POST', template: `${base}/{file_id}`, handle: updateAttributes },
    { method: 'DELETE', template: `${base}/{file_id}`, handle: detach },
    { method: 'GET', template: `${base}/{file_id}/content`, handle: content },
  ];
}
