import { extensionOf, FILE_SEARCH_EXTENSIONS } from '../../model/file-types.js';
import type { FileRecord, VectorStoreFileRecord } from '../records.js';
import type { Route, RouteContext } from '../router.js';
import { checkRequest } from '../spec.js';

/**
 * A small, deterministic stand-in for semantic search: chunks a store's indexed text files by its
 * chunking sizes (a word standing for a token) and scores each chunk by the share of query words
 * it contains. Enough to test wiring, attribute filters and `last_active_at`; not a ranking model.
 */

/** Formats read as text: the file_search types less the binary ones (PDF, Office), which index but
 * yield no searchable text here. */
const BINARY_EXTENSIONS = new Set(['.doc', '.docx', '.pdf', '.pptx']);
const TEXT_EXTENSIONS = new Set(
  [...FILE_SEARCH_EXTENSIONS].filter((extension) => !BINARY_EXTENSIONS.has(extension)),
);

/** Larger files are indexed but not searched, to keep the emulator's memory flat. */
export const MAX_TEXT_BYTES = 8 * 1024 * 1024;

export function isTextFile(file: FileRecord): boolean {
  return TEXT_EXTENSIONS.has(extensionOf(file.filename));
}

type Attributes = VectorStoreFileRecord['attributes'];
type Filter =
  | { type: 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte' | 'in' | 'nin'; key: string; value: unknown }
  | { type: 'and' | 'or'; filters: Filter[] };

/** The API's attribute filters: comparisons, and `and`/`or` of them. */
export function matchesFilter(attributes: Attributes, filter: Filter): boolean {
  if ('filters' in filter) {
    const test = (inner: Filter) => matchesFilter(attributes, inner);
    return filter.type === 'and' ? filter.filters.every(test) : filter.filters.some(test);
  }
  const actual = attributes[filter.key];
  const expected = filter.value;
  switch (filter.type) {
    case 'eq':
      return actual === expected;
    case 'ne':
      return actual !== expected;
    case 'in':
      return Array.isArray(expected) && expected.includes(actual);
    case 'nin':
      return Array.isArray(expected) && !expected.includes(actual);
    default: {
      if (typeof actual !== typeof expected || actual === undefined) return false;
      const a = actual as number | string;
      const b = expected as number | string;
      if (filter.type === 'gt') return a > b;
      if (filter.type === 'gte') return a >= b;
      if (filter.type === 'lt') return a < b;
      return a <= b;
    }
  }
}

const words = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

function chunks(text: string, size: number, overlap: number): string[] {
  const all = text.split(/\s+/).filter(Boolean);
  const step = Math.max(1, size - overlap);
  const out: string[] = [];
  for (let start = 0; start < all.length; start += step) {
    out.push(all.slice(start, start + size).join(' '));
    if (start + size >= all.length) break;
  }
  return out;
}

async function search(ctx: RouteContext) {
  const { core } = ctx;
  const body = await ctx.json();
  checkRequest('VectorStoreSearchRequest', body);
  const store = core.store(ctx.params.vector_store_id as string, 'vector_store_id');
  core.requireActive(store);
  const queries = Array.isArray(body.query) ? (body.query as string[]) : [body.query as string];
  const terms = new Set(queries.flatMap(words));
  const max = (body.max_num_results as number | undefined) ?? 10;
  const threshold = (body.ranking_options as { score_threshold?: number } | undefined)?.score_threshold ?? 0;
  const results: {
    file_id: string;
    filename: string;
    score: number;
    attributes: Attributes;
    content: object[];
  }[] = [];
  for (const member of core.members(store.id).values()) {
    const file = core.data.files.get(member.id);
    if (
      !file ||
      core.memberStatus(member) !== 'completed' ||
      !isTextFile(file) ||
      file.bytes > MAX_TEXT_BYTES
    )
      continue;
    if (body.filters && !matchesFilter(member.attributes, body.filters as Filter)) continue;
    const text = await core.blobs.text(file.id);
    const size = member.chunking.max_chunk_size_tokens;
    for (const chunk of chunks(text, size, member.chunking.chunk_overlap_tokens)) {
      const present = new Set(words(chunk));
      const hits = [...terms].filter((term) => present.has(term)).length;
      const score = terms.size === 0 ? 0 : hits / terms.size;
      if (score > 0 && score >= threshold) {
        results.push({
          file_id: file.id,
          filename: file.filename,
          score,
          attributes: member.attributes,
          content: [{ type: 'text', text: chunk }],
        });
      }
    }
  }
  results.sort((a, b) => b.score - a.score || a.file_id.localeCompare(b.file_id));
  // A search is use: it moves `last_active_at` (and so the expiry deadline), once it has succeeded.
  core.touch(store);
  return {
    body: {
      object: 'vector_store.search_results.page',
      search_query: queries,
      data: results.slice(0, max),
      has_more: false,
      next_page: null,
    },
  };
}

export function searchRoutes(): Route[] {
  return [{ method: 'POST', template: '/vector_stores/{vector_store_id}/search', handle: search }];
}
