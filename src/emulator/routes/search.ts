import { type Filter, searchStores } from '../file-search.js';
import type { Route, RouteContext } from '../router.js';
import { checkRequest } from '../spec.js';

/** `POST /vector_stores/{id}/search`: the emulator's search (see file-search.ts) over one store. */
async function search(ctx: RouteContext) {
  const { core } = ctx;
  const body = await ctx.json();
  checkRequest('VectorStoreSearchRequest', body);
  const store = core.store(ctx.params.vector_store_id as string, 'vector_store_id');
  core.requireActive(store);
  const queries = Array.isArray(body.query) ? (body.query as string[]) : [body.query as string];
  const data = await searchStores(core, [store], {
    queries,
    filters: body.filters as Filter | undefined,
    // The spec's default for this request.
    maxResults: (body.max_num_results as number | undefined) ?? 10,
    scoreThreshold: (body.ranking_options as { score_threshold?: number } | undefined)?.score_threshold ?? 0,
  });
  return {
    body: {
      object: 'vector_store.search_results.page',
      search_query: queries,
      data,
      has_more: false,
      next_page: null,
    },
  };
}

export function searchRoutes(): Route[] {
  return [{ method: 'POST', template: '/vector_stores/{vector_store_id}/search', handle: search }];
}
