import { parseAddress, vectorStoreAddress } from '../model/address.js';
import type { Action, Change } from '../model/plan.js';
import { inCreateHalf } from './create-half.js';
import type { PhaseTotal } from './events.js';

/**
 * The calls a plan asks of each phase, for progress: the create half by kind (attachments by store),
 * then the delete half by kind, where deletes and the old halves of `create-delete` replacements
 * land. Old halves that an earlier run left are not counted (they are not changes of the plan).
 */
export function phaseTotals(changes: readonly Change[]): PhaseTotal[] {
  const totals = new Map<string, PhaseTotal>();
  const add = (kind: Change['kind'], phase: 'create' | 'delete', action: Action, store?: string) => {
    const key = `${phase}:${kind}:${store ?? ''}`;
    let total = totals.get(key);
    if (!total) {
      total = { kind, phase, ...(store ? { store } : {}), actions: {} };
      totals.set(key, total);
    }
    total.actions[action] = (total.actions[action] ?? 0) + 1;
  };
  for (const change of changes) {
    if (inCreateHalf(change)) {
      const store = change.kind === 'vector_store_file' ? parseAddress(change.address)?.store : undefined;
      add(change.kind, 'create', change.action, store ? vectorStoreAddress(store) : undefined);
    }
    const oldHalf =
      change.action === 'create-delete' && (change.kind === 'file' || change.kind === 'vector_store_file');
    if (change.action === 'delete' || oldHalf) add(change.kind, 'delete', change.action);
  }
  return [...totals.values()];
}
