import { describe, expect, it } from 'vitest';
import {
  type Answer,
  PROBE_PATIENCE_MS,
  RateGovernor,
  TARGET_SHARE,
  type Ticket,
} from '../../../src/provider/rate-governor.js';
import { fakeClock } from '../../helpers/fake-clock.js';

/** Milliseconds between requests paced under 1,200/min. */
const INTERVAL_1200 = 60_000 / (1200 * TARGET_SHARE);

/** An answer with the given status and headers. */
function answer(status: number, headers: Record<string, string> = {}, errorType?: string): Answer {
  return { status, headers: new Headers(headers), errorType, final: false };
}

const limits = (limit: number, remaining: number, reset = '1s') => ({
  'x-ratelimit-limit-requests': String(limit),
  'x-ratelimit-remaining-requests': String(remaining),
  'x-ratelimit-reset-requests': reset,
});

/** Starts `count` acquires at once; `wentAt[i]` is the time request i got through, `tickets[i]` its ticket. */
function start(
  governor: RateGovernor,
  clock: ReturnType<typeof fakeClock>,
  family: string,
  count: number,
  cost = 0,
) {
  const wentAt: (number | undefined)[] = new Array(count).fill(undefined);
  const tickets: (Ticket | undefined)[] = new Array(count).fill(undefined);
  for (let i = 0; i < count; i++) {
    void governor.acquire(family, cost).then((ticket) => {
      wentAt[i] = clock.now();
      tickets[i] = ticket;
    });
  }
  return { wentAt, tickets };
}

/** A governor whose `files` family has been told `headers` by one answered probe. */
async function taught(headers: Record<string, string>) {
  const clock = fakeClock();
  const governor = new RateGovernor(clock);
  governor.settle(await governor.acquire('files'), answer(200, headers));
  return { clock, governor };
}

describe('RateGovernor: before anything is known', () => {
  it('lets one probe go per family; the rest wait for its answer, then go (no headers: at once)', async () => {
    const clock = fakeClock();
    const governor = new RateGovernor(clock);
    const { wentAt, tickets } = start(governor, clock, 'files', 8);
    const stores = start(governor, clock, 'vector_stores', 1);
    await clock.advance(900);
    expect(wentAt).toEqual([0, ...new Array(7).fill(undefined)]);
    expect(stores.wentAt).toEqual([0]);

    governor.settle(tickets[0] as Ticket, answer(200));
    await clock.advance(0);
    expect(wentAt).toEqual([0, ...new Array(7).fill(900)]);
  });

  it('while the probe is unanswered (a large upload), lets one more go each second, not all', async () => {
    const clock = fakeClock();
    const governor = new RateGovernor(clock);
    const { wentAt, tickets } = start(governor, clock, 'files', 5);
    await clock.advance(2500);
    expect(wentAt).toEqual([0, PROBE_PATIENCE_MS, 2 * PROBE_PATIENCE_MS, undefined, undefined]);
    // Any probe's answer lets the rest go.
    governor.settle(tickets[1] as Ticket, answer(200));
    await clock.advance(0);
    expect(wentAt.slice(3)).toEqual([2500, 2500]);
  });

  it('a probe lost to a connection error hands probing to the next request', async () => {
    const clock = fakeClock();
    const governor = new RateGovernor(clock);
    const { wentAt, tickets } = start(governor, clock, 'files', 3);
    await clock.advance(0);
    governor.settle(tickets[0] as Ticket, undefined);
    await clock.advance(0);
    expect(wentAt).toEqual([0, 0, undefined]);
    governor.settle(tickets[1] as Ticket, answer(200));
    await clock.advance(0);
    expect(wentAt).toEqual([0, 0, 0]);
  });
});

