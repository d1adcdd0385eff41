import type OpenAI from 'openai';
import type { ApiWriter, AssistantBody } from './api-writer.js';
import {
  createOnce,
  NO_SDK_RETRIES,
  send,
  sendDelete,
  stampLookup,
  type WriterContext,
} from './writer-retry.js';

/**
 * Assistants. Bodies go as given (a null clears its field), tool resources with both lists always
 * present (an empty one clears it); `reasoning_effort` only when set, since non-reasoning models
 * refuse it. A lost create is found again by its ownership stamp.
 */
export function assistantWriter(
  ctx: WriterContext,
): Pick<ApiWriter, 'createAssistant' | 'updateAssistant' | 'updateAssistantMetadata' | 'deleteAssistant'> {
  const assistants = ctx.api.client.beta.assistants;
  return {
    createAssistant(body) {
      return createOnce(
        ctx,
        { method: 'POST', path: '/assistants' },
        () => assistants.create(requestBody(body), NO_SDK_RETRIES),
        stampLookup('assistant', body.metadata, { method: 'GET', path: '/assistants' }, (after, limit) =>
          assistants.list({ order: 'desc', limit, ...(after ? { after } : {}) }, NO_SDK_RETRIES),
        ),
      );
    },

    async updateAssistant(id, body) {
      await send(ctx, { method: 'POST', path: `/assistants/${id}` }, () =>
        assistants.update(id, requestBody(body) as OpenAI.Beta.AssistantUpdateParams, NO_SDK_RETRIES),
      );
    },

    async updateAssistantMetadata(id, metadata) {
      await send(ctx, { method: 'POST', path: `/assistants/${id}` }, () =>
        assistants.update(id, { metadata }, NO_SDK_RETRIES),
      );
    },

    deleteAssistant: (id) =>
      sendDelete(ctx, { method: 'DELETE', path: `/assistants/${id}` }, () =>
        assistants.delete(id, NO_SDK_RETRIES),
      ),
  };
}

/**
 * Every field of the body, nulls included; `reasoning_effort` only when present. `tool_resources`
 * always carries both lists, an empty one where the manifest names nothing: the API overrides tool
 * resources per key and keeps a list whose key is left out, so leaving it out would never clear it
 * (an empty list does; create accepts empty lists too). The body is normalised and validated
 * already; the SDK's narrower types (tools, response_format) are not re-checked here.
 */
function requestBody(body: AssistantBody): OpenAI.Beta.AssistantCreateParams {
  const { reasoning_effort, tool_resources, ...rest } = body;
  return {
    ...rest,
    tool_resources: {
      code_interpreter: { file_ids: [...(tool_resources.code_interpreter?.file_ids ?? [])] },
      file_search: { vector_store_ids: [...(tool_resources.file_search?.vector_store_ids ?? [])] },
    },
    ...(reasoning_effort === undefined ? {} : { reasoning_effort }),
  } as unknown as OpenAI.Beta.AssistantCreateParams;
}
