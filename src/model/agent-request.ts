import { type Address, fileAddress, skillAddress, vectorStoreAddress } from './address.js';
import type { AgentRequest } from './agent.js';
import type { Unknown } from './attributes.js';
import type { AgentToolSpec, DesiredAgent } from './desired.js';

/**
 * Rendering an agent: its tools in the Responses API's shapes with managed names replaced by ids,
 * then the request fields in AGENT_REQUEST_FIELDS order. `idOf` gives UNKNOWN for what apply is yet
 * to make; apply renders again with the ids it made. A managed skill is pinned to a version:
 * `versionOf` gives the one apply made the default (UNKNOWN for a version yet to be uploaded), so
 * that a skill's new version shows in the diff of every agent that uses it.
 */

type IdOf = (address: Address) => string | Unknown;
type VersionOf = (address: Address) => string | Unknown;

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

/**
 * A shell tool's skills in the API's shape: managed names as `skill_reference`s pinned to the
 * applied version, objects (a reference to a skill not managed here, an inline skill) as written,
 * then `skill_ids` as references to their default version.
 */
function skillReferences(spec: AgentToolSpec, idOf: IdOf, versionOf: VersionOf): unknown[] {
  const listed = Array.isArray(spec.skills) ? (spec.skills as unknown[]) : [];
  return [
    ...listed.map((item) =>
      typeof item === 'string'
        ? {
            type: 'skill_reference',
            skill_id: idOf(skillAddress(item)),
            version: versionOf(skillAddress(item)),
          }
        : item,
    ),
    ...names(spec.skill_ids).map((id) => ({ type: 'skill_reference', skill_id: id })),
  ];
}

/** The names of the managed skills a tool lists (its string items). */
function skillNames(spec: AgentToolSpec): string[] {
  return Array.isArray(spec.skills) ? spec.skills.filter((item) => typeof item === 'string') : [];
}

/** One tool in the API's shape. */
function renderTool(spec: AgentToolSpec, idOf: IdOf, versionOf: VersionOf): Record<string, unknown> {
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
      const skills = skillReferences(spec, idOf, versionOf);
      const wanted =
        spec.files !== undefined ||
        spec.file_ids !== undefined ||
        spec.memory_limit !== undefined ||
        skills.length > 0;
      if (!wanted) return { type: 'shell' };
      const environment = container('container_auto', spec, idOf);
      if (skills.length > 0) environment.skills = skills;
      return { type: 'shell', environment };
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

/** The managed resources an agent's request names: files first, then stores, then skills, each once. */
export function agentDependencies(agent: DesiredAgent): Address[] {
  const files = new Set<Address>();
  const stores = new Set<Address>();
  const skills = new Set<Address>();
  for (const tool of agent.tools) {
    if (tool.type === 'file_search')
      for (const name of names(tool.vector_stores)) stores.add(vectorStoreAddress(name));
    if (tool.type === 'code_interpreter' || tool.type === 'shell')
      for (const name of names(tool.files)) files.add(fileAddress(name));
    if (tool.type === 'shell' && tool.environment === undefined)
      for (const name of skillNames(tool)) skills.add(skillAddress(name));
  }
  return [...files, ...stores, ...skills];
}

/** The request an agent renders to: the body of POST /v1/responses without `input`. */
export function renderAgentRequest(agent: DesiredAgent, idOf: IdOf, versionOf: VersionOf): AgentRequest {
  const request: AgentRequest = { model: agent.model };
  if (agent.instructions !== undefined) request.instructions = agent.instructions;
  if (agent.tools.length > 0) request.tools = agent.tools.map((tool) => renderTool(tool, idOf, versionOf));
  for (const [field, value] of Object.entries(agent.settings)) request[field] = value;
  return request;
}
