import type { Address } from '../model/address.js';
import { type Change, isReplace } from '../model/plan.js';
import { pushAll } from '../util/arrays.js';

/**
 * The addresses a --target plan covers. Starting from the targets it adds, until nothing changes:
 * - what each needs (a targeted assistant brings its stores and files), as Terraform's -target does;
 * - the members of a store the plan makes or remakes, so that no store is made empty;
 * - everything that depends on a resource the plan deletes or replaces, so that no store or
 *   assistant is left pointing at a file or store that is gone.
 */
export function targetScope(targets: readonly Address[], changes: readonly Change[]): Set<Address> {
  const byAddress = new Map(changes.map((change) => [change.address, change]));
  const dependents = new Map<Address, Address[]>();
  for (const change of changes)
    for (const needed of change.dependencies) {
      const users = dependents.get(needed);
      if (users) users.push(change.address);
      else dependents.set(needed, [change.address]);
    }

  const scope = new Set<Address>();
  const queue = [...targets];
  for (let address = queue.pop(); address !== undefined; address = queue.pop()) {
    if (scope.has(address)) continue;
    scope.add(address);
    const change = byAddress.get(address);
    if (!change) continue;
    pushAll(queue, change.dependencies);
    const users = dependents.get(address) ?? [];
    // A replaced store's users include its members, so it is not remade empty either.
    if (change.action === 'delete' || isReplace(change.action)) pushAll(queue, users);
    else if (change.kind === 'vector_store' && change.action === 'create')
      for (const user of users) if (byAddress.get(user)?.kind === 'vector_store_file') queue.push(user);
  }
  return scope;
}
