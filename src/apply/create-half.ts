import { KINDS } from '../model/kinds.js';
import type { Action, Change } from '../model/plan.js';

/**
 * Whether the create half makes a call for `change` (of `kind`, when given): the actions KINDS
 * lists for its kind, for createFiles, createStores, createMemberships, createAssistants and the
 * progress totals alike.
 */
export function inCreateHalf(change: Change, kind: Change['kind'] = change.kind): boolean {
  return change.kind === kind && (KINDS[kind].createHalf as readonly Action[]).includes(change.action);
}
