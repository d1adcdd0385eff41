import type { Deposed } from '../apply/deposed.js';
import { counted } from '../util/words.js';

/** The old objects an earlier run left to remove, as apply will remove them once nothing uses them. */
export function renderLeftovers(leftovers: readonly Deposed[]): string {
  const lines = leftovers.map(
    (old) => `  - ${old.address} (${old.id})${old.storeId ? `, attached to ${old.storeId}` : ''}\n`,
  );
  return `\nAn earlier run left ${counted(leftovers.length, 'old object')} of replacements; apply removes them once nothing uses them:\n${lines.join('')}`;
}