describe('RateGovernor: following x-ratelimit-* headers', () => {
  it('paces just under the limit per minute (TARGET_SHARE of it), with a burst of half a second’s share', async () => {
    // 1,200/min: 20/s, aimed a little lower (about 52 ms apart), burst 10.
    const { clock, governor } = await taught(limits(1200, 19, '50ms'));
    const { wentAt } = start(governor, clock, 'files', 14);
    await clock.advance(1000);
    expect(wentAt.slice(0, 10).map((t) => Math.round(t as number))).toEqual(new Array(10).fill(0));
    expect(wentAt.slice(10).map((t) => Math.round(t as number))).toEqual(
      [1, 2, 3, 4].map((n) => Math.round(n * INTERVAL_1200)),
    );
  });

  it('headers lowering the limit slow the family down', async () => {
    const { clock, governor } = await taught(limits(6000, 99));
    const fast = start(governor, clock, 'files', 60);
    await clock.advance(10_000);
    const fastSpan = (fast.wentAt.at(-1) as number) - (fast.wentAt[0] as number);

    governor.settle(fast.tickets.at(-1) as Ticket, answer(200, limits(60, 0)));
    const slow = start(governor, clock, 'files', 3);
    await clock.advance(10_000);
    const gaps = [1, 2].map((i) => (slow.wentAt[i] as number) - (slow.wentAt[i - 1] as number));
    // 60/min aimed a little lower: a request every 1.03 s or so, where 6,000/min let 60 through in ~0.3 s.
    expect(fastSpan).toBeLessThan(500);
    for (const gap of gaps) expect(gap).toBeCloseTo(60_000 / (60 * TARGET_SHARE), 0);
  });

  it('remaining 0 makes the next request wait a slot, even with a burst to spare', async () => {
    const { clock, governor } = await taught(limits(1200, 0));
    const { wentAt } = start(governor, clock, 'files', 2);
    await clock.advance(1000);
    // Ten tokens of burst, but the server has none left: one interval, then the next.
    expect(wentAt.map((t) => Math.round(t as number))).toEqual(
      [1, 2].map((n) => Math.round(n * INTERVAL_1200)),
    );
  });

  it('requests sent since, and time passed since, are counted against and for remaining', async () => {
    const { clock, governor } = await taught(limits(1200, 19));
    const first = start(governor, clock, 'files', 5);
    await clock.advance(0);
    // The first of the five says 3 remained when it arrived; four were sent after it.
    governor.settle(first.tickets[0] as Ticket, answer(200, limits(1200, 3)));
    const next = start(governor, clock, 'files', 1);
    await clock.advance(1000);
    // 3 - 4 = -1 token: two intervals before the next may go.
    expect(Math.round(next.wentAt[0] as number)).toBe(Math.round(2 * INTERVAL_1200));

    // The same answer a second later: 20 tokens refilled since, so nothing is held.
    const late = await taught(limits(1200, 19));
    const sent = start(late.governor, late.clock, 'files', 5);
    await late.clock.advance(1000);
    late.governor.settle(sent.tickets[0] as Ticket, answer(200, limits(1200, 3)));
    const after = start(late.governor, late.clock, 'files', 1);
    await late.clock.advance(0);
    expect(after.wentAt).toEqual([1000]);
  });
});

