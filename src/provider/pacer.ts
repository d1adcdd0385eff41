/**
 * A token bucket kept as a GCRA "theoretical arrival time" (`tat`): the time at which the bucket
 * would be full again. It holds `burst` tokens and gains one every `interval` milliseconds. A
 * request costing `n` may go once the bucket holds `min(n, burst)` tokens, and takes `n` (a cost
 * above the burst leaves a debt that later requests wait out). Each `reserve` takes its slot at
 * once, so concurrent callers never oversubscribe the bucket; they are served in the order they asked.
 */
export class TokenBucket {
  private tat = Number.NEGATIVE_INFINITY;
  private blockedUntil = Number.NEGATIVE_INFINITY;
  private interval = 1;
  private burst = 1;

  /** `interval` > 0 in milliseconds per token; `burst` >= 1 tokens (fractions are cut). */
  constructor(interval: number, burst: number) {
    this.reshape(interval, burst);
  }

  /** A new rate or size; what was taken stays taken. */
  reshape(interval: number, burst: number): void {
    if (!(interval > 0)) throw new RangeError(`token bucket: interval must be > 0, got ${interval}`);
    this.interval = interval;
    this.burst = Math.max(1, Math.floor(burst));
  }

  /** Reserves `cost` tokens; returns the time (same clock as `now`) at which the request may go. */
  reserve(now: number, cost = 1): number {
    const need = Math.min(Math.max(cost, 1), this.burst);
    const tat = Math.max(this.tat, now);
    const goAt = Math.max(now, tat - (this.burst - need) * this.interval);
    this.tat = tat + Math.max(cost, 0) * this.interval;
    return goAt;
  }

  /**
   * Nothing goes before `until`, and then the bucket holds `need` tokens (however full or empty it
   * was): the request a 429 refused can go then, the rest at the sustained rate. Slots reserved
   * before are forgotten (their callers must ask again); a later block never ends before an
   * earlier one.
   */
  block(until: number, need = 1): void {
    const held = Math.min(Math.max(need, 1), this.burst);
    this.blockedUntil = Math.max(this.blockedUntil, until);
    this.tat = this.blockedUntil + (this.burst - held) * this.interval;
  }

  /** The bucket holds at most `tokens` now (a server said so); never adds any. */
  atMost(now: number, tokens: number): void {
    if (tokens >= this.burst) return;
    this.tat = Math.max(this.tat, now + (this.burst - tokens) * this.interval);
  }
}
