import { AssistantsError } from '../../errors/index.js';
import { requestFields } from '../../model/agent.js';
import { agentDependencies, renderAgentRequest } from '../../model/agent-request.js';
import type { AgentAttributes } from '../../model/attributes.js';
import type { DesiredAgent } from '../../model/desired.js';
import type { Observation } from '../observation.js';
import { type IdOf, NO_OP, type PlanKind, UPDATE, type WantedOf, wantedEntry } from './wanted.js';

/**
 * Agents for the planner. An agent has no API object: its attributes are the rendered request and
 * where it is written. What stands for "live" is the rendered file, read back from disk: a
 * hand-edited file is drift, a deleted one is made again.
 */

/** The agent's attributes: the request with ids resolved, and its render_to. */
export function desiredAgentAttributes(agent: DesiredAgent, idOf: IdOf, versionOf: IdOf): AgentAttributes {
  return { ...renderAgentRequest(agent, idOf, versionOf), render_to: agent.renderTo ?? null };
}

const wantedAgents: WantedOf = ({ desired, idOf, versionOf }) =>
  desired.agents.map((agent) =>
    wantedEntry(
      agent,
      'agent',
      agentDependencies(agent),
      desiredAgentAttributes(agent, idOf, versionOf),
      (_b, changed) => (changed.length > 0 ? UPDATE : NO_OP),
    ),
  );

export const AGENT_PLAN: PlanKind<'agent'> = {
  wanted: wantedAgents,
  observe(resource, live): Observation {
    const target = resource.attributes.render_to;
    // Without a file, the state is all there is of it.
    if (target === null) return { status: 'present', attributes: resource.attributes, expired: false };
    const seen = live.renderedFiles?.get(target);
    if (!seen) return { status: 'assumed', attributes: resource.attributes };
    if (seen.status === 'missing') return { status: 'gone' };
    // What the file holds now, whole (a field removed by hand is drift too), but only the request's
    // fields: whatever else a file at that path holds is never shown in a plan.
    const held = seen.request ? requestFields(seen.request) : {};
    return {
      status: 'present',
      attributes: { ...held, render_to: target } as AgentAttributes,
      expired: false,
    };
  },
  ownership: () => undefined,
  imported(address) {
    throw new AssistantsError('USAGE', `${address} cannot be imported: an agent has no API object`, {
      hint: 'apply renders agents from the manifests; import the files and vector stores they use',
    });
  },
};