describe('RateGovernor: 429s', () => {
  it('holds the family for retry-after-ms, re-queueing callers that had a slot before it', async () => {
    const { clock, governor } = await taught(limits(120, 0));
    const { wentAt, tickets } = start(governor, clock, 'files', 2);
    await clock.advance(600);
    expect(wentAt[0]).toBeDefined();
    expect(wentAt[1]).toBeUndefined();
    governor.settle(
      tickets[0] as Ticket,
      answer(429, { ...limits(120, 0), 'retry-after-ms': '3000' }, 'requests'),
    );
    await clock.advance(1000);
    expect(wentAt[1]).toBeUndefined();
    await clock.advance(5000);
    expect(wentAt[1]).toBe(3600);
    // Another family is not held.
    const other = start(governor, clock, 'assistants', 1);
    await clock.advance(0);
    expect(other.wentAt).toEqual([6600]);
  });

  it('a plain 429 without any header holds the family for growing waits (0.5 s, 1 s, 2 s), until a success', async () => {
    const clock = fakeClock();
    const governor = new RateGovernor(clock);
    let ticket = await governor.acquire('files');
    const holds: number[] = [];
    for (let i = 0; i < 4; i++) {
      // The fourth answer is a success: the one after it is not held.
      governor.settle(ticket, i < 3 ? answer(429) : answer(200));
      const before = clock.now();
      const next = start(governor, clock, 'files', 1);
      await clock.advance(60_000);
      holds.push((next.wentAt[0] as number) - before);
      ticket = next.tickets[0] as Ticket;
    }
    expect(holds.slice(0, 3)).toEqual([500, 1000, 2000]);
    // After the success the family is paced (AIMD), not held: it waits no more than its interval.
    expect(holds[3]).toBeLessThan(2000);
  });

  it('without headers, halves the measured rate on a 429 and adds back a little per success (AIMD)', async () => {
    const clock = fakeClock();
    const governor = new RateGovernor(clock);
    governor.settle(await governor.acquire('files'), answer(200));
    // 16 requests 100 ms apart: 10/s measured.
    for (let i = 0; i < 16; i++) {
      governor.settle(await governor.acquire('files'), answer(200));
      await clock.advance(100);
    }
    governor.settle(await governor.acquire('files'), answer(429, { 'retry-after-ms': '0' }));
    const { wentAt, tickets } = start(governor, clock, 'files', 3);
    await clock.advance(10_000);
    const start0 = wentAt[0] as number;
    // 5/s after the decrease: 200 ms apart.
    expect(wentAt.map((t) => Math.round((t as number) - start0))).toEqual([0, 200, 400]);
    for (const ticket of tickets) governor.settle(ticket as Ticket, answer(200));
    const later = start(governor, clock, 'files', 2);
    await clock.advance(10_000);
    const gap = (later.wentAt[1] as number) - (later.wentAt[0] as number);
    expect(gap).toBeLessThan(200);
    expect(gap).toBeGreaterThan(150);
  });

  it('a final answer (quota) teaches nothing: no hold, no pacing', async () => {
    const clock = fakeClock();
    const governor = new RateGovernor(clock);
    governor.settle(await governor.acquire('files'), { ...answer(429), final: true });
    const { wentAt } = start(governor, clock, 'files', 3);
    await clock.advance(0);
    expect(wentAt).toEqual([0, 0, 0]);
  });
});

describe('RateGovernor: the org-wide attach limit', () => {
  it('is not paced until an attach meets a 429 of its own; then holds attaches alone and paces them at 2,000 files/min', async () => {
    const clock = fakeClock();
    const governor = new RateGovernor(clock);
    governor.settle(await governor.acquire('vector_stores', 500), answer(200));
    const free = start(governor, clock, 'vector_stores', 3, 500);
    await clock.advance(0);
    expect(free.wentAt).toEqual([0, 0, 0]);

    const refused = await governor.acquire('vector_stores', 500);
    governor.settle(refused, answer(429, { 'retry-after-ms': '2000' }, 'files'));
    const polls = start(governor, clock, 'vector_stores', 2);
    const attaches = start(governor, clock, 'vector_stores', 2, 500);
    await clock.advance(60_000);
    // Polls are not held; the first attach goes when the wait is over, the next after 500 files' worth.
    expect(polls.wentAt).toEqual([0, 0]);
    expect(attaches.wentAt[0]).toBe(2000);
    expect(Math.round(attaches.wentAt[1] as number)).toBe(
      2000 + Math.round((500 * 60_000) / (2000 * TARGET_SHARE)),
    );
  });

  it('a route limit 429 (type requests) on an attach does not engage it', async () => {
    const clock = fakeClock();
    const governor = new RateGovernor(clock);
    governor.settle(await governor.acquire('vector_stores', 10), answer(200, limits(60_000, 900)));
    governor.settle(
      await governor.acquire('vector_stores', 10),
      answer(429, { ...limits(60_000, 0), 'retry-after-ms': '100' }, 'requests'),
    );
    const attaches = start(governor, clock, 'vector_stores', 3, 1000);
    await clock.advance(1000);
    expect(attaches.wentAt.map((t) => Math.round(t as number))).toEqual([100, 101, 102]);
  });
});
