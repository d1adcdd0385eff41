import type { Diagnostic } from '../errors/index.js';
import type { Address } from '../model/address.js';
import { type Desired, declaredProtection } from '../model/desired.js';
import { type Change, isReplace } from '../model/plan.js';
import type { StateResource } from '../state/state-document.js';

const REASONS: Partial<Record<Change['reason'], string>> = {
  expired: 'it expired',
  content_changed: 'its content changed',
  cannot_update: 'an attribute that cannot be updated changed',
  not_in_manifest: 'it is no longer in the manifests',
  replace_by_request: '--replace asks for it',
};

/**
 * Whether `protect` is in effect for an address: the manifests' setting for resources they hold;
 * for one they dropped, the state's (its last applied setting); false for what neither protects.
 */
export function effectiveProtection(
  desired: Desired,
  resources: Record<Address, StateResource>,
): (address: Address) => boolean {
  const declared = declaredProtection(desired);
  return (address) => declared.get(address) ?? resources[address]?.protect ?? false;
}

/**
 * `protect: true` turns a delete or a replacement into a plan error. Each change carries the
 * protection in effect (see effectiveProtection), set by the planner.
 */
export function protectionErrors(changes: readonly Change[]): Diagnostic[] {
  const errors: Diagnostic[] = [];
  for (const change of changes) {
    const destroys = change.action === 'delete' || isReplace(change.action);
    if (!destroys || !change.protect) continue;
    const verb = change.action === 'delete' ? 'delete' : 'replace';
    const why = REASONS[change.reason] ?? change.reason.replaceAll('_', ' ');
    errors.push({
      severity: 'error',
      code: 'PROTECTED_RESOURCE',
      message: `${change.address} (${change.id}) is protected, and the plan would ${verb} it because ${why}`,
      ...(change.source ? { location: change.source } : {}),
      hint: change.source
        ? 'remove `protect: true` from it to allow this, or undo the change that forces it'
        : `set \`protect: false\` on it and apply before removing it, or \`assistants state rm ${change.address}\` to stop managing it without deleting it`,
    });
  }
  return errors;
}
