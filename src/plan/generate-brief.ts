import { isDeepStrictEqual } from 'node:util';
import type { StaticChunking } from '../model/attributes.js';
import type { AssistantTool, ChunkingStrategy, ResponseFormat } from '../model/desired.js';
import {
  normalizeChunking,
  normalizeResponseFormat,
  normalizeSampling,
  normalizeTool,
} from '../model/normalize.js';
import { STAMP_KEY_PREFIX } from '../model/stamp.js';

/**
 * What a generated manifest leaves out: a value that the planner's normalisation (src/model/
 * normalize.ts) fills in when absent. Compared through the same functions, so the defaults live in
 * one place and a generated manifest plans clean.
 */

/** A tool without the parts the server fills in by default: the first brief form that normalises the same. */
export function briefTool(tool: AssistantTool): AssistantTool {
  const full = normalizeTool(tool);
  return briefer(tool).find((candidate) => isDeepStrictEqual(normalizeTool(candidate), full)) ?? tool;
}

/** Shorter forms of a tool, shortest first: without ranking options, without `strict`. */
function briefer(tool: AssistantTool): AssistantTool[] {
  if (tool.type === 'file_search') {
    const max = tool.file_search?.max_num_results;
    const withMax: AssistantTool =
      max === undefined
        ? { type: 'file_search' }
        : { type: 'file_search', file_search: { max_num_results: max } };
    const ranking = tool.file_search?.ranking_options;
    return [
      withMax,
      {
        type: 'file_search',
        file_search: {
          ...(max !== undefined ? { max_num_results: max } : {}),
          ...(ranking ? { ranking_options: ranking } : {}),
        },
      },
    ];
  }
  if (tool.type === 'function') {
    const { strict, ...rest } = tool.function;
    return [
      { type: 'function', function: rest },
      { type: 'function', function: { ...rest, strict } },
    ];
  }
  return [{ type: tool.type }];
}

/** Whether the manifest leaves out a temperature or top_p: unset reads back as the model's default. */
export function isDefaultSampling(value: number | null, model: string): boolean {
  return value === null || value === normalizeSampling(undefined, model);
}

export function isDefaultResponseFormat(format: ResponseFormat): boolean {
  return isDeepStrictEqual(format, normalizeResponseFormat(undefined));
}

/**
 * One chunking setting for a store: the manifest has one per store, and the API reports one per
 * file. The most common setting wins (the default, `auto`, is left out); files attached before
 * chunking could be chosen report none and cannot be matched.
 */
export function chooseChunking(settings: (StaticChunking | null)[]): {
  strategy: ChunkingStrategy | undefined;
  others: number;
} {
  const counts = new Map<string, { setting: StaticChunking; count: number }>();
  for (const setting of settings) {
    if (setting === null) continue;
    const id = `${setting.max_chunk_size_tokens}/${setting.chunk_overlap_tokens}`;
    const entry = counts.get(id) ?? { setting, count: 0 };
    entry.count += 1;
    counts.set(id, entry);
  }
  const best = [...counts.values()].sort(
    (a, b) =>
      b.count - a.count ||
      a.setting.max_chunk_size_tokens - b.setting.max_chunk_size_tokens ||
      a.setting.chunk_overlap_tokens - b.setting.chunk_overlap_tokens,
  )[0];
  const auto = normalizeChunking(undefined);
  const chosen = best?.setting ?? auto;
  return {
    strategy: isDeepStrictEqual(chosen, auto) ? undefined : { type: 'static', static: { ...chosen } },
    others: settings.length - (best?.count ?? 0),
  };
}

/** Metadata without the ownership stamp, which the manifests never carry. */
export function userMetadata(metadata: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(metadata).filter(([k]) => !k.startsWith(STAMP_KEY_PREFIX)));
}
