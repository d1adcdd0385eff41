import type { MembershipAttributes } from '../model/attributes.js';
import { type Action, type ActionReason, isReplace } from '../model/plan.js';

/**
 * What to do with a resource that exists, and why. Each decision is given `changed`: the attributes
 * whose recorded and wanted values differ (changedPaths of both), worked out once per resource.
 */
export interface Decision {
  action: Action;
  reason: ActionReason;
  replacePaths: string[];
}

const NO_OP: Decision = { action: 'no-op', reason: 'unchanged', replacePaths: [] };
const UPDATE: Decision = { action: 'update', reason: 'changed', replacePaths: [] };
/** What a file cannot change in place besides its bytes. */
const FILE_FORCED = ['filename', 'purpose'];
/**
 * Files are immutable: new bytes, another purpose or another name means a new upload, made before
 * the old one goes so that stores and assistants never point at nothing. A file moved to another
 * folder with the same name and bytes needs no call: it is no change (the state records the new
 * path at the next apply).
 */
export function decideFile(changed: readonly string[]): Decision {
  if (changed.includes('sha256'))
    return { action: 'create-delete', reason: 'content_changed', replacePaths: ['sha256'] };
  const forced = FILE_FORCED.filter((key) => changed.includes(key));
  if (forced.length > 0) return { action: 'create-delete', reason: 'cannot_update', replacePaths: forced };
  return NO_OP;
}

/** An expired store cannot be used or revived: it is deleted and made again. */
export function decideStore(changed: readonly string[], expired: boolean): Decision {
  if (expired) return { action: 'delete-create', reason: 'expired', replacePaths: [] };
  return changed.length > 0 ? UPDATE : NO_OP;
}

/**
 * A membership follows its store and file: one attached to another store than planned (a replaced
 * or new store) is remade after the store, one of another file (a replaced or new upload) is
 * attached anew before the old one is detached. Chunking cannot be changed on an attached file, so
 * it is detached and attached again; one whose file failed to index (`indexFailed`) is attached
 * again; attributes update in place.
 */
export function decideMembership(
  before: MembershipAttributes,
  after: MembershipAttributes,
  changed: readonly string[],
  storeAction: Action | undefined,
  fileAction: Action | undefined,
  indexFailed = false,
): Decision {
  if (isReplace(storeAction) || storeAction === 'create' || before.vector_store_id !== after.vector_store_id)
    return { action: 'delete-create', reason: 'dependency_replaced', replacePaths: ['vector_store_id'] };
  if (isReplace(fileAction) || fileAction === 'create' || before.file_id !== after.file_id)
    return { action: 'create-delete', reason: 'dependency_replaced', replacePaths: ['file_id'] };
  if (changed.includes('chunking_strategy'))
    return { action: 'delete-create', reason: 'cannot_update', replacePaths: ['chunking_strategy'] };
  if (indexFailed) return { action: 'delete-create', reason: 'index_failed', replacePaths: [] };
  return changed.length > 0 ? UPDATE : NO_OP;
}

/** Every assistant field updates in place (tool resources included). */
export function decideAssistant(changed: readonly string[]): Decision {
  return changed.length > 0 ? UPDATE : NO_OP;
}
