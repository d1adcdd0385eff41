import { describe, expect, it } from 'vitest';
import { DEFAULT_PACER_RATES, Pacer, type RouteFamily } from '../../../src/provider/pacer.js';

/**
 * A fake clock whose sleepers wake only when the test moves time on, so the order in which callers
 * get through is exactly what the pacer decided.
 */
function fakeClock() {
  let now = 0;
  const sleepers: { until: number; wake: () => void }[] = [];
  return {
    now: () => now,
    sleep: (ms: number) =>
      new Promise<void>((wake) => {
        sleepers.push({ until: now + ms, wake });
      }),
    /** Moves time to `now + ms`, waking each sleeper that is due, in time order. */
    async advance(ms: number) {
      const target = now + ms;
      for (;;) {
        await flush();
        sleepers.sort((a, b) => a.until - b.until);
        const next = sleepers[0];
        if (!next || next.until > target) break;
        sleepers.shift();
        now = Math.max(now, next.until);
        next.wake();
      }
      now = target;
      await flush();
    },
  };
}

const flush = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

/** Starts `count` takes at once; returns the clock time at which each got through (undefined: not yet). */
function startTakes(pacer: Pacer, clock: ReturnType<typeof fakeClock>, family: RouteFamily, count: number) {
  const wentAt: (number | undefined)[] = new Array(count).fill(undefined);
  for (let i = 0; i < count; i++) {
    void pacer.take(family).then(() => {
      wentAt[i] = clock.now();
    });
  }
  return wentAt;
}

describe('Pacer: rate', () => {
  it('lets a burst through at once, then one request per interval, in the order asked', async () => {
    const clock = fakeClock();
    const pacer = new Pacer({ perSecond: 10, burst: 3 }, clock);

    const wentAt = startTakes(pacer, clock, 'files', 7);
    await clock.advance(0);
    expect(wentAt).toEqual([0, 0, 0, undefined, undefined, undefined, undefined]);
    await clock.advance(1000);

    expect(wentAt).toEqual([0, 0, 0, 100, 200, 300, 400]);
  });

  it('refills while idle, never beyond the burst', async () => {
    const clock = fakeClock();
    const pacer = new Pacer({ perSecond: 10, burst: 3 }, clock);
    startTakes(pacer, clock, 'files', 3);
    await clock.advance(10_000);

    // Ten idle seconds refill only the burst: three go at once, the fourth waits an interval.
    const wentAt = startTakes(pacer, clock, 'files', 4);
    await clock.advance(1000);
    expect(wentAt).toEqual([10_000, 10_000, 10_000, 10_100]);
  });

  it('keeps a sustained rate over a long run (60 requests at 20/s with burst 1 take ~3 s)', async () => {
    const clock = fakeClock();
    const pacer = new Pacer({ perSecond: 20, burst: 1 }, clock);
    const wentAt = startTakes(pacer, clock, 'vector_stores', 60);
    await clock.advance(10_000);
    expect(wentAt.at(-1)).toBe(59 * 50);
    expect(new Set(wentAt).size).toBe(60);
  });

  it('paces families apart: a busy files bucket does not hold vector stores back', async () => {
    const clock = fakeClock();
    const pacer = new Pacer({ perSecond: 1, burst: 1 }, clock);
    const files = startTakes(pacer, clock, 'files', 2);
    const stores = startTakes(pacer, clock, 'vector_stores', 1);
    await clock.advance(0);
    expect(files).toEqual([0, undefined]);
    expect(stores).toEqual([0]);
  });

  it('defaults to well under the API limits, files slower than the 1,000/min upload limit', () => {
    expect(DEFAULT_PACER_RATES.files.perSecond * 60).toBeLessThan(1000);
    const clock = fakeClock();
    const pacer = new Pacer(undefined, clock);
    for (let i = 0; i < DEFAULT_PACER_RATES.files.burst; i++) void pacer.take('files');
    expect(pacer.waitFor('files')).toBe(1000 / DEFAULT_PACER_RATES.files.perSecond);
  });

  it('with after-429, lets a family through unpaced until its first 429, then paces it', async () => {
    const clock = fakeClock();
    const pacer = new Pacer({ perSecond: 10, burst: 1 }, clock, 'after-429');
    const early = startTakes(pacer, clock, 'files', 3);
    await clock.advance(0);
    expect(early).toEqual([0, 0, 0]); // a bucket of 1 at 10/s would have spread them 100 ms apart
    expect(pacer.waitFor('files')).toBe(0);

    pacer.backOff('files', 500);
    expect(pacer.waitFor('files')).toBe(500);
    expect(pacer.waitFor('assistants')).toBe(0); // another family stays unpaced
    const wentAt = startTakes(pacer, clock, 'files', 3);
    await clock.advance(2000);
    expect(wentAt).toEqual([500, 600, 700]);
  });

  it('refuses a rate of zero', () => {
    expect(() => new Pacer({ perSecond: 0 })).toThrow(RangeError);
  });
});

describe('Pacer: back-off after a 429', () => {
  it('holds the family until retry-after has passed, then starts from an empty bucket', async () => {
    const clock = fakeClock();
    const pacer = new Pacer({ perSecond: 10, burst: 5 }, clock);

    pacer.backOff('files', 2000);
    expect(pacer.waitFor('files')).toBe(2000);
    expect(pacer.waitFor('vector_stores')).toBe(0);
    const wentAt = startTakes(pacer, clock, 'files', 3);
    await clock.advance(5000);

    // A full bucket of 5 would have let all three through at 2000: it was drained instead.
    expect(wentAt).toEqual([2000, 2100, 2200]);
  });

  it('sends a caller that was already waiting when the 429 came to the back of the queue', async () => {
    const clock = fakeClock();
    const pacer = new Pacer({ perSecond: 10, burst: 1 }, clock);
    const wentAt = startTakes(pacer, clock, 'files', 2);
    await clock.advance(0);
    expect(wentAt).toEqual([0, undefined]);

    // The second caller's slot was at 100 ms; another worker's request then met a 429.
    pacer.backOff('files', 1000);
    await clock.advance(100);
    expect(wentAt[1]).toBeUndefined();
    await clock.advance(2000);
    expect(wentAt[1]).toBe(1000);
  });

  it('never shortens a longer back-off already in force', async () => {
    const clock = fakeClock();
    const pacer = new Pacer({ perSecond: 10, burst: 1 }, clock);
    pacer.backOff('assistants', 3000);
    pacer.backOff('assistants', 500);
    expect(pacer.waitFor('assistants')).toBe(3000);
  });
});
