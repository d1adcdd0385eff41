import { AssistantsError } from '../errors/index.js';
import type { AccountView, LiveMember, LiveVectorStore, LiveView, RefreshRequest } from '../model/live.js';
import { mapLimit } from '../util/concurrency.js';
import { DEFAULT_PARALLELISM } from './concurrency.js';
import type { ApiReader, Page } from './live-view.js';

/**
 * Reads live state with list endpoints: one page of files (10,000 per page), the store and
 * assistant lists until every wanted id is seen, and each live store's files. A stack of 1,000 files
 * in 10 stores with 10 assistants costs 13 requests instead of one GET per resource. Read-only.
 * A store whose files list answers 404 was deleted after the store list was read: it is left out
 * of both `vectorStores` and `members`, i.e. gone.
 */
export async function refresh(reader: ApiReader, request: RefreshRequest): Promise<LiveView> {
  const vectorStores: Promise<Map<string, LiveVectorStore>> =
    request.vectorStoreIds.size > 0
      ? collect((after) => reader.listVectorStores(after), request.vectorStoreIds)
      : Promise.resolve(new Map());
  const [files, members, assistants, stores] = await Promise.all([
    request.fileIds.size > 0 ? collect((after) => reader.listFiles(after), request.fileIds) : new Map(),
    // Each store's files are asked for as soon as the store list is in, while the others load.
    // An expired store is replaced whole, so its files are not worth a request.
    vectorStores.then((known) =>
      readMembers(
        reader,
        [...known.values()].filter((store) => store.status !== 'expired'),
        known,
      ),
    ),
    request.assistantIds.size > 0 || request.probeAssistants
      ? collect((after) => reader.listAssistants(after), request.assistantIds)
      : new Map(),
    vectorStores,
  ]);
  return { files, vectorStores: stores, members, assistants };
}

/**
 * Every file of each of `stores`, `concurrency` stores at a time. A store whose files
 * list answers 404 was deleted after the store list was read: it is taken out of `known` (gone, as
 * if the store list had missed it) and has no entry in the result.
 */
export async function readMembers(
  reader: ApiReader,
  stores: readonly LiveVectorStore[],
  known: Map<string, LiveVectorStore>,
  concurrency = DEFAULT_PARALLELISM,
): Promise<Map<string, Map<string, LiveMember>>> {
  const lists = await mapLimit(stores, concurrency, (store) =>
    collectOrGone((after) => reader.listVectorStoreFiles(store.id, after)),
  );
  const members = new Map<string, Map<string, LiveMember>>();
  for (const [index, store] of stores.entries()) {
    const list = lists[index];
    if (list === undefined) known.delete(store.id);
    else members.set(store.id, list);
  }
  return members;
}

/** collect() over a list that answers `undefined` when its parent is gone, on any page. */
async function collectOrGone<T extends { id: string }>(
  list: (after?: string) => Promise<Page<T> | undefined>,
): Promise<Map<string, T> | undefined> {
  const gone = Symbol('gone');
  try {
    return await collect(async (after) => {
      const page = await list(after);
      if (page === undefined) throw gone;
      return page;
    });
  } catch (err) {
    if (err === gone) return undefined;
    throw err;
  }
}

/**
 * Walks a list by cursor. With `wanted`, keeps only those ids and stops as soon as all are seen;
 * without, keeps everything. The first page is always read (it is also the liveness probe).
 */
async function collect<T extends { id: string }>(
  list: (after?: string) => Promise<Page<T>>,
  wanted?: ReadonlySet<string>,
): Promise<Map<string, T>> {
  const found = new Map<string, T>();
  let after: string | undefined;
  for (;;) {
    const page = await list(after);
    for (const item of page.data) if (!wanted || wanted.has(item.id)) found.set(item.id, item);
    const last = page.data.at(-1);
    if (!page.hasMore || !last || (wanted && found.size === wanted.size)) return found;
    after = last.id;
  }
}

/**
 * Reads whole lists rather than the state's ids: what gc looks for (leaks, foreign expired stores)
 * is by definition not in the state. An endpoint without assistants is not an error here.
 */
export async function readAccount(reader: ApiReader): Promise<AccountView> {
  const [files, vectorStores, assistants] = await Promise.all([
    collect((after) => reader.listFiles(after)),
    collect((after) => reader.listVectorStores(after)),
    collect((after) => reader.listAssistants(after)).catch((err: unknown) => {
      if (err instanceof AssistantsError && err.code === 'ASSISTANTS_SUNSET') return undefined;
      throw err;
    }),
  ]);
  return { files, vectorStores, assistants };
}
