import type { AgentToolSpec } from '../model/desired.js';
import type { RawAgent, RawToolDefinition } from './manifest-types.js';
import type { Entry } from './merge.js';
import { type ResolvedTool, resolveToolList } from './resolve-tools.js';

/**
 * A shared tool (written in the assistant shape under `tools:`) as an agent's tool: a function in
 * the Responses flat shape; a built-in tool with its options, and no stores or files (an agent names
 * those on its own tool).
 */
function agentToolFromShared(definition: RawToolDefinition): AgentToolSpec {
  switch (definition.type) {
    case 'function': {
      const { name, description, parameters, strict } = definition.function;
      return {
        type: 'function',
        name,
        ...(description !== undefined ? { description } : {}),
        ...(parameters !== undefined ? { parameters } : {}),
        ...(strict !== undefined ? { strict } : {}),
      };
    }
    case 'file_search':
      return { type: 'file_search', ...(definition.file_search ?? {}) };
    case 'code_interpreter':
      return { type: 'code_interpreter' };
  }
}

/** The tools of an agent in order, shared ones in the Responses shape (see agentToolFromShared). */
export function resolveAgentTools(
  agent: Entry<RawAgent>,
  shared: ReadonlyMap<string, Entry<RawToolDefinition>>,
): ResolvedTool<AgentToolSpec>[] {
  return resolveToolList<AgentToolSpec>(
    agent as Entry<{ tools?: readonly (string | AgentToolSpec)[] }>,
    shared,
    agentToolFromShared,
  );
}
