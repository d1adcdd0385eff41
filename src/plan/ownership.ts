import type { Diagnostic } from '../errors/index.js';
import type { Address } from '../model/address.js';
import { compareCodeUnits } from '../model/order.js';
import type { StateDocument } from '../state/state-document.js';
import { planKindOf } from './kinds/registry.js';
import type { OwnershipProblem, OwnershipView } from './stamps.js';

/**
 * Ownership of everything the state names (pure). The ids in a state are not trusted blindly: a
 * hand-edited or badly merged state may name another stack's objects, or carry another stack's
 * lineage. Every resource the API still has is checked, not only those a plan touches (a --target
 * leaves some out), since one wrong id makes the whole state suspect:
 * - a vector store or assistant must carry this lineage's stamp for its own address (or none, when
 *   the state recorded none either);
 * - a file carries no stamp: its live name and size (and creation time, when recorded) must be
 *   those the state recorded;
 * - a membership must hang on the store the state holds at its store address, which must be this
 *   stack's by the rule above.
 * Callers refuse to change anything while this returns errors. Nothing to check without a view.
 */
export function stateOwnershipErrors(state: StateDocument, view: OwnershipView | undefined): Diagnostic[] {
  if (!view) return [];
  const errors: Diagnostic[] = [];
  for (const [address, resource] of Object.entries(state.resources)) {
    const problem = planKindOf(resource.kind).ownership(address, resource, state, view);
    if (problem) errors.push(ownershipError(address, resource.id, problem));
  }
  return errors.sort((a, b) => compareCodeUnits(a.message, b.message));
}

/** What to do about a state resource that is not this stack's. */
function hintFor(address: Address, id: string): string {
  return (
    'nothing was changed. The state names a resource this stack does not own (edited by hand, or merged badly?): ' +
    `restore the state from version control or its .backup, or \`assistants state rm ${address}\` to stop managing it here. ` +
    `To take it over deliberately: \`assistants state rm ${address}\`, then \`assistants import --force ${address} ${id}\`.`
  );
}

/** An ownership problem as an error diagnostic. */
function ownershipError(address: Address, id: string, problem: OwnershipProblem): Diagnostic {
  return {
    severity: 'error',
    code: problem.code,
    message: `${address} (${id}) ${problem.message}`,
    hint: hintFor(address, id),
  };
}
