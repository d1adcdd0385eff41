import { ApiError, invalidRequest, quoteList } from './api-error.js';

export interface ListQuery {
  limit: number;
  order: 'asc' | 'desc';
  after?: string;
  before?: string;
}

/** How one list endpoint pages: `/files` allows 1..10,000 (default 10,000) and no `before`. */
export interface ListRules {
  defaultLimit: number;
  maxLimit: number;
  before: boolean;
  /** The smallest `limit` taken (1 unless the spec says otherwise). */
  minLimit?: number;
}

export const STANDARD_LIST: ListRules = { defaultLimit: 20, maxLimit: 100, before: true };
export const FILES_LIST: ListRules = { defaultLimit: 10_000, maxLimit: 10_000, before: false };
/** `/skills` and their versions: `limit` 0..100 and no `before` (the spec's parameters). */
export const SKILLS_LIST: ListRules = { defaultLimit: 20, maxLimit: 100, before: false, minLimit: 0 };

function integerParam(name: string, raw: string, min: number, max: number): number {
  if (!/^-?\d+$/.test(raw)) {
    throw new ApiError(400, `Invalid type for '${name}': expected an integer, but got a string instead.`, {
      param: name,
      code: 'invalid_type',
    });
  }
  const value = Number(raw);
  if (value < min || value > max) {
    const above = value > max;
    throw new ApiError(
      400,
      `Invalid '${name}': integer ${above ? 'above maximum' : 'below minimum'} value. Expected a value ${above ? '<=' : '>='} ${above ? max : min}, but got ${value} instead.`,
      { param: name, code: above ? 'integer_above_max_value' : 'integer_below_min_value' },
    );
  }
  return value;
}

/** An enum query parameter (`order`, `filter`, `purpose`), checked as the API does. */
export function enumParam<T extends string>(
  query: URLSearchParams,
  name: string,
  allowed: readonly T[],
): T | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw invalidRequest(
      `Invalid value: '${raw}'. Supported values are: ${quoteList(allowed)}.`,
      name,
      'invalid_value',
    );
  }
  return raw as T;
}

/** Reads `limit`, `order`, `after`, `before` (limits from the spec's prose: 1..100, default 20). */
export function parseListQuery(query: URLSearchParams, rules: ListRules = STANDARD_LIST): ListQuery {
  const limitRaw = query.get('limit');
  const limit =
    limitRaw === null
      ? rules.defaultLimit
      : integerParam('limit', limitRaw, rules.minLimit ?? 1, rules.maxLimit);
  const order = enumParam(query, 'order', ['asc', 'desc'] as const) ?? 'desc';
  const after = query.get('after') ?? undefined;
  const before = rules.before ? (query.get('before') ?? undefined) : undefined;
  return { limit, order, ...(after ? { after } : {}), ...(before ? { before } : {}) };
}

/**
 * One page of `items` (any order) by `seq`. `after` X gives the items that follow X in the chosen
 * order; `before` X the `limit` items just before X. A cursor may name a deleted object: its
 * place is remembered (`seqOf` finds it), so a walk survives deletes made during it.
 */
export function paginate<T extends { seq: number }>(
  items: Iterable<T>,
  query: ListQuery,
  seqOf: (id: string) => number | undefined,
): { page: T[]; hasMore: boolean } {
  const sign = query.order === 'asc' ? 1 : -1;
  let list = [...items].sort((a, b) => sign * (a.seq - b.seq));
  const cursor = (name: 'after' | 'before', id: string) => {
    const seq = seqOf(id);
    if (seq === undefined)
      throw invalidRequest(`Invalid '${name}': no object with id '${id}'.`, name, 'invalid_value');
    return seq;
  };
  if (query.after !== undefined) {
    const at = cursor('after', query.after);
    list = list.filter((item) => sign * (item.seq - at) > 0);
  }
  if (query.before !== undefined) {
    const at = cursor('before', query.before);
    list = list.filter((item) => sign * (item.seq - at) < 0);
    return { page: list.slice(Math.max(0, list.length - query.limit)), hasMore: list.length > query.limit };
  }
  return { page: list.slice(0, query.limit), hasMore: list.length > query.limit };
}

/**
 * The list envelope. An empty page has `first_id: null` and `last_id: null`, as the live API
 * answers (the spec types both as strings and says nothing of empty lists).
 */
export function listBody<V extends { id: string }>(data: V[], hasMore: boolean) {
  return {
    object: 'list' as const,
    data,
    first_id: data[0]?.id ?? null,
    last_id: data.at(-1)?.id ?? null,
    has_more: hasMore,
  };
}

/** Cursor lookup for objects with their own ids (files, stores, batches, assistants). */
export function cursorOf(core: { data: { cursorSeq: ReadonlyMap<string, number> } }) {
  return (id: string) => core.data.cursorSeq.get(id);
}
