import { extensionOf, FILE_SEARCH_EXTENSIONS } from '../model/file-types.js';
import type { EmulatorCore } from './core.js';
import type { FileRecord, VectorStoreFileRecord, VectorStoreRecord } from './records.js';

/**
 * A small, deterministic stand-in for semantic search: chunks a store's indexed text files by its
 * chunking sizes (a word standing for a token) and scores each chunk by the share of query words
 * it contains. Enough to test wiring, attribute filters and `last_active_at`; not a ranking model.
 * Both `POST /vector_stores/{id}/search` and the file_search tool of `POST /responses` run it.
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
export type Filter =
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

/** The words of a text, lower-cased: what queries and chunks are compared by. */
export const words = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

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

export interface SearchOptions {
  queries: readonly string[];
  filters?: Filter | null;
  maxResults: number;
  /** Chunks scoring below it are left out (the API's `ranking_options.score_threshold`). */
  scoreThreshold: number;
}

/** One matching chunk, in the shape of the search page's `data` items. */
export interface SearchHit {
  file_id: string;
  filename: string;
  score: number;
  attributes: Attributes;
  content: { type: 'text'; text: string }[];
}

/**
 * Searches the given stores (already checked to exist and to be active) and returns the best
 * `maxResults` chunks over all of them, best first; ties go by file id, so answers repeat. A search
 * is use: every store searched has its `last_active_at` (and so its expiry deadline) moved.
 */
export async function searchStores(
  core: EmulatorCore,
  stores: readonly VectorStoreRecord[],
  options: SearchOptions,
): Promise<SearchHit[]> {
  const terms = new Set(options.queries.flatMap(words));
  const results: SearchHit[] = [];
  for (const store of stores) {
    for (const member of core.members(store.id).values()) {
      const file = core.data.files.get(member.id);
      if (
        !file ||
        core.memberStatus(member) !== 'completed' ||
        !isTextFile(file) ||
        file.bytes > MAX_TEXT_BYTES
      )
        continue;
      if (options.filters && !matchesFilter(member.attributes, options.filters)) continue;
      const text = await core.blobs.text(file.id);
      const size = member.chunking.max_chunk_size_tokens;
      for (const chunk of chunks(text, size, member.chunking.chunk_overlap_tokens)) {
        const present = new Set(words(chunk));
        const hits = [...terms].filter((term) => present.has(term)).length;
        const score = terms.size === 0 ? 0 : hits / terms.size;
        if (score > 0 && score >= options.scoreThreshold) {
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
  }
  results.sort((a, b) => b.score - a.score || a.file_id.localeCompare(b.file_id));
  // Touched once the search has succeeded, so a search that fails is not use.
  for (const store of stores) core.touch(store);
  return results.slice(0, options.maxResults);
}
