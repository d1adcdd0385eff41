import { parseAddress, vectorStoreAddress } from '../model/address.js';
import type { Action, Change } from '../model/plan.js';
import type { PhaseTotal } from './events.js';

/**
 * The actions each kind's create half acts on (see createFiles, createStores, createMemberships,
 * createAssistants); everything else of the create half has no call of its own.
 */
const CREATE_HALF: Record<Change['kind'], ReadonlySet<Action>> = {
  file: new Set(['create', 'create-delete']),
  vector_store: new Set(['create', 'update', 'delete-create']),
  vector_store_file: new Set(['create', 'update', 'create-delete', 'delete-create']),
  assistant: new Set(['create', 'update']),
};

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
    if (CREATE_HALF[change.kind].has(change.action)) {
      const store = parseAddress(change.address)?.store;
      add(
        change.kind,
        'create',
        change.action,
        change.kind === 'vector_store_file' && store ? vectorStoreAddress(store) : undefined,
      );
    }
    const oldHalf =
      change.action === 'create-delete' && (change.kind === 'file' || change.kind === 'vector_store_file');
    if (change.action === 'delete' || oldHalf) add(change.kind, 'delete', change.action);
  }
  return [...totals.values()];
}
