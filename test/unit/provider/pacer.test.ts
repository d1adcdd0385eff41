import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../../src/provider/pacer.js';

/** The times at which `count` requests of `cost` asked for at `now` may go. */
function reserveMany(bucket: TokenBucket, now: number, count: number, cost = 1): number[] {
  return Array.from({ length: count }, () => bucket.reserve(now, cost));
}

describe('TokenBucket', () => {
  it('lets a burst through at once, then one request per interval, in the order asked', () => {
    expect(reserveMany(new TokenBucket(100, 3), 0, 7)).toEqual([0, 0, 0, 100, 200, 300, 400]);
  });

  it('refills while idle, never beyond the burst', () => {
    const bucket = new TokenBucket(100, 3);
    reserveMany(bucket, 0, 3);
    expect(reserveMany(bucket, 10_000, 4)).toEqual([10_000, 10_000, 10_000, 10_100]);
  });

  it('a cost waits until the bucket holds it; a cost above the burst waits for a full bucket and leaves a debt', () => {
    const bucket = new TokenBucket(10, 100);
    expect(bucket.reserve(0, 60)).toBe(0);
    // 40 tokens left; 60 more need 20 to refill: 200 ms.
    expect(bucket.reserve(0, 60)).toBe(200);
    const big = new TokenBucket(10, 100);
    expect(big.reserve(0, 300)).toBe(0);
    // 200 tokens of debt to refill, then one token: 2.01 s.
    expect(big.reserve(0, 1)).toBe(2010);
  });

  it('after a block, the refused request goes at its end and the rest at the sustained rate', () => {
    const bucket = new TokenBucket(100, 5);
    bucket.block(2000);
    expect(reserveMany(bucket, 0, 3)).toEqual([2000, 2100, 2200]);
    const attach = new TokenBucket(10, 100);
    attach.block(1000, 50);
    expect(attach.reserve(0, 50)).toBe(1000);
  });

  it('atMost only ever removes tokens', () => {
    const bucket = new TokenBucket(100, 5);
    bucket.atMost(0, 9);
    expect(reserveMany(bucket, 0, 5)).toEqual([0, 0, 0, 0, 0]);
    const low = new TokenBucket(100, 5);
    low.atMost(0, 0);
    expect(reserveMany(low, 0, 2)).toEqual([100, 200]);
    low.atMost(0, 5);
    expect(low.reserve(0)).toBe(300);
  });

  it('refuses an interval of zero', () => {
    expect(() => new TokenBucket(0, 1)).toThrow(RangeError);
  });
});
