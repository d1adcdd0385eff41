import type { Address } from '../model/address.js';

/**
 * The addresses a --target plan covers: the targets and, transitively, what they depend on (a
 * targeted assistant brings its stores and their files), as Terraform's -target does.
 */
export function targetClosure(
  targets: readonly Address[],
  dependenciesOf: (address: Address) => readonly Address[],
): Set<Address> {
  const closure = new Set<Address>();
  const queue = [...targets];
  for (let address = queue.pop(); address !== undefined; address = queue.pop()) {
    if (closure.has(address)) continue;
    closure.add(address);
    queue.push(...dependenciesOf(address));
  }
  return closure;
}
