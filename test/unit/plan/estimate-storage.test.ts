import { describe, expect, it } from 'vitest';
import type { LiveView } from '../../../src/model/live.js';
import {
  BYTES_PER_GB,
  DEFAULT_STORAGE_PRICES,
  dailyStorageCost,
  storageWorthShowing,
} from '../../../src/model/storage-cost.js';
import {
  appliedState,
  desired,
  file,
  hashesOf,
  liveFromState,
  member,
  planOf,
  store,
} from '../../helpers/planner-builders.js';

const GB = BYTES_PER_GB;

/** The stack's store `kb` holding `faq` (1 GB) and `guide` (0.5 GB), applied, the API reporting `usage`. */
function applied(usage: number) {
  const d = desired({
    files: [file('faq', { bytes: GB }), file('guide', { bytes: GB / 2 })],
    vectorStores: [store('kb')],
    memberships: [member('kb', 'faq'), member('kb', 'guide')],
  });
  const state = appliedState(d);
  const live = liveFromState(state);
  setUsage(live, 'vs_kb', usage);
  return { d, state, live };
}

function setUsage(live: LiveView, id: string, usage: number): void {
  const found = live.vectorStores.get(id);
  if (found) found.usageBytes = usage;
}

describe('estimateStorage (the plan cost)', () => {
  it('prices a new stack from the byte sizes of the files it attaches', () => {
    const d = desired({
      files: [file('faq', { bytes: 2 * GB }), file('guide', { bytes: GB })],
      vectorStores: [store('kb')],
      memberships: [member('kb', 'faq'), member('kb', 'guide')],
    });
    const { cost } = planOf({ desired: d });
    expect(cost?.stores).toEqual([
      {
        address: 'vector_store.kb',
        id: null,
        action: 'create',
        usageBytes: 0,
        estimatedBytes: 3 * GB,
        attachedBytes: 3 * GB,
        detachedBytes: 0,
        unsizedFiles: 0,
      },
    ]);
    // 3 GB, the first free: 2 GB at $0.10 a day.
    expect(cost).toMatchObject({
      usageBytes: 0,
      estimatedBytes: 3 * GB,
      dailyCost: 0,
      prices: DEFAULT_STORAGE_PRICES,
    });
    expect(cost?.estimatedDailyCost).toBeCloseTo(0.2, 10);
  });

  it('starts from the usage the API reports and adds and takes away what the plan attaches and detaches', () => {
    const { d, state, live } = applied(1.6 * GB);
    const changed = desired({
      files: [file('faq', { bytes: GB }), file('new', { bytes: 3 * GB })],
      vectorStores: d.vectorStores,
      memberships: [member('kb', 'faq'), member('kb', 'new')],
    });
    const { cost } = planOf({ desired: changed, state, live, hashes: hashesOf(changed) });
    expect(cost?.stores[0]).toMatchObject({
      action: 'no-op',
      usageBytes: 1.6 * GB,
      attachedBytes: 3 * GB,
      detachedBytes: GB / 2,
      estimatedBytes: 4.1 * GB,
    });
    expect(cost?.dailyCost).toBeCloseTo(0.06, 10);
    expect(cost?.estimatedDailyCost).toBeCloseTo(0.31, 10);
  });

  it('counts a file with new content as the old bytes detached and the new attached', () => {
    const { d, state, live } = applied(GB);
    const bigger = desired({
      ...d,
      files: [file('faq', { bytes: 2 * GB }), file('guide', { bytes: GB / 2 })],
    });
    const { cost } = planOf({
      desired: bigger,
      state,
      live,
      hashes: hashesOf(bigger, { faq: 'sha-new' }),
    });
    expect(cost?.stores[0]).toMatchObject({
      attachedBytes: 2 * GB,
      detachedBytes: GB,
      estimatedBytes: 2 * GB,
    });
  });

  it('ends a deleted store at nothing, and prices a replaced one by what is attached to it anew', () => {
    const { d, state, live } = applied(1.5 * GB);
    const gone = planOf({ desired: desired({ files: d.files }), state, live, hashes: hashesOf(d) });
    expect(gone.cost?.stores[0]).toMatchObject({
      action: 'delete',
      usageBytes: 1.5 * GB,
      estimatedBytes: 0,
      attachedBytes: 0,
      detachedBytes: 0,
    });
    expect(gone.cost?.estimatedDailyCost).toBe(0);

    // An expired store is replaced: made anew with every member attached again.
    const found = live.vectorStores.get('vs_kb');
    if (found) found.status = 'expired';
    const replaced = planOf({ desired: d, state, live, hashes: hashesOf(d) });
    expect(replaced.cost?.stores[0]).toMatchObject({
      action: 'delete-create',
      usageBytes: 1.5 * GB,
      attachedBytes: 1.5 * GB,
      estimatedBytes: 1.5 * GB,
    });
  });

  it('leaves the usage unknown without a refresh instead of inventing it', () => {
    const { d, state } = applied(GB);
    const more = desired({
      files: [...d.files, file('new', { bytes: GB })],
      vectorStores: [...d.vectorStores, store('fresh')],
      memberships: [...d.memberships, member('kb', 'new'), member('fresh', 'new')],
    });
    const { cost } = planOf({ desired: more, state, live: undefined, hashes: hashesOf(more) });
    expect(cost?.stores.map((s) => [s.address, s.usageBytes, s.estimatedBytes, s.attachedBytes])).toEqual([
      ['vector_store.kb', null, null, GB],
      ['vector_store.fresh', 0, GB, GB],
    ]);
    expect(cost).toMatchObject({
      usageBytes: null,
      estimatedBytes: null,
      dailyCost: null,
      estimatedDailyCost: null,
    });
  });

  it('counts a file attached by id whose size it does not know, and prices at the prices given', () => {
    const d = desired({
      vectorStores: [store('kb')],
      memberships: [member('kb', 'file-outside', { fileId: 'file-outside' })],
    });
    const { cost } = planOf({ desired: d, prices: { perGbDay: 0.5, freeGb: 0 } });
    expect(cost?.stores[0]).toMatchObject({ attachedBytes: 0, unsizedFiles: 1, estimatedBytes: 0 });
    expect(cost?.prices).toEqual({ perGbDay: 0.5, freeGb: 0 });
    expect(dailyStorageCost(2 * GB, { perGbDay: 0.5, freeGb: 0 })).toBe(1);
  });

  it('has nothing worth showing for a stack whose stores are and stay empty', () => {
    const empty = planOf({ desired: desired({ vectorStores: [store('kb')] }) });
    expect(storageWorthShowing(empty.cost)).toBe(false);
    expect(storageWorthShowing(planOf({ desired: desired() }).cost)).toBe(false);
    const { d, state, live } = applied(10);
    expect(storageWorthShowing(planOf({ desired: d, state, live, hashes: hashesOf(d) }).cost)).toBe(true);
  });
});
