import { type Address, fileAddress, vectorStoreAddress } from './address.js';
import type { AgentRequest } from './agent.js';
import type { Unknown } from './attributes.js';
import type { AgentToolSpec, DesiredAgent } from './desired.js';

/**
 * Rendering an agent: its tools in the Responses API's shapes with managed names replaced by ids,
 * then the request fields in AGENT_REQUEST_FIELDS order. `idOf` gives UNKNOWN for what apply is yet
 * to make; apply renders again with the ids it made.
 */

type IdOf = (address: Address) => string | Unknown;

const names = (value: unknown): string[] => (Array.isArray(value) ? (value as string[]) : []);

/** Managed names first, then raw ids, as written. */
function ids(managed: unknown, raw: unknown, address: (name: string) => Address, idOf: IdOf) {
  return [...names(managed).map((name) => idOf(address(name))), ...names(raw)];
}

/** Everything but the keys that name managed resources (and `type`, which leads). */
function rest(spec: AgentToolSpec, drop: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(spec).filter(([key]) => key !== 'type' && !drop.includes(key)));
}

/** A container that holds files: `{type, file_ids, memory_limit}`, keys only when set. */
function container(type: string, spec: AgentToolSpec, idOf: IdOf): Record<string, unknown> {
  const fileIds = ids(spec.files, spec.file_ids, fileAddress, idOf);
  return {
    type,
    ...(fileIds.length > 0 ? { file_ids: fileIds } : {}),
    ...(spec.memory_limit !== undefined ? { memory_limit: spec.memory_limit } : {}),
  };
}

/** One tool in the API's shape. */
function renderTool(spec: AgentToolSpec, idOf: IdOf): Record<string, unknown> {
  switch (spec.type) {
    case 'file_search':
      return {
        type: 'file_search',
        vector_store_ids: ids(spec.vector_stores, spec.vector_store_ids, vectorStoreAddress, idOf),
        ...rest(spec, ['vector_stores', 'vector_store_ids']),
      };
    case 'code_interpreter':
      return {
        type: 'code_interpreter',
        container: typeof spec.container === 'string' ? spec.container : container('auto', spec, idOf),
      };
    case 'shell': {
      if (spec.environment !== undefined) return { type: 'shell', environment: spec.environment };
      const wanted =
        spec.files !== undefined || spec.file_ids !== undefined || spec.memory_limit !== undefined;
      return wanted
        ? { type: 'shell', environment: container('container_auto', spec, idOf) }
        : { type: 'shell' };
    }
    case 'function':
      // The API requires both keys; null leaves its defaults.
      return {
        type: 'function',
        name: spec.name,
        ...(spec.description !== undefined ? { description: spec.description } : {}),
        parameters: spec.parameters ?? null,
        strict: spec.strict ?? null,
      };
    default:
      return { ...spec };
  }
}

/** The managed resources an agent's request names: files first, then stores, each once. */
export function agentDependencies(agent: DesiredAgent): Address[] {
  const files = new Set<Address>();
  const stores = new Set<Address>();
  for (const tool of agent.tools) {
    if (tool.type === 'file_search')
      for (const name of names(tool.vector_stores)) stores.add(vectorStoreAddress(name));
    if (tool.type === 'code_interpreter' || tool.type === 'shell')
      for (const name of names(tool.files)) files.add(fileAddress(name));
  }
  return [...files, ...stores];
}

/** The request an agent renders to: the body of POST /v1/responses without `input`. */
export function renderAgentRequest(agent: DesiredAgent, idOf: IdOf): AgentRequest {
  const request: AgentRequest = { model: agent.model };
  if (agent.instructions !== undefined) request.instructions = agent.instructions;
  if (agent.tools.length > 0) request.tools = agent.tools.map((tool) => renderTool(tool, idOf));
  for (const [field, value] of Object.entries(agent.settings)) request[field] = value;
  return request;
}
