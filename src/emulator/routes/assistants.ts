import { isReasoningModel } from '../../model/models.js';
import { ApiError, invalidRequest } from '../api-error.js';
import type { EmulatorCore } from '../core.js';
import { cursorOf, listBody, paginate, parseListQuery } from '../pagination.js';
import { checkMetadata } from '../prose-rules.js';
import type { AssistantRecord } from '../records.js';
import type { Route, RouteContext } from '../router.js';
import { checkRequest } from '../spec.js';
import { assistantView } from '../views.js';
import { createStore, type NewStore } from './vector-stores.js';

/** Models the Assistants API serves: the spec's list, their dated and fine-tuned forms. */
const MODEL_FAMILY =
  /^(gpt-3\.5-turbo|gpt-4|gpt-4o|gpt-4o-mini|gpt-4\.1|gpt-4\.5-preview|gpt-5|o1|o3|o3-mini|o4-mini)\b/;

function checkModel(model: string): void {
  const base = model.startsWith('ft:') ? (model.split(':')[1] ?? '') : model;
  if (!MODEL_FAMILY.test(base)) {
    throw invalidRequest(`The requested model '${model}' does not exist.`, 'model', 'model_not_found');
  }
}

/**
 * What the live API fills into tools it echoes back: file_search gets its default ranking
 * options, functions an explicit `strict: false`. A client that compares its config with the
 * API's answer has to expect these.
 */
function normaliseTool(tool: Record<string, unknown>): Record<string, unknown> {
  if (tool.type === 'file_search') {
    const options = (tool.file_search ?? {}) as Record<string, unknown>;
    const ranking = (options.ranking_options ?? {}) as Record<string, unknown>;
    return {
      type: 'file_search',
      file_search: {
        ...options,
        ranking_options: { ranker: 'default_2024_08_21', score_threshold: 0, ...ranking },
      },
    };
  }
  if (tool.type === 'function') {
    const fn = tool.function as Record<string, unknown>;
    return { type: 'function', function: { ...fn, strict: fn.strict ?? false } };
  }
  return { type: tool.type };
}

interface AssistantBody {
  model?: string;
  name?: string | null;
  description?: string | null;
  instructions?: string | null;
  tools?: Record<string, unknown>[];
  tool_resources?: {
    code_interpreter?: { file_ids?: string[] };
    file_search?: { vector_store_ids?: string[]; vector_stores?: NewStore[] };
  } | null;
  metadata?: unknown;
  temperature?: number | null;
  top_p?: number | null;
  response_format?: unknown;
  reasoning_effort?: string | null;
}

/**
 * Tool resources after a create (from none) or a modify (from `current`), per key as the API does:
 * a list given (`code_interpreter.file_ids`, `file_search.vector_store_ids`) replaces the old one
 * and an empty list clears it; a list left out, or its tool's key left out, keeps the old one.
 * `null` for the whole of `tool_resources` clears both. Every id must exist, checked before
 * anything changes.
 */
function mergeResources(
  core: EmulatorCore,
  given: AssistantBody['tool_resources'],
  current: AssistantRecord['toolResources'] = {},
): AssistantRecord['toolResources'] {
  if (given === null) return {};
  const out: AssistantRecord['toolResources'] = { ...current };
  const files = given?.code_interpreter?.file_ids;
  if (files) {
    for (const [index, id] of files.entries())
      core.file(id, `tool_resources.code_interpreter.file_ids[${index}]`);
    out.code_interpreter = { file_ids: [...files] };
  }
  const stores = given?.file_search?.vector_store_ids;
  if (stores) {
    for (const [index, id] of stores.entries())
      core.store(id, `tool_resources.file_search.vector_store_ids[${index}]`);
    out.file_search = { vector_store_ids: [...stores] };
  }
  return out;
}

/** Reasoning models refuse sampling parameters, even ones left over from an earlier model. */
function checkModelParameters(
  record: Pick<AssistantRecord, 'model' | 'temperature' | 'topP' | 'reasoningEffort'>,
) {
  const reasoning = isReasoningModel(record.model);
  const unsupported = (param: string) =>
    new ApiError(400, `Unsupported parameter: '${param}' is not supported with this model.`, {
      param,
      code: 'unsupported_parameter',
    });
  if (reasoning && record.temperature !== null) throw unsupported('temperature');
  if (reasoning && record.topP !== null) throw unsupported('top_p');
  if (!reasoning && record.reasoningEffort !== null) throw unsupported('reasoning_effort');
}

