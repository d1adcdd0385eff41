import { invalidRequest } from './api-error.js';
import { AUTO_CHUNKING } from './core.js';
import type { StaticChunking } from './records.js';
import { keyTooLong, outOfRange, tooManyProperties } from './schema-errors.js';

/**
 * The API's limits that its schema leaves to prose, checked after the schema: metadata size,
 * chunk overlap, the file-batch exclusivity, and the ranges of the Responses file_search tool.
 */

const METADATA_PAIRS = 16;
const METADATA_KEY = 64;
const METADATA_VALUE = 512;

/** "Set of 16 key-value pairs ... keys ... 64 characters ... values ... 512 characters." */
export function checkMetadata(metadata: unknown, param = 'metadata'): Record<string, string> {
  if (metadata === undefined || metadata === null) return {};
  const entries = Object.entries(metadata as Record<string, string>);
  if (entries.length > METADATA_PAIRS) throw tooManyProperties(param, METADATA_PAIRS, metadata);
  for (const [key, value] of entries) {
    if ([...key].length > METADATA_KEY) throw keyTooLong(param, METADATA_KEY, key);
    if ([...value].length > METADATA_VALUE) {
      throw invalidRequest(
        `Invalid '${param}.${key}': string too long. Expected a string with maximum length ${METADATA_VALUE}, but got a string with length ${[...value].length} instead.`,
        `${param}.${key}`,
        'string_above_max_length',
      );
    }
  }
  return { ...(metadata as Record<string, string>) };
}

/** A request's chunking strategy as the static sizes it means (`auto` is 800/400). */
export function resolveChunking(strategy: unknown, param = 'chunking_strategy'): StaticChunking | undefined {
  if (strategy === undefined || strategy === null) return undefined;
  const value = strategy as { type: string; static?: StaticChunking };
  if (value.type !== 'static' || !value.static) return AUTO_CHUNKING;
  const { max_chunk_size_tokens: size, chunk_overlap_tokens: overlap } = value.static;
  if (overlap > size / 2) {
    throw invalidRequest(
      `Invalid '${param}.static.chunk_overlap_tokens': must not exceed half of max_chunk_size_tokens (${size / 2}), but got ${overlap}.`,
      `${param}.static.chunk_overlap_tokens`,
      'invalid_value',
    );
  }
  if (overlap < 0) {
    throw invalidRequest(
      `Invalid '${param}.static.chunk_overlap_tokens': integer below minimum value. Expected a value >= 0, but got ${overlap} instead.`,
      `${param}.static.chunk_overlap_tokens`,
      'integer_below_min_value',
    );
  }
  return { max_chunk_size_tokens: size, chunk_overlap_tokens: overlap };
}

/** A number outside `min..max` (both inclusive) is the 400 a schema range would give. */
function checkRange(value: unknown, min: number, max: number, param: string, isInteger: boolean): void {
  if (typeof value !== 'number') return;
  if (value > max) throw outOfRange(param, isInteger, '<=', max, value);
  if (value < min) throw outOfRange(param, isInteger, '>=', min, value);
}

/**
 * The Responses file_search tool: "`max_num_results` ... between 1 and 50 inclusive" and
 * "`score_threshold` ... a number between 0 and 1", both in prose only (its Assistants
 * counterpart has them in the schema).
 */
export function checkFileSearchTool(tool: Record<string, unknown>, param: string): void {
  checkRange(tool.max_num_results, 1, 50, `${param}.max_num_results`, true);
  const ranking = tool.ranking_options as { score_threshold?: unknown } | undefined;
  checkRange(ranking?.score_threshold, 0, 1, `${param}.ranking_options.score_threshold`, false);
}
