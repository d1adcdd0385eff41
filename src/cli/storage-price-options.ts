import type { Command } from 'commander';
import { AssistantsError } from '../errors/index.js';
import { DEFAULT_STORAGE_PRICES, type StoragePrices } from '../model/storage-cost.js';

/** What commands with storagePriceOptions get, as commander parses them. */
export interface StoragePriceFlags {
  storagePricePerGbDay?: string;
  storageFreeGb?: string;
}

/** The flags that price vector-store storage, on every command that computes a plan. */
export function storagePriceOptions(command: Command): Command {
  return command
    .option(
      '--storage-price-per-gb-day <dollars>',
      `price of vector-store storage per GB per day, for the plan's cost estimate (default: ${DEFAULT_STORAGE_PRICES.perGbDay.toFixed(2)})`,
    )
    .option(
      '--storage-free-gb <gb>',
      `GBs of vector-store storage that are free, for the plan's cost estimate (default: ${DEFAULT_STORAGE_PRICES.freeGb})`,
    );
}

/**
 * The prices the flags give, the published ones for those not given. A price or free tier that is
 * not a finite number of at least 0 is a USAGE error naming the flag.
 */
export function storagePrices(flags: StoragePriceFlags): StoragePrices {
  return {
    perGbDay: amount(
      flags.storagePricePerGbDay,
      '--storage-price-per-gb-day',
      DEFAULT_STORAGE_PRICES.perGbDay,
    ),
    freeGb: amount(flags.storageFreeGb, '--storage-free-gb', DEFAULT_STORAGE_PRICES.freeGb),
  };
}

function amount(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  // Number('') is 0 and Number('0x10') 16: only plain decimals are taken.
  const value = /^\s*\d+(\.\d+)?\s*$|^\s*\.\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(value))
    throw new AssistantsError('USAGE', `${flag} takes a number of at least 0, not '${text}'`, {
      hint: `for example ${flag} ${fallback}`,
    });
  return value;
}