async function create(ctx: RouteContext) {
  const { core } = ctx;
  const body = (await ctx.json()) as AssistantBody;
  checkRequest('CreateAssistantRequest', body);
  checkModel(body.model as string);
  const metadata = checkMetadata(body.metadata);
  const resources = mergeResources(core, body.tool_resources);
  const helperStores = body.tool_resources?.file_search?.vector_stores ?? [];
  const id = core.newId('assistant');
  const record: AssistantRecord = {
    id,
    seq: 0,
    createdAt: core.clock.nowSeconds(),
    model: body.model as string,
    name: body.name ?? null,
    description: body.description ?? null,
    instructions: body.instructions ?? null,
    tools: (body.tools ?? []).map(normaliseTool),
    toolResources: resources,
    metadata,
    temperature: body.temperature ?? null,
    topP: body.top_p ?? null,
    responseFormat: body.response_format ?? null,
    reasoningEffort: body.reasoning_effort ?? null,
  };
  checkModelParameters(record);
  // The helper makes the store as POST /vector_stores would, and wires it in.
  for (const [index, request] of helperStores.entries()) {
    // The helper takes only what its spec lists (file_ids, chunking_strategy, metadata).
    const { file_ids, chunking_strategy, metadata } = request;
    const store = createStore(
      core,
      { file_ids, chunking_strategy, metadata },
      `tool_resources.file_search.vector_stores[${index}]`,
    );
    record.toolResources.file_search = { vector_store_ids: [store.id] };
  }
  record.seq = core.nextSeq(id);
  core.data.assistants.set(id, record);
  return { body: assistantView(record) };
}

/**
 * Given fields replace, null clears, tool resources merge per key (see `mergeResources`); checks
 * run on the result, so a stale temperature is caught.
 */
async function modify(ctx: RouteContext) {
  const { core } = ctx;
  const body = (await ctx.json()) as AssistantBody;
  checkRequest('ModifyAssistantRequest', body);
  const current = core.assistant(ctx.params.assistant_id as string);
  if (body.model !== undefined) checkModel(body.model);
  const metadata = body.metadata === undefined ? undefined : checkMetadata(body.metadata);
  const resources =
    body.tool_resources === undefined
      ? undefined
      : mergeResources(core, body.tool_resources, current.toolResources);
  const next: AssistantRecord = {
    ...current,
    ...(body.model !== undefined ? { model: body.model } : {}),
    ...(body.name !== undefined ? { name: body.name } : {}),
    ...(body.description !== undefined ? { description: body.description } : {}),
    ...(body.instructions !== undefined ? { instructions: body.instructions } : {}),
    ...(body.tools !== undefined ? { tools: body.tools.map(normaliseTool) } : {}),
    ...(resources !== undefined ? { toolResources: resources } : {}),
    ...(metadata !== undefined ? { metadata } : {}),
    ...(body.temperature !== undefined ? { temperature: body.temperature } : {}),
    ...(body.top_p !== undefined ? { topP: body.top_p } : {}),
    ...(body.response_format !== undefined ? { responseFormat: body.response_format } : {}),
    ...(body.reasoning_effort !== undefined ? { reasoningEffort: body.reasoning_effort } : {}),
  };
  checkModelParameters(next);
  core.data.assistants.set(next.id, next);
  return { body: assistantView(next) };
}

function list(ctx: RouteContext) {
  const query = parseListQuery(ctx.query);
  const { page, hasMore } = paginate(ctx.core.data.assistants.values(), query, cursorOf(ctx.core));
  return { body: listBody(page.map(assistantView), hasMore) };
}

function remove(ctx: RouteContext) {
  const assistant = ctx.core.assistant(ctx.params.assistant_id as string);
  ctx.core.data.assistants.delete(assistant.id);
  return { body: { id: assistant.id, object: 'assistant.deleted', deleted: true } };
}

export function assistantRoutes(): Route[] {
  return [
    { method: 'GET', template: '/assistants', handle: list },
    { method: 'POST', template: '/assistants', handle: create },
    {
      method: 'GET',
      template: '/assistants/{assistant_id}',
      handle: (ctx) => ({ body: assistantView(ctx.core.assistant(ctx.params.assistant_id as string)) }),
    },
    { method: 'POST', template: '/assistants/{assistant_id}', handle: modify },
    { method: 'DELETE', template: '/assistants/{assistant_id}', handle: remove },
  ];
}
