/**
 * Agents: Responses API requests (`POST /v1/responses` bodies without `input`) rendered from the
 * manifests with every managed name replaced by its id. They have no API object: the state holds
 * the rendered request, and `render_to` puts it in a file that the application loads.
 */

/**
 * The request fields an agent may set, in the order a rendered request lists them. `input` and
 * `stream` are the application's; fields not listed here are not rendered.
 */
export const AGENT_REQUEST_FIELDS = [
  'model',
  'instructions',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'max_tool_calls',
  'text',
  'reasoning',
  'temperature',
  'top_p',
  'top_logprobs',
  'max_output_tokens',
  'truncation',
  'include',
  'store',
  'service_tier',
  'prompt_cache_key',
  'safety_identifier',
  'metadata',
] as const;

/** A rendered request: `model` and whichever other AGENT_REQUEST_FIELDS the manifest sets. */
export interface AgentRequest {
  model: string;
  [field: string]: unknown;
}

/** The text of a rendered file: the request as indented JSON, ending in a newline. */
export function renderedText(request: AgentRequest): string {
  return `${JSON.stringify(request, null, 2)}\n`;
}

/** The request a rendered file holds, or undefined when it is not a JSON object. */
export function parseRendered(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The request in an agent's attributes (everything but `render_to`), in its order. */
export function requestOf(attributes: {
  model: string;
  render_to: string | null;
  [field: string]: unknown;
}): AgentRequest {
  const { render_to: _target, ...request } = attributes;
  return request as AgentRequest;
}

/**
 * The ids a rendered request names: vector stores (file_search) and files (code_interpreter's
 * container, shell's environment). Apply keeps what an agent still names, as it does for assistants.
 */
export function idsInRequest(request: { [field: string]: unknown }): { stores: string[]; files: string[] } {
  const stores: string[] = [];
  const files: string[] = [];
  const strings = (value: unknown) =>
    Array.isArray(value) ? value.filter((v) => typeof v === 'string') : [];
  for (const tool of Array.isArray(request.tools) ? request.tools : []) {
    if (typeof tool !== 'object' || tool === null) continue;
    const { type, vector_store_ids, container, environment } = tool as Record<string, unknown>;
    if (type === 'file_search') stores.push(...strings(vector_store_ids));
    for (const holder of [container, environment])
      if (typeof holder === 'object' && holder !== null)
        files.push(...strings((holder as Record<string, unknown>).file_ids));
  }
  return { stores, files };
}

/**
 * The skills a rendered request names (`skill_reference`s in shell tools' environments), with the
 * version each pins, if it pins one: gc never deletes a skill an agent names.
 */
export function skillReferencesInRequest(request: {
  [field: string]: unknown;
}): { skillId: string; version?: string }[] {
  const named: { skillId: string; version?: string }[] = [];
  for (const tool of Array.isArray(request.tools) ? request.tools : []) {
    if (typeof tool !== 'object' || tool === null) continue;
    const environment = (tool as Record<string, unknown>).environment;
    if (typeof environment !== 'object' || environment === null) continue;
    const skills = (environment as Record<string, unknown>).skills;
    for (const skill of Array.isArray(skills) ? skills : []) {
      const { type, skill_id, version } = (skill ?? {}) as Record<string, unknown>;
      if (type !== 'skill_reference' || typeof skill_id !== 'string') continue;
      named.push(typeof version === 'string' ? { skillId: skill_id, version } : { skillId: skill_id });
    }
  }
  return named;
}

/**
 * The skill versions a rendered request pins (`skill_reference`s with a version, in shell tools'
 * environments): apply never deletes a version an agent still names.
 */
export function skillVersionsInRequest(request: {
  [field: string]: unknown;
}): { skillId: string; version: string }[] {
  return skillReferencesInRequest(request).filter(
    (named): named is { skillId: string; version: string } => named.version !== undefined,
  );
}

/**
 * Whether a parsed file looks like a request apply rendered, perhaps edited since (a field added
 * or changed by hand): a JSON object with a model. Apply overwrites a file of its own only when it
 * still looks like one, so that a file that became something else (the state, a document) is never
 * lost.
 */
export function looksRendered(value: Record<string, unknown> | undefined): boolean {
  return value !== undefined && typeof value.model === 'string';
}

/** The request fields of a parsed file, and nothing else (what a plan may show of it). */
export function requestFields(value: Record<string, unknown>): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const field of AGENT_REQUEST_FIELDS) if (value[field] !== undefined) fields[field] = value[field];
  return fields;
}
