import { type Address, parseAddress, vectorStoreAddress } from '../model/address.js';
import { type Action, type Change, isReplace } from '../model/plan.js';

/**
 * A store's membership changes of one kind, as one line of a review: "750 files re-attached:
 * chunking 800/400 → 1000/400" rather than 750 changes of their own. Grouped by store, by what
 * happens, and by why (the same chunking change, the same replaced store, ...).
 */
export interface MembershipGroup {
  store: Address;
  action: Exclude<Action, 'no-op'>;
  /** What happens to the files, in words: `re-attached: chunking 800/400 → 1000/400`. */
  words: string;
  changes: Change[];
}

/** The groups of `changes` (memberships only are looked at), in the order their first change comes. */
export function membershipGroups(changes: readonly Change[]): MembershipGroup[] {
  const groups = new Map<string, MembershipGroup>();
  for (const change of changes) {
    if (change.kind !== 'vector_store_file' || change.action === 'no-op') continue;
    const store = vectorStoreAddress(parseAddress(change.address)?.store ?? '');
    const words = membershipWords(change);
    const key = JSON.stringify([store, isReplace(change.action) ? 'replace' : change.action, words]);
    const group = groups.get(key);
    if (group) group.changes.push(change);
    else groups.set(key, { store, action: change.action, words, changes: [change] });
  }
  return [...groups.values()];
}

function membershipWords(change: Change): string {
  switch (change.action) {
    case 'create':
      return change.reason === 'deleted_outside'
        ? 'attached again (detached outside assistants-iac)'
        : 'attached';
    case 'delete':
      return 'detached';
    case 'update':
      return `updated: ${change.changedPaths.join(', ')}`;
    default:
      return `re-attached${replaceWhy(change)}`;
  }
}

function replaceWhy(change: Change): string {
  if (change.replacePaths.includes('chunking_strategy')) {
    const before = chunking(attribute(change.before, 'chunking_strategy'));
    const after = chunking(attribute(change.after, 'chunking_strategy'));
    return `: chunking ${before} → ${after}`;
  }
  if (change.replacePaths.includes('vector_store_id')) return ': the store is replaced';
  if (change.replacePaths.includes('file_id')) return ': each file is replaced';
  if (change.reason === 'dependency_replaced') return ': the file or the store is replaced';
  if (change.reason === 'index_failed') return ': the file failed to index';
  if (change.reason === 'expired') return ': the store expired';
  return change.replacePaths.length > 0 ? `: ${change.replacePaths.join(', ')} changed` : '';
}

function attribute(attributes: Change['before'], key: string): unknown {
  return attributes === null ? undefined : (attributes as unknown as Record<string, unknown>)[key];
}

/** Static chunking as `max/overlap` tokens; `other` for files indexed before chunking was settable. */
function chunking(value: unknown): string {
  if (value === null || value === undefined) return 'other';
  const v = value as { max_chunk_size_tokens?: unknown; chunk_overlap_tokens?: unknown };
  return `${String(v.max_chunk_size_tokens)}/${String(v.chunk_overlap_tokens)}`;
}
