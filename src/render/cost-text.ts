import { type StorageCost, storageWorthShowing } from '../model/storage-cost.js';
import { dailyCostPhrase, ESTIMATE_NOTE, pricesPhrase, storageRows } from './storage-words.js';
import type { Style } from './style.js';

/**
 * The text plan's storage block: each vector store that holds or will hold something, its size now
 * and after apply, and the daily cost before and after. Undefined (nothing shown) when no store
 * holds or will hold anything and the plan attaches and detaches nothing.
 */
export function costTextBlock(cost: StorageCost | undefined, style: Style): string | undefined {
  if (!storageWorthShowing(cost)) return undefined;
  const rows = storageRows(cost);
  const width = Math.max(...rows.map((row) => row.address.length), 'Daily cost'.length);
  const lines = rows.map((row) => {
    const note = row.note === '' ? '' : `  (${row.note})`;
    return `  ${style.bold(row.address.padEnd(width))}  ${row.now} → ${row.after}${note}`;
  });
  return [
    `Vector-store storage (estimate: ${pricesPhrase(cost)}):`,
    ...lines,
    `  ${style.bold('Daily cost'.padEnd(width))}  ${dailyCostPhrase(cost)}`,
    ESTIMATE_NOTE,
  ].join('\n');
}
