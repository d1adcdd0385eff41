import type OpenAI from 'openai';
import type { AssistantTool, ResponseFormat } from '../model/desired.js';
import type { LiveAssistant } from '../model/live.js';
import {
  normalizeResponseFormat,
  normalizeSampling,
  normalizeTool,
  normalizeToolResources,
} from '../model/normalize.js';
import type { Page } from './live-view.js';
import { LIST_PAGE_SIZE } from './vector-stores.js';

/** An assistant as the planner compares it, with server defaults filled in (src/model/normalize.ts). */
export function liveAssistant(assistant: OpenAI.Beta.Assistants.Assistant): LiveAssistant {
  return {
    id: assistant.id,
    createdAt: assistant.created_at,
    attributes: {
      model: assistant.model,
      name: assistant.name ?? null,
      description: assistant.description ?? null,
      instructions: assistant.instructions ?? null,
      tools: (assistant.tools as AssistantTool[]).map(normalizeTool),
      tool_resources: normalizeToolResources(assistant.tool_resources),
      temperature: normalizeSampling(assistant.temperature, assistant.model),
      top_p: normalizeSampling(assistant.top_p, assistant.model),
      response_format: normalizeResponseFormat(assistant.response_format as ResponseFormat | null),
      metadata: { ...((assistant.metadata as Record<string, string> | null) ?? {}) },
    },
  };
}

export async function listAssistantsPage(client: OpenAI, after?: string): Promise<Page<LiveAssistant>> {
  const page = await client.beta.assistants.list({ limit: LIST_PAGE_SIZE, ...(after ? { after } : {}) });
  return { data: page.data.map(liveAssistant), hasMore: page.has_more };
}
