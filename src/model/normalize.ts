import type { AssistantToolResources, StaticChunking, Unknown } from './attributes.js';
import type { AssistantTool, ChunkingStrategy, ResponseFormat } from './desired.js';
import { defaultSampling } from './models.js';

/**
 * Server defaults, filled in the same way on both sides of a comparison (what the manifests want and
 * what the API reports) so that an applied manifest plans clean whichever side leaves them out.
 */

/** `auto` chunking as the API reports it once a file is attached. */
export const AUTO_CHUNKING: StaticChunking = { max_chunk_size_tokens: 800, chunk_overlap_tokens: 400 };

export const DEFAULT_RANKER = 'default_2024_08_21';

export function normalizeChunking(strategy: ChunkingStrategy | undefined): StaticChunking {
  return strategy?.type === 'static' ? { ...strategy.static } : { ...AUTO_CHUNKING };
}

/** A tool with its defaults: file_search ranking options, function `strict: false`. */
export function normalizeTool(tool: AssistantTool): AssistantTool {
  if (tool.type === 'file_search') {
    const options = tool.file_search ?? {};
    return {
      type: 'file_search',
      file_search: {
        ...(options.max_num_results !== undefined ? { max_num_results: options.max_num_results } : {}),
        ranking_options: {
          ranker: options.ranking_options?.ranker ?? DEFAULT_RANKER,
          score_threshold: options.ranking_options?.score_threshold ?? 0,
        },
      },
    };
  }
  if (tool.type === 'function') {
    const { name, description, parameters, strict } = tool.function;
    return {
      type: 'function',
      function: {
        name,
        ...(description !== undefined ? { description } : {}),
        ...(parameters !== undefined ? { parameters } : {}),
        strict: strict ?? false,
      },
    };
  }
  return { type: tool.type };
}

/**
 * Tool resources with empty lists dropped, so that "key absent" and "empty list" compare equal: the
 * API echoes `{file_ids: []}` for a bare tool, a cleared list reads back empty, and a manifest that
 * names nothing has no key at all. (Writers send the empty lists explicitly: see
 * src/provider/writer-assistants.ts.)
 */
export function normalizeToolResources(
  resources:
    | {
        code_interpreter?: { file_ids?: (string | Unknown)[] };
        file_search?: { vector_store_ids?: (string | Unknown)[] };
      }
    | null
    | undefined,
): AssistantToolResources {
  const out: AssistantToolResources = {};
  const files = resources?.code_interpreter?.file_ids ?? [];
  const stores = resources?.file_search?.vector_store_ids ?? [];
  if (files.length > 0) out.code_interpreter = { file_ids: [...files] };
  if (stores.length > 0) out.file_search = { vector_store_ids: [...stores] };
  return out;
}

/** An unset temperature or top_p reads back as the model's default. */
export function normalizeSampling(value: number | null | undefined, model: string): number | null {
  return value ?? defaultSampling(model);
}

export function normalizeResponseFormat(format: ResponseFormat | null | undefined): ResponseFormat {
  return format ?? 'auto';
}
