import { describe, expect, it } from 'vitest';
import { storagePrices } from '../../../src/cli/storage-price-options.js';
import { AssistantsError } from '../../../src/errors/index.js';
import { DEFAULT_STORAGE_PRICES } from '../../../src/model/storage-cost.js';

describe('storagePrices (--storage-price-per-gb-day, --storage-free-gb)', () => {
  it('takes the published prices for flags not given, and plain decimals for those given', () => {
    expect(storagePrices({})).toEqual(DEFAULT_STORAGE_PRICES);
    expect(storagePrices({ storagePricePerGbDay: '0.07', storageFreeGb: '0' })).toEqual({
      perGbDay: 0.07,
      freeGb: 0,
    });
    expect(storagePrices({ storagePricePerGbDay: '.5', storageFreeGb: '10' })).toEqual({
      perGbDay: 0.5,
      freeGb: 10,
    });
  });

  it('refuses anything else as a USAGE error naming the flag', () => {
    for (const text of ['-1', '', ' ', 'abc', '0x10', '1e3', 'Infinity', '1,5', 'NaN']) {
      let caught: unknown;
      try {
        storagePrices({ storageFreeGb: text });
      } catch (err) {
        caught = err;
      }
      expect(caught, text).toBeInstanceOf(AssistantsError);
      expect((caught as AssistantsError).code).toBe('USAGE');
      expect((caught as AssistantsError).message).toBe(
        `--storage-free-gb takes a number of at least 0, not '${text}'`,
      );
    }
  });
});
