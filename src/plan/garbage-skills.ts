import type { Diagnostic } from '../errors/index.js';
import type { Address } from '../model/address.js';
import type { AccountView, LiveSkill } from '../model/live.js';
import { compareCodeUnits } from '../model/order.js';
import type { StateDocument } from '../state/state-document.js';
import { type OtherStates, skillClaims } from './skill-claims.js';

/** A skill gc --leaked deletes, under the address its plan shows. */
export interface LeakedSkill {
  address: Address;
  skill: LiveSkill;
}

/**
 * The skills `gc --leaked --skill-prefix PREFIX` deletes (pure). Skills carry no stamp, so the
 * prefix is the user's word that skills so named are this stack's to make, and the states are
 * the proof of which it still manages. A skill is a leak only when all of these hold:
 * - its name (the front-matter name the API reports) starts with `prefix`;
 * - no state of the stack holds its id: neither `state` (this workspace's) nor any in `others`
 *   (every other workspace's), as a resource or in a journalled call;
 * - none of those states let it go with `state rm` (their `forgotten`);
 * - no unsettled create in their journals is for a skill of its name (warned: PENDING_OPERATIONS);
 * - no agent of those states names it (warned: SKILL_IN_USE).
 * A workspace whose state could not be read might hold any skill: then none is collected
 * (WORKSPACE_STATE_UNREADABLE). Without a prefix, or where the endpoint serves no skills, none is.
 * Each goes under `skill.ID`: it has no address of its own.
 */
export function leakedSkills(
  state: StateDocument,
  account: AccountView,
  prefix: string | undefined,
  others: OtherStates,
): { leaked: LeakedSkill[]; warnings: Diagnostic[] } {
  const warnings: Diagnostic[] = [];
  if (prefix === undefined || prefix === '' || !account.skills) return { leaked: [], warnings };
  const candidates = [...account.skills.values()]
    .filter((skill) => skill.attributes.name.startsWith(prefix))
    .sort((a, b) => compareCodeUnits(a.attributes.name, b.attributes.name) || compareCodeUnits(a.id, b.id));
  if (candidates.length === 0) return { leaked: [], warnings };
  if (others.unreadable.length > 0) {
    for (const { workspace, reason } of others.unreadable)
      warnings.push({
        severity: 'warning',
        code: 'WORKSPACE_STATE_UNREADABLE',
        message: `no skill is collected: the state of workspace ${workspace} could not be read (${reason}), so which skills it manages is unknown`,
        hint: `fix that state, or delete the workspace if it manages nothing (assistants workspace delete ${workspace})`,
      });
    return { leaked: [], warnings };
  }
  const claims = skillClaims([{ workspace: others.workspace, state }, ...others.states]);
  const leaked: LeakedSkill[] = [];
  for (const skill of candidates) {
    const { id } = skill;
    const { name } = skill.attributes;
    if (claims.held.has(id) || claims.forgotten.has(id)) continue;
    const address = `skill.${id}`;
    const creating = claims.creating.get(name);
    const naming = claims.named.get(id);
    if (creating)
      warnings.push({
        severity: 'warning',
        code: 'PENDING_OPERATIONS',
        message: `${address} ("${name}") is left in place: the journal of ${creating} holds a create of a skill of that name whose answer was not recorded; the next apply there settles it`,
      });
    else if (naming)
      warnings.push({
        severity: 'warning',
        code: 'SKILL_IN_USE',
        message: `${address} ("${name}") is left in place: no state manages it, but ${naming} names it`,
      });
    else leaked.push({ address, skill });
  }
  return { leaked, warnings };
}
