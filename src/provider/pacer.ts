import { setTimeout as delay } from 'node:timers/promises';

/** The API's rate-limited route families, as the emulator and the API count them. */
export type RouteFamily = 'files' | 'vector_stores' | 'assistants';

export interface PacerRate {
  /** Requests let through per second, sustained. */
  perSecond: number;
  /** Requests let through at once after a quiet spell (at least 1). */
  burst: number;
}

/**
 * Defaults under the API's prose limits: 1,000 uploads/min per user (`files` at 12.5/s is
 * 750/min); the others at 20/s. File batches attach up to 2,000 files per request, so the 300
 * attach requests/min per store are far from reach.
 */
export const DEFAULT_PACER_RATES: Readonly<Record<RouteFamily, PacerRate>> = {
  files: { perSecond: 12.5, burst: 12 },
  vector_stores: { perSecond: 20, burst: 20 },
  assistants: { perSecond: 20, burst: 20 },
};

export interface PacerClock {
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * `always`: every family is paced from the first request. `after-429`: a family goes at full
 * speed (bounded by the caller's parallelism) until the server first answers it with 429, and is
 * paced from then on: no waiting where the server allows more, the documented rate where it does not.
 */
export type PacerEngagement = 'always' | 'after-429';

/**
 * A client-side limiter, one token bucket per route family, so that 429s are rare. `take` resolves
 * when a request may go; callers are served in the order they asked (each reserves the next slot,
 * so concurrent callers never oversubscribe the bucket). `backOff` after a 429 empties the bucket
 * until the server's retry-after has passed, so parallel workers do not all hit the limit again.
 *
 * The bucket is kept as a GCRA "theoretical arrival time" (`tat`): the time at which it would be
 * full again. A request at `t` may go at `max(t, tat - (burst - 1) * interval)`, and pushes `tat`
 * one interval on.
 */
export class Pacer {
  private readonly tat = new Map<RouteFamily, number>();
  /** Per family: until when a 429 stops everything, and how many back-offs there were. */
  private readonly blocked = new Map<RouteFamily, { until: number; generation: number }>();
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly rates: Record<RouteFamily, PacerRate>;
  private readonly engagement: PacerEngagement;
  /** With `after-429`: the families a 429 has engaged. */
  private readonly engaged = new Set<RouteFamily>();

  /**
   * `rate` given applies to every family; without it, DEFAULT_PACER_RATES. `clock` is injectable
   * for tests: `now` in milliseconds, `sleep` waits that long. `engagement`: see PacerEngagement.
   */
  constructor(rate?: Partial<PacerRate>, clock: PacerClock = {}, engagement: PacerEngagement = 'always') {
    this.engagement = engagement;
    this.now = clock.now ?? Date.now;
    this.sleep = clock.sleep ?? ((ms) => delay(ms));
    const pick = (family: RouteFamily): PacerRate => {
      const fallback = DEFAULT_PACER_RATES[family];
      const perSecond = rate?.perSecond ?? fallback.perSecond;
      const burst = rate?.burst ?? (rate?.perSecond === undefined ? fallback.burst : perSecond);
      if (!(perSecond > 0)) throw new RangeError(`pacer: perSecond must be > 0, got ${perSecond}`);
      return { perSecond, burst: Math.max(1, Math.floor(burst)) };
    };
    this.rates = {
      files: pick('files'),
      vector_stores: pick('vector_stores'),
      assistants: pick('assistants'),
    };
  }

  /** Resolves when a request of `family` may go; the slot is reserved at the time of the call. */
  async take(family: RouteFamily): Promise<void> {
    for (;;) {
      const generation = this.blocked.get(family)?.generation ?? 0;
      const wait = this.reserve(family);
      if (wait > 0) await this.sleep(wait);
      // A 429 that arrived while this caller waited voids its slot: it queues again behind the
      // back-off rather than going out into the same limit.
      const block = this.blocked.get(family);
      if (!block || block.generation === generation || this.now() >= block.until) return;
    }
  }

  /**
   * After a 429: nothing of `family` goes for `ms`, and then the bucket starts empty (one request,
   * then the sustained rate), however full it was.
   */
  backOff(family: RouteFamily, ms: number): void {
    this.engaged.add(family);
    const { tolerance } = this.shape(family);
    const until = this.now() + Math.max(0, ms);
    // With tat = until + tolerance, the next slot opens at `until` and the one after an interval on.
    this.tat.set(family, Math.max(this.tat.get(family) ?? 0, until + tolerance));
    const previous = this.blocked.get(family);
    this.blocked.set(family, {
      until: Math.max(previous?.until ?? 0, until),
      generation: (previous?.generation ?? 0) + 1,
    });
  }

  /** The milliseconds a request of `family` asked for now would wait (without reserving it). */
  waitFor(family: RouteFamily): number {
    if (!this.paces(family)) return 0;
    const { tolerance } = this.shape(family);
    const now = this.now();
    const tat = Math.max(this.tat.get(family) ?? now, now);
    return Math.max(0, tat - tolerance - now);
  }

  private paces(family: RouteFamily): boolean {
    return this.engagement === 'always' || this.engaged.has(family);
  }

  private reserve(family: RouteFamily): number {
    if (!this.paces(family)) return 0;
    const { interval, tolerance } = this.shape(family);
    const now = this.now();
    const tat = Math.max(this.tat.get(family) ?? now, now);
    const goAt = Math.max(now, tat - tolerance);
    this.tat.set(family, tat + interval);
    return goAt - now;
  }

  private shape(family: RouteFamily): { interval: number; tolerance: number } {
    const { perSecond, burst } = this.rates[family];
    const interval = 1000 / perSecond;
    return { interval, tolerance: (burst - 1) * interval };
  }
}
