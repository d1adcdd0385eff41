import type { Diagnostic } from '../errors/index.js';
import type { Address } from '../model/address.js';
import type { ResourceKind } from '../model/kinds.js';
import { type Action, type Change, isReplace } from '../model/plan.js';

/**
 * `--replace ADDR`: a new resource though nothing forces one (a file to upload again, a store to
 * index afresh, a membership to detach and attach again). Each kind is replaced in the order apply
 * already replaces it in: a file uploaded before the old one goes (stores and assistants never point
 * at nothing), a store or a membership deleted first (as when it expired, or its chunking changed).
 * Assistants and agents are updated in place whatever changes, so they have no replacement to ask for.
 */
export const REPLACE_ORDER: Partial<Record<ResourceKind, Action>> = {
  file: 'create-delete',
  vector_store: 'delete-create',
  vector_store_file: 'delete-create',
};

/** The change, replaced when `--replace` names it and the plan keeps it without making it anew. */
export function withRequestedReplace(change: Change, requested: ReadonlySet<Address>): Change {
  const order = REPLACE_ORDER[change.kind];
  if (!requested.has(change.address) || !order) return change;
  if (change.action !== 'no-op' && change.action !== 'update') return change;
  change.action = order;
  change.reason = 'replace_by_request';
  return change;
}

/**
 * Warnings for --replace addresses the plan does not replace: unknown, not made yet, deleted, or
 * left out by --target (`inScope`).
 */
export function replaceWarnings(
  requested: ReadonlySet<Address>,
  changes: readonly Change[],
  inScope: (address: Address) => boolean,
): Diagnostic[] {
  if (requested.size === 0) return [];
  const byAddress = new Map(changes.map((change) => [change.address, change]));
  const warnings: Diagnostic[] = [];
  for (const address of requested) {
    const change = byAddress.get(address);
    // Replaced anyway (its content changed, say): what was asked happens.
    if (change && isReplace(change.action) && inScope(address)) continue;
    const why = !change
      ? 'neither the manifests nor the state hold it'
      : !inScope(address)
        ? 'it is outside what --target plans'
        : change.action === 'create'
          ? 'it is not made yet: this plan creates it'
          : 'this plan deletes it';
    warnings.push({
      severity: 'warning',
      code: 'REPLACE_NOT_FOUND',
      message: `--replace ${address}: ${why}`,
    });
  }
  return warnings;
}
