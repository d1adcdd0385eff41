import type { Address } from './address.js';
import type { Action } from './plan.js';

/**
 * What vector-store storage costs, as OpenAI's pricing page publishes it (openai.com/api/pricing,
 * "File search storage": $0.10 per GB per day, the first GB free; a GB there is a binary gigabyte,
 * 2^30 bytes). Checked on 2026-12-07 against a summary of that page last checked 2026-03-12; prices
 * move, so `plan --storage-price-per-gb-day` and `--storage-free-gb` override them.
 */
export const STORAGE_PRICE_PER_GB_DAY = 0.1;
export const STORAGE_FREE_GB = 1;
export const BYTES_PER_GB = 2 ** 30;

/** The prices a plan is costed at (US dollars). */
export interface StoragePrices {
  /** Dollars per GB of storage per day, beyond the free GBs. */
  perGbDay: number;
  /** GBs stored for free. The free tier is the account's: the plan applies it to this stack alone. */
  freeGb: number;
}

export const DEFAULT_STORAGE_PRICES: StoragePrices = {
  perGbDay: STORAGE_PRICE_PER_GB_DAY,
  freeGb: STORAGE_FREE_GB,
};

/**
 * One managed vector store's storage, now and after apply. `usageBytes` is what the API reports
 * (its `usage_bytes`); `estimatedBytes` adds the byte sizes of the files the plan attaches and takes
 * away those it detaches, which is an estimate: the API counts the parsed chunks and their
 * embeddings, not the files' bytes.
 */
export interface StoreStorage {
  address: Address;
  /** The store's id now; null for a store to be made. */
  id: string | null;
  /** The store's planned action (a replaced store starts empty; a deleted one holds nothing). */
  action: Action;
  /** usage_bytes now: 0 for a store to be made; null when unknown (the API was not read). */
  usageBytes: number | null;
  /** Estimated bytes after apply; null when it builds on an unknown usage. */
  estimatedBytes: number | null;
  /** Bytes of the files the plan attaches to it. */
  attachedBytes: number;
  /** Bytes of the files the plan detaches from a store that stays (a store going drops all). */
  detachedBytes: number;
  /** Files attached by id whose size the plan does not know (not counted in the bytes). */
  unsizedFiles: number;
}

/**
 * The daily storage cost of the stack's vector stores before and after apply: the stores' bytes
 * added up, the free GBs taken off, the rest priced per GB-day. Nulls where the usage now is unknown.
 */
export interface StorageCost {
  prices: StoragePrices;
  /** In scope (all managed stores, or those of --target), in plan order. */
  stores: StoreStorage[];
  usageBytes: number | null;
  estimatedBytes: number | null;
  /** Dollars per day now; null when the usage is unknown. */
  dailyCost: number | null;
  /** Dollars per day after apply (an estimate); null when it builds on an unknown usage. */
  estimatedDailyCost: number | null;
}

/** The stack's cost from its stores' sizes: the totals (unknown when one store's is) and the dollars. */
export function storageCost(stores: StoreStorage[], prices: StoragePrices): StorageCost {
  const usageBytes = sumOrNull(stores.map((s) => s.usageBytes));
  const estimatedBytes = sumOrNull(stores.map((s) => s.estimatedBytes));
  const priced = (bytes: number | null) => (bytes === null ? null : dailyStorageCost(bytes, prices));
  return {
    prices,
    stores,
    usageBytes,
    estimatedBytes,
    dailyCost: priced(usageBytes),
    estimatedDailyCost: priced(estimatedBytes),
  };
}

function sumOrNull(values: readonly (number | null)[]): number | null {
  let total = 0;
  for (const value of values) {
    if (value === null) return null;
    total += value;
  }
  return total;
}

/** Dollars per day for `bytes` stored at `prices`. */
export function dailyStorageCost(bytes: number, prices: StoragePrices): number {
  return Math.max(0, bytes / BYTES_PER_GB - prices.freeGb) * prices.perGbDay;
}

/** Whether a store holds bytes, will, or has files attached or detached by the plan. */
export function storeWorthShowing(store: StoreStorage): boolean {
  return (
    (store.usageBytes ?? 0) > 0 ||
    (store.estimatedBytes ?? 0) > 0 ||
    store.attachedBytes + store.detachedBytes + store.unsizedFiles > 0
  );
}

/**
 * Whether a plan has storage worth showing: some store is (see storeWorthShowing). A stack without
 * stores, or whose stores are and stay empty, has none; nor has a plan without a refresh that
 * attaches and detaches nothing (its numbers would all be unknown).
 */
export function storageWorthShowing(cost: StorageCost | undefined): cost is StorageCost {
  return cost?.stores.some(storeWorthShowing) ?? false;
}
