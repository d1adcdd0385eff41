import { describe, expect, it } from 'vitest';
import { limiter } from '../../../src/util/concurrency.js';

/** A call that ends when the test says so. */
function gate() {
  let open!: () => void;
  let fail!: (error: Error) => void;
  const ended = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { ended, open, fail };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('limiter', () => {
  it('keeps at most `limit` calls in flight, starts the waiting ones first come first served, and frees a slot when a call fails', async () => {
    const slot = limiter(2);
    const gates = Array.from({ length: 5 }, gate);
    const started: number[] = [];
    let inFlight = 0;
    let most = 0;
    const calls = gates.map((g, index) =>
      slot(async () => {
        started.push(index);
        inFlight += 1;
        most = Math.max(most, inFlight);
        try {
          await g.ended;
          return index;
        } finally {
          inFlight -= 1;
        }
      }),
    );
    // Observed at the end (allSettled); handled now, so the refusal is not an unhandled rejection.
    for (const call of calls) call.catch(() => {});
    await settle();
    expect(started).toEqual([0, 1]);
    gates[1]?.fail(new Error('refused'));
    await settle();
    expect(started).toEqual([0, 1, 2]);
    gates[0]?.open();
    await settle();
    expect(started).toEqual([0, 1, 2, 3]);
    for (const g of gates) g.open();
    const results = await Promise.allSettled(calls);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : 'rejected'))).toEqual([
      0,
      'rejected',
      2,
      3,
      4,
    ]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(most).toBe(2);
    // Every slot is free again: two new calls start at once.
    const later = [gate(), gate()];
    const again: number[] = [];
    const more = later.map((g, index) =>
      slot(() => {
        again.push(index);
        return g.ended;
      }),
    );
    await settle();
    expect(again).toEqual([0, 1]);
    for (const g of later) g.open();
    await Promise.all(more);
  });

  it('serves a long queue first come first served, one at a time, as it empties and fills again', async () => {
    const slot = limiter(1);
    const started: number[] = [];
    let inFlight = 0;
    let most = 0;
    const call = (i: number) =>
      slot(async () => {
        started.push(i);
        inFlight += 1;
        most = Math.max(most, inFlight);
        await settle();
        inFlight -= 1;
      });
    const first = Array.from({ length: 1000 }, (_, i) => call(i));
    await Promise.all(first);
    const second = Array.from({ length: 10 }, (_, i) => call(1000 + i));
    await Promise.all(second);
    expect(started).toEqual(Array.from({ length: 1010 }, (_, i) => i));
    expect(most).toBe(1);
  });
});
