import type { Address } from '../model/address.js';
import type { AddressMove } from '../model/moves.js';
import { compareCodeUnits } from '../model/order.js';
import type { StateResource } from './state-document.js';

/** The state's resources re-keyed by moves (see moveResources). */
export interface Rekeyed {
  /** A new object: the moved resources under their new addresses, the others as they were. */
  resources: Record<Address, StateResource>;
  /** Every address that moved, sorted by its old address. */
  moved: AddressMove[];
  /**
   * Moves refused because the state holds something at the destination already (or two addresses
   * would land on one): those resources stay where they were.
   */
  conflicts: AddressMove[];
}

/**
 * Re-keys `resources` (pure; the input is not changed): each resource for which `destination`
 * gives another address (movedAddress under the manifests' moves, or a plan's recorded moves) is
 * held there, with the addresses among every resource's dependencies moved too. A destination the
 * state holds already, and that does not move away itself, is a conflict, and so are two addresses
 * landing on one: those resources stay where they are.
 */
export function moveResources(
  resources: Record<Address, StateResource>,
  destination: (address: Address) => Address,
): Rekeyed {
  const wanted: AddressMove[] = [];
  for (const from of Object.keys(resources)) {
    const to = destination(from);
    if (to !== from) wanted.push({ from, to });
  }
  if (wanted.length === 0) return { resources, moved: [], conflicts: [] };
  wanted.sort((a, b) => compareCodeUnits(a.from, b.from));
  const landing = new Map<Address, number>();
  for (const { to } of wanted) landing.set(to, (landing.get(to) ?? 0) + 1);
  let moved = wanted;
  let conflicts: AddressMove[] = [];
  // Until nothing changes: a resource that cannot move stays, and so occupies its own address.
  for (;;) {
    const leaving = new Set(moved.map((m) => m.from));
    const taken = (m: AddressMove) =>
      (resources[m.to] !== undefined && !leaving.has(m.to)) || landing.get(m.to) !== 1;
    const refused = moved.filter(taken);
    if (refused.length === 0) break;
    conflicts = [...conflicts, ...refused].sort((a, b) => compareCodeUnits(a.from, b.from));
    moved = moved.filter((m) => !taken(m));
  }
  const renamed = new Map(moved.map((m) => [m.from, m.to]));
  const next: Record<Address, StateResource> = {};
  for (const [address, resource] of Object.entries(resources)) {
    const dependencies = resource.dependencies.map((d) => renamed.get(d) ?? d);
    const changed = dependencies.some((d, i) => d !== resource.dependencies[i]);
    next[renamed.get(address) ?? address] = changed ? { ...resource, dependencies } : resource;
  }
  return { resources: next, moved, conflicts };
}

/** The destination function of recorded moves (a plan's, to replay its re-keying in apply). */
export function recordedMoves(moved: readonly AddressMove[]): (address: Address) => Address {
  const to = new Map(moved.map((m) => [m.from, m.to]));
  return (address) => to.get(address) ?? address;
}
