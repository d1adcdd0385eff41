import { isReplace } from '../model/plan.js';
import {
  BYTES_PER_GB,
  type StorageCost,
  type StoreStorage,
  storeWorthShowing,
} from '../model/storage-cost.js';
import { counted } from '../util/words.js';

/**
 * The words the text and Markdown plans share for the storage cost. Sizes are written in the
 * pricing page's units: a GB is 2^30 bytes, and so KB and MB are 2^10 and 2^20.
 */

const UNITS = [
  ['GB', BYTES_PER_GB],
  ['MB', 2 ** 20],
  ['KB', 2 ** 10],
] as const;

/** `0 B`, `812 B`, `4.0 KB`, `1.50 GB`: three significant digits or so. */
export function formatBytes(bytes: number): string {
  for (const [unit, size] of UNITS) {
    if (bytes >= size) {
      const value = bytes / size;
      return `${value.toFixed(value >= 100 ? 0 : value >= 10 ? 1 : 2)} ${unit}`;
    }
  }
  return `${Math.round(bytes)} B`;
}

/** `$0.31`; a cost below a cent but above nothing is `<$0.01`, so that it does not read as free. */
export function formatDollars(dollars: number): string {
  if (dollars > 0 && dollars < 0.005) return '<$0.01';
  return `$${dollars.toFixed(2)}`;
}

/** A price as given, with cents at least: `$0.10`, `$0.025`. */
function formatPrice(dollars: number): string {
  const decimals = String(dollars).split('.')[1]?.length ?? 0;
  return `$${decimals <= 2 ? dollars.toFixed(2) : String(dollars)}`;
}

/** `+$0.25`, `-$0.10`, `±$0.00`. */
function signedDollars(dollars: number): string {
  if (Math.abs(dollars) < 0.005) return dollars === 0 ? '±$0.00' : dollars > 0 ? '+<$0.01' : '-<$0.01';
  return `${dollars > 0 ? '+' : '-'}$${Math.abs(dollars).toFixed(2)}`;
}

/** The prices the estimate uses: `$0.10 per GB per day, the first 1 GB free`. */
export function pricesPhrase(cost: StorageCost): string {
  const { perGbDay, freeGb } = cost.prices;
  const free = freeGb > 0 ? `, the first ${freeGb} GB free` : ', no free GB';
  return `${formatPrice(perGbDay)} per GB per day${free}`;
}

/** One listed store: its address, its size now and after apply, and what changes it. */
export interface StorageRow {
  address: string;
  now: string;
  after: string;
  note: string;
}

/**
 * The stores worth a row: those that hold something, will, or whose files the plan changes. A store
 * that is and stays empty is left out.
 */
export function storageRows(cost: StorageCost): StorageRow[] {
  return cost.stores.filter(storeWorthShowing).map((s) => ({
    address: s.address,
    now: s.usageBytes === null ? 'unknown' : formatBytes(s.usageBytes),
    after: s.estimatedBytes === null ? 'unknown' : formatBytes(s.estimatedBytes),
    note: storeNote(s),
  }));
}

function storeNote(store: StoreStorage): string {
  const parts: string[] = [];
  if (store.action === 'create') parts.push('new');
  else if (store.action === 'delete') parts.push('deleted');
  else if (isReplace(store.action)) parts.push('replaced');
  if (store.attachedBytes > 0) parts.push(`+${formatBytes(store.attachedBytes)} attached`);
  if (store.detachedBytes > 0) parts.push(`-${formatBytes(store.detachedBytes)} detached`);
  if (store.unsizedFiles > 0) parts.push(`${counted(store.unsizedFiles, 'file')} of unknown size`);
  return parts.join(', ');
}

/** The daily cost now, after apply and the change, each written out or `unknown`; `why` when unknown. */
export interface DailyCostWords {
  now: string;
  after: string;
  change: string;
  why?: string;
}

export function dailyCostWords(cost: StorageCost): DailyCostWords {
  const { dailyCost, estimatedDailyCost } = cost;
  const now = dailyCost === null ? 'unknown' : formatDollars(dailyCost);
  const after = estimatedDailyCost === null ? 'unknown' : formatDollars(estimatedDailyCost);
  if (dailyCost === null || estimatedDailyCost === null)
    return { now, after, change: 'unknown', why: 'the API was not read: --refresh=false' };
  return { now, after, change: signedDollars(estimatedDailyCost - dailyCost) };
}

/** `$0.06 → $0.31 per day (+$0.25)`, or what is unknown and why. */
export function dailyCostPhrase(cost: StorageCost): string {
  const words = dailyCostWords(cost);
  const change = words.why ? words.why : words.change;
  return `${words.now} → ${words.after} per day (${change})`;
}

/**
 * Says what the numbers after apply are, and are not. (The free GBs are the account's, applied to
 * this stack alone: the README and the JSON schema say so; the plan keeps to one line.)
 */
export const ESTIMATE_NOTE =
  "Sizes after apply are estimated from the files' byte sizes; the API bills its own count (usage_bytes).";
