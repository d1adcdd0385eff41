import { type Address, fileAddress, vectorStoreAddress } from '../../model/address.js';
import type { AssistantAttributes } from '../../model/attributes.js';
import type { DesiredAssistant } from '../../model/desired.js';
import {
  normalizeResponseFormat,
  normalizeSampling,
  normalizeTool,
  normalizeToolResources,
} from '../../model/normalize.js';
import { overlaid } from '../observation.js';
import { stampedOwnership } from '../stamps.js';
import {
  type Decision,
  declaredAt,
  type IdOf,
  NO_OP,
  type PlanKind,
  stamped,
  UPDATE,
  type WantedOf,
  wantedEntry,
} from './wanted.js';

/** Assistants for the planner: attributes as the API reports them, with ids resolved. */

/** What an assistant needs first: the managed files and stores its tool resources name. */
export function assistantDependencies(assistant: DesiredAssistant): Address[] {
  const search = assistant.toolResources.file_search?.vector_stores ?? [];
  const code = assistant.toolResources.code_interpreter?.files ?? [];
  return [...code.map(fileAddress), ...search.map(vectorStoreAddress)];
}

/**
 * An assistant as the API will report it: fields left out of the manifest become what the API
 * reports for "unset" (null, or the model's default), so that removing a field clears it and an
 * applied manifest compares equal. Managed references come first, then raw ids, as apply sends them.
 */
export function desiredAssistantAttributes(
  assistant: DesiredAssistant,
  lineage: string,
  idOf: IdOf,
): AssistantAttributes {
  const search = assistant.toolResources.file_search;
  const code = assistant.toolResources.code_interpreter;
  return {
    model: assistant.model,
    name: assistant.displayName ?? null,
    description: assistant.description ?? null,
    instructions: assistant.instructions ?? null,
    tools: assistant.tools.map(normalizeTool),
    tool_resources: normalizeToolResources({
      code_interpreter: {
        file_ids: [...(code?.files ?? []).map((name) => idOf(fileAddress(name))), ...(code?.file_ids ?? [])],
      },
      file_search: {
        vector_store_ids: [
          ...(search?.vector_stores ?? []).map((name) => idOf(vectorStoreAddress(name))),
          ...(search?.vector_store_ids ?? []),
        ],
      },
    }),
    temperature: normalizeSampling(assistant.temperature, assistant.model),
    top_p: normalizeSampling(assistant.top_p, assistant.model),
    response_format: normalizeResponseFormat(assistant.response_format),
    reasoning_effort: assistant.reasoning_effort ?? null,
    metadata: stamped(assistant.metadata, lineage, assistant.address),
  };
}

/** Every assistant field updates in place (tool resources included). */
function decideAssistant(changed: readonly string[]): Decision {
  return changed.length > 0 ? UPDATE : NO_OP;
}

const wantedAssistants: WantedOf = ({ desired, lineage, idOf }) =>
  desired.assistants.map((assistant) => {
    const after = desiredAssistantAttributes(assistant, lineage, idOf);
    return wantedEntry(assistant, 'assistant', assistantDependencies(assistant), after, (_before, changed) =>
      decideAssistant(changed),
    );
  });

export const ASSISTANT_PLAN: PlanKind<'assistant'> = {
  wanted: wantedAssistants,
  observe: (resource, live) => overlaid(resource, live.assistants.get(resource.id)?.attributes),
  ownership: (address, resource, state, view) => stampedOwnership(address, resource, state.lineage, view),
  imported(address, live, desired) {
    const assistant = declaredAt(desired.assistants, address);
    const resource = {
      kind: 'assistant' as const,
      id: live.id,
      // Not reported by the API: the manifests' value is applied at the next apply.
      attributes: { ...live.attributes, reasoning_effort: null },
      dependencies: assistantDependencies(assistant),
      protect: assistant.protect,
    };
    return { resource, notes: [] };
  },
};
