import { skillsInRequest } from '../model/agent.js';
import { compareCodeUnits, sortedEntries } from '../model/order.js';
import type { StateDocument } from '../state/state-document.js';
import { DEFAULT_WORKSPACE } from '../state/workspace-name.js';

/**
 * What the states of a stack say about skills, which carry no ownership stamp: the state's record
 * of an id is the only proof that a skill is some workspace's. gc reads it before collecting a
 * skill, and import --generate before adopting one (pure; the states are read by the caller).
 */

/** One workspace's state. */
export interface WorkspaceState {
  workspace: string;
  state: StateDocument;
}

/** The states of a stack's other workspaces, as read for gc and generate. */
export interface OtherStates {
  /** The workspace of the run that reads them (whose state is read apart, under its lock). */
  workspace: string;
  /** Those read (a workspace with no state has none to read, and is not listed). */
  states: WorkspaceState[];
  /** Workspaces whose state could not be read, and why: what they hold is unknown. */
  unreadable: { workspace: string; reason: string }[];
}

/** No other workspace: the stack has one, or skills are not asked about. */
export const NO_OTHER_STATES: OtherStates = {
  workspace: DEFAULT_WORKSPACE,
  states: [],
  unreadable: [],
};

/** Who claims a skill, each as words for messages (`skill.pdf of workspace staging`). */
export interface SkillClaims {
  /** Ids a state holds (a resource, or a journalled call that changes one). */
  held: Map<string, string>;
  /** Ids a state let go of with `state rm` (its `forgotten`). */
  forgotten: Map<string, string>;
  /** Front-matter names of skills an unsettled create journals: its answer (the id) was not recorded. */
  creating: Map<string, string>;
  /** Ids an agent's rendered request names (a `skill_reference`, pinned or not). */
  named: Map<string, string>;
}

/** What `states` claim, each claim credited to the first workspace (then address) that makes it. */
export function skillClaims(states: readonly WorkspaceState[]): SkillClaims {
  const claims: SkillClaims = {
    held: new Map(),
    forgotten: new Map(),
    creating: new Map(),
    named: new Map(),
  };
  const add = (map: Map<string, string>, key: string, who: string) => {
    if (!map.has(key)) map.set(key, who);
  };
  const ordered = [...states].sort((a, b) => compareCodeUnits(a.workspace, b.workspace));
  for (const { workspace, state } of ordered) {
    const of = (address: string) => `${address} of workspace ${workspace}`;
    for (const [address, resource] of sortedEntries(state.resources)) {
      add(claims.held, resource.id, of(address));
      if (resource.kind === 'agent')
        for (const { skillId } of skillsInRequest(resource.attributes))
          add(claims.named, skillId, of(address));
    }
    for (const op of state.pending) {
      // A journalled delete claims nothing: a resource being deleted by its own state is still
      // among its resources, and one that is not is what an interrupted gc was collecting.
      if (op.resource_id !== undefined && op.operation !== 'delete')
        add(claims.held, op.resource_id, of(op.address));
      else if (op.kind === 'skill' && op.match?.name !== undefined)
        add(claims.creating, op.match.name, of(op.address));
    }
    for (const forgotten of state.forgotten ?? [])
      add(claims.forgotten, forgotten.id, `${of(forgotten.address)} (let go with state rm)`);
  }
  return claims;
}

/**
 * Who stands in the way of taking skill `id` (named `name`) for this state, as words, or undefined:
 * a state that holds it or let it go, an unsettled create of that name (its answer, the id, was not
 * recorded: it may be this very skill), or an agent that names it. What generate, import and a
 * lost create's settlement refuse to take; gc says more of each (see garbage-skills.ts).
 */
export function claimOn(claims: SkillClaims, skill: { id: string; name: string }): string | undefined {
  return (
    claims.held.get(skill.id) ??
    claims.forgotten.get(skill.id) ??
    claims.creating.get(skill.name) ??
    claims.named.get(skill.id)
  );
}
