import { AssistantsError } from '../errors/index.js';
import type {
  AccountView,
  LiveMember,
  LiveSkill,
  LiveSkillVersion,
  LiveVectorStore,
  LiveView,
  RefreshRequest,
} from '../model/live.js';
import { mapLimit } from '../util/concurrency.js';
import { DEFAULT_PARALLELISM } from './concurrency.js';
import type { ApiReader, Page } from './live-view.js';

/**
 * Reads live state with list endpoints: one page of files (10,000 per page), the store,
 * assistant and skill lists until every wanted id is seen, and each live store's files. A stack of
 * 1,000 files in 10 stores with 10 assistants costs 13 requests instead of one GET per resource.
 * Read-only. A store whose files list answers 404 was deleted after the store list was read: it is
 * left out of both `vectorStores` and `members`, i.e. gone. Skills: see readSkills.
 */
export async function refresh(reader: ApiReader, request: RefreshRequest): Promise<LiveView> {
  const vectorStores: Promise<Map<string, LiveVectorStore>> =
    request.vectorStoreIds.size > 0
      ? collect((after) => reader.listVectorStores(after), request.vectorStoreIds)
      : Promise.resolve(new Map());
  const [files, members, assistants, stores, skills] = await Promise.all([
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
    readSkills(reader, request.skills ?? new Map()),
  ]);
  return { files, vectorStores: stores, members, assistants, skills };
}

/**
 * The skills the state holds (`wanted`: id → the version it recorded as the default), from the
 * skill list read until every wanted id is seen; nothing at all is read when none is wanted. The
 * list rather than a GET per skill: a page holds 100 skills, so most accounts cost one request
 * however many skills the state holds, and the list tells an endpoint without skills (a 404 on
 * `GET /skills`: SKILLS_UNSUPPORTED, which fails the refresh) from a deleted skill (absent from the
 * list: gone), which a 404 on `GET /skills/{id}` cannot. A skill whose default is not the recorded
 * version has every version listed (`versions`, newest first), `concurrency` skills at a time; one
 * whose versions list answers 404 was deleted meanwhile and is left out (gone).
 */
export async function readSkills(
  reader: ApiReader,
  wanted: ReadonlyMap<string, string>,
  concurrency = DEFAULT_PARALLELISM,
): Promise<Map<string, LiveSkill>> {
  if (wanted.size === 0) return new Map();
  const found = await collect((after) => reader.listSkills(after), new Set(wanted.keys()));
  const moved = [...found.values()].filter(
    (skill) => skill.attributes.default_version !== wanted.get(skill.id),
  );
  const lists = await mapLimit(moved, concurrency, (skill) => allSkillVersions(reader, skill.id));
  for (const [index, skill] of moved.entries()) {
    const versions = lists[index];
    if (versions === undefined) found.delete(skill.id);
    else found.set(skill.id, { ...skill, versions: versions.map((v) => v.version) });
  }
  return found;
}

/** Every version of a skill (newest first), or undefined when the skill is gone (a 404 on any page). */
export async function allSkillVersions(
  reader: Pick<ApiReader, 'listSkillVersions'>,
  skillId: string,
): Promise<LiveSkillVersion[] | undefined> {
  const versions: LiveSkillVersion[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await reader.listSkillVersions(skillId, after);
    if (page === undefined) return undefined;
    versions.push(...page.data);
    const last = page.data.at(-1);
    if (!page.hasMore || !last) return versions;
    after = last.id;
  }
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
 * is by definition not in the state. An endpoint without assistants or without skills is not an
 * error here: that list is undefined. Skills are listed only with `skills: true` (gc with
 * --skill-prefix, generate), so a command that has no use for them sends no skills request;
 * without it, `skills` is undefined. Skills come without their versions.
 */
export async function readAccount(
  reader: ApiReader,
  options: { skills?: boolean } = {},
): Promise<AccountView> {
  const [files, vectorStores, assistants, skills] = await Promise.all([
    collect((after) => reader.listFiles(after)),
    collect((after) => reader.listVectorStores(after)),
    collect((after) => reader.listAssistants(after)).catch(unless('ASSISTANTS_SUNSET')),
    options.skills
      ? collect((after) => reader.listSkills(after)).catch(unless('SKILLS_UNSUPPORTED'))
      : undefined,
  ]);
  return { files, vectorStores, assistants, skills };
}

/** A rejection handler that turns the error `code` into undefined and rethrows any other. */
function unless(code: 'ASSISTANTS_SUNSET' | 'SKILLS_UNSUPPORTED') {
  return (err: unknown): undefined => {
    if (err instanceof AssistantsError && err.code === code) return undefined;
    throw err;
  };
}
