import { AssistantsError } from '../errors/index.js';
import { claimOn, type OtherStates, skillClaims } from './skill-claims.js';

/**
 * Why `import skill.NAME ID` must not take this skill, or undefined (pure). Skills carry no stamp,
 * so the states of the stack's other workspaces are the only proof of whose a skill is: one that
 * claims it (see claimOn) refuses the import, and so does one that could not be read, for it may
 * be that state's. `--force` is the person's word that it is not (the caller skips this check).
 */
export function skillTakenElsewhere(
  others: OtherStates,
  skill: { id: string; name: string },
): AssistantsError | undefined {
  const unreadable = others.unreadable[0];
  if (unreadable)
    return new AssistantsError(
      'ALREADY_MANAGED',
      `${skill.id} may be managed by workspace ${unreadable.workspace}, whose state could not be read (${unreadable.reason})`,
      {
        hint: 'skills carry no ownership stamp, so only that state can tell: fix it and import again, or pass --force if the skill is surely not its',
      },
    );
  const holder = claimOn(skillClaims(others.states), skill);
  if (holder === undefined) return undefined;
  return new AssistantsError('ALREADY_MANAGED', `${skill.id} ("${skill.name}") is claimed by ${holder}`, {
    hint: 'one skill is managed by one state: import it there, or pass --force to take it anyway (both states will then manage it)',
  });
}
