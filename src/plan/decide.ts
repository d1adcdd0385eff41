import type {
  AssistantAttributes,
  FileAttributes,
  MembershipAttributes,
  VectorStoreAttributes,
} from '../model/attributes.js';
import type { Action, ActionReason } from '../model/plan.js';
import { changedPaths } from './observe.js';

/** What to do with a resource that exists, and why. */
export interface Decision {
  action: Action;
  reason: ActionReason;
  replacePaths: string[];
}

const NO_OP: Decision = { action: 'no-op', reason: 'unchanged', replacePaths: [] };
const UPDATE: Decision = { action: 'update', reason: 'changed', replacePaths: [] };
const REPLACES: ReadonlySet<Action> = new Set(['delete-create', 'create-delete']);

/** True for both orders of replacement. */
export function isReplace(action: Action | undefined): boolean {
  return action !== undefined && REPLACES.has(action);
}

/**
 * Files are immutable: new bytes, another purpose or another name means a new upload, made before
 * the old one goes so that stores and assistants never point at nothing. A moved file with the same
 * name and bytes only updates the recorded path.
 */
export function decideFile(before: FileAttributes, after: FileAttributes): Decision {
  if (before.sha256 !== after.sha256)
    return { action: 'create-delete', reason: 'content_changed', replacePaths: ['sha256'] };
  const forced = changedPaths(before, after, ['filename', 'purpose']);
  if (forced.length > 0) return { action: 'create-delete', reason: 'cannot_update', replacePaths: forced };
  return changedPaths(before, after).length > 0 ? UPDATE : NO_OP;
}

/** An expired store cannot be used or revived: it is deleted and made again. */
export function decideStore(
  before: VectorStoreAttributes,
  after: VectorStoreAttributes,
  expired: boolean,
): Decision {
  if (expired) return { action: 'delete-create', reason: 'expired', replacePaths: [] };
  return changedPaths(before, after).length > 0 ? UPDATE : NO_OP;
}

/**
 * A membership follows its store and file: a replaced store takes its members with it (remade
 * after), a replaced file is attached anew before the old one is detached. Chunking cannot be
 * changed on an attached file, so it is detached and attached again; attributes update in place.
 */
export function decideMembership(
  before: MembershipAttributes,
  after: MembershipAttributes,
  storeAction: Action | undefined,
  fileAction: Action | undefined,
): Decision {
  if (isReplace(storeAction))
    return { action: 'delete-create', reason: 'dependency_replaced', replacePaths: ['vector_store_id'] };
  if (isReplace(fileAction))
    return { action: 'create-delete', reason: 'dependency_replaced', replacePaths: ['file_id'] };
  if (changedPaths(before, after, ['chunking_strategy']).length > 0)
    return { action: 'delete-create', reason: 'cannot_update', replacePaths: ['chunking_strategy'] };
  return changedPaths(before, after).length > 0 ? UPDATE : NO_OP;
}

/** Every assistant field updates in place (tool resources included). */
export function decideAssistant(before: AssistantAttributes, after: AssistantAttributes): Decision {
  return changedPaths(before, after).length > 0 ? UPDATE : NO_OP;
}
