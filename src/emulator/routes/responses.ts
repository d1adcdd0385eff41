import { ApiError, invalidRequest } from '../api-error.js';
import type { EmulatorCore } from '../core.js';
import { type Filter, searchStores } from '../file-search.js';
import { checkFileSearchTool, checkMetadata } from '../prose-rules.js';
import type { VectorStoreRecord } from '../records.js';
import { inputText, queryOf } from '../response-input.js';
import { echoMessage, type FileSearchRun, fileSearchCall, usageOf } from '../response-output.js';
import type { Route, RouteContext } from '../router.js';
import { checkRequest } from '../spec.js';

/**
 * `POST /responses`, without a model: the request is checked as the API checks it, every
 * file_search tool runs the emulator's search over its stores, and the answer is a `Response`
 * whose message is a labelled echo of what was found (see response-output.ts).
 */

/**
 * The spec leaves the tool's default unsaid; 20 is what its Assistants file_search states for
 * gpt-4* models, and what the API echoes in the spec's file_search example.
 */
const DEFAULT_MAX_RESULTS = 20;

type Tool = Record<string, unknown> & { type: string };
type FileSearchTool = Tool & {
  vector_store_ids: string[];
  max_num_results?: number;
  filters?: Filter | null;
  ranking_options?: { score_threshold?: number } & Record<string, unknown>;
};

interface ResponseRequest {
  model?: string;
  input?: unknown;
  instructions?: string | null;
  tools?: Tool[] | null;
  include?: string[] | null;
  stream?: boolean | null;
  background?: boolean | null;
  previous_response_id?: string | null;
  conversation?: string | { id: string } | null;
  [field: string]: unknown;
}

const isFileSearch = (tool: Tool): tool is FileSearchTool => tool.type === 'file_search';

/** Ways of answering the emulator does not have: refused rather than answered another way. */
function refuseUnemulated(body: ResponseRequest): void {
  for (const field of ['stream', 'background'] as const) {
    if (body[field] === true) {
      throw invalidRequest(
        `The emulator does not emulate '${field}: true': it answers every response at once, in one JSON body. Leave '${field}' out or set it to false.`,
        field,
        'unsupported_value',
      );
    }
  }
  // The emulator keeps no responses and no conversations, so whatever one names does not exist.
  if (typeof body.previous_response_id === 'string') {
    throw new ApiError(404, `Previous response with id '${body.previous_response_id}' not found.`, {
      param: 'previous_response_id',
      code: 'previous_response_not_found',
    });
  }
  const conversation = typeof body.conversation === 'string' ? body.conversation : body.conversation?.id;
  if (conversation !== undefined) {
    throw new ApiError(404, `Conversation with id '${conversation}' not found.`, { param: 'conversation' });
  }
}

/**
 * Every store each file_search tool names, resolved before anything runs: 404 for one that
 * does not exist, 400 `vector_store_expired` for an expired one (as the store routes answer).
 */
function storesOf(core: EmulatorCore, tools: readonly Tool[]): Map<Tool, VectorStoreRecord[]> {
  const out = new Map<Tool, VectorStoreRecord[]>();
  for (const [index, tool] of tools.entries()) {
    if (!isFileSearch(tool)) continue;
    const param = `tools[${index}]`;
    checkFileSearchTool(tool, param);
    const stores = tool.vector_store_ids.map((id, at) => {
      const store = core.store(id, `${param}.vector_store_ids[${at}]`);
      core.requireActive(store, `${param}.vector_store_ids[${at}]`);
      return store;
    });
    out.set(tool, stores);
  }
  return out;
}

/** A tool as the API echoes it: file_search with its defaults filled in, others as sent. */
function echoTool(tool: Tool): Tool {
  if (!isFileSearch(tool)) return tool;
  return {
    ...tool,
    filters: tool.filters ?? null,
    max_num_results: tool.max_num_results ?? DEFAULT_MAX_RESULTS,
    ranking_options: { ranker: 'auto', score_threshold: 0, ...tool.ranking_options },
  };
}

async function create(ctx: RouteContext) {
  const { core } = ctx;
  const body = (await ctx.json()) as ResponseRequest;
  checkRequest('CreateResponse', body);
  // The spec leaves `model` optional because a stored prompt could name it; prompts are gone
  // (shut down 2026-11-30), and the API asks for a model.
  if (body.model === undefined) {
    throw new ApiError(400, "Missing required parameter: 'model'.", {
      param: 'model',
      code: 'missing_required_parameter',
    });
  }
  refuseUnemulated(body);
  const metadata = checkMetadata(body.metadata);
  const tools = body.tools ?? [];
  const stores = storesOf(core, tools);

  const query = queryOf(body.input);
  const runs: FileSearchRun[] = [];
  for (const [tool, searched] of stores) {
    const search = tool as FileSearchTool;
    const hits = await searchStores(core, searched, {
      queries: [query],
      filters: search.filters,
      maxResults: search.max_num_results ?? DEFAULT_MAX_RESULTS,
      scoreThreshold: search.ranking_options?.score_threshold ?? 0,
    });
    runs.push({ query, hits });
  }
  const withResults = body.include?.includes('file_search_call.results') ?? false;
  const calls = runs.map((run) => fileSearchCall(core, run, withResults));
  const message = echoMessage(core, stores.size > 0 ? runs : undefined);
  const createdAt = core.clock.nowSeconds();
  const given = <T>(field: string, fallback: T) => (body[field] ?? fallback) as T;

  return {
    body: {
      id: core.newId('response'),
      object: 'response',
      created_at: createdAt,
      status: 'completed',
      background: false,
      completed_at: createdAt,
      error: null,
      incomplete_details: null,
      instructions: body.instructions ?? null,
      max_output_tokens: given('max_output_tokens', null),
      max_tool_calls: given('max_tool_calls', null),
      model: body.model,
      output: [...calls, message],
      parallel_tool_calls: given('parallel_tool_calls', true),
      previous_response_id: null,
      prompt_cache_key: given('prompt_cache_key', null),
      reasoning: given('reasoning', { effort: null, summary: null }),
      safety_identifier: given('safety_identifier', null),
      service_tier: 'default',
      temperature: given('temperature', 1),
      text: { format: { type: 'text' }, ...given('text', {}) },
      tool_choice: given('tool_choice', 'auto'),
      tools: tools.map(echoTool),
      top_logprobs: given('top_logprobs', 0),
      top_p: given('top_p', 1),
      truncation: given('truncation', 'disabled'),
      usage: usageOf(`${body.instructions ?? ''} ${inputText(body.input)}`, message.content[0]?.text ?? ''),
      metadata,
    },
  };
}

export function responseRoutes(): Route[] {
  return [{ method: 'POST', template: '/responses', handle: create }];
}
