import type { Action, Change } from '../model/plan.js';

/**
 * The actions each kind's create half acts on (createFiles, createStores, createMemberships,
 * createAssistants): one list, so that progress totals count what apply does.
 */
const CREATE_HALF: Record<Change['kind'], ReadonlySet<Action>> = {
  file: new Set(['create', 'create-delete']),
  vector_store: new Set(['create', 'update', 'delete-create']),
  vector_store_file: new Set(['create', 'update', 'create-delete', 'delete-create']),
  assistant: new Set(['create', 'update']),
};

/** Whether the create half makes a call for `change` (of `kind`, when given). */
export function inCreateHalf(change: Change, kind: Change['kind'] = change.kind): boolean {
  return change.kind === kind && CREATE_HALF[kind].has(change.action);
}
