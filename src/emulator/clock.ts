/**
 * How far the clock may run ahead of the wall clock in total: 100 years. Any date the emulator
 * writes stays a valid unix time (a finite integer that JavaScript dates and the spec's
 * `unixtime` accept), and no test needs more.
 */
export const MAX_OFFSET_SECONDS = 100 * 365 * 86_400;

/**
 * The emulator's time: the wall clock plus an offset that `POST /_emulator/clock` moves forward,
 * so tests can jump past a store's expiry (or an indexing delay) without waiting. Time never goes
 * back: an offset only grows, and never past MAX_OFFSET_SECONDS.
 */
export class EmulatorClock {
  private offsetMs = 0;

  constructor(private readonly wallMs: () => number = Date.now) {}

  nowMs(): number {
    return this.wallMs() + this.offsetMs;
  }

  /** Unix seconds, as every `created_at` and `expires_at` in the API. */
  nowSeconds(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  /** How many seconds the clock may still move forward. */
  get roomSeconds(): number {
    return MAX_OFFSET_SECONDS - this.offsetMs / 1000;
  }

  /**
   * Moves time forward. `seconds` must be a finite number from 0 to `roomSeconds` (the control API
   * answers a 400 before calling this otherwise); anything else throws and leaves the clock alone.
   */
  advance(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds < 0 || seconds > this.roomSeconds) {
      throw new RangeError(`cannot advance the clock by ${seconds} s (0 to ${this.roomSeconds} s)`);
    }
    this.offsetMs += Math.round(seconds * 1000);
  }

  get offsetSeconds(): number {
    return this.offsetMs / 1000;
  }

  /**
   * Restores a persisted offset (an emulator restarted with `--data` keeps its moved clock). A
   * saved offset that is not a number, or out of bounds, is brought within them, never taken as is.
   */
  restore(offsetSeconds: unknown): void {
    if (typeof offsetSeconds !== 'number' || !Number.isFinite(offsetSeconds)) return;
    const bounded = Math.min(Math.max(offsetSeconds, 0), MAX_OFFSET_SECONDS);
    this.offsetMs = Math.max(this.offsetMs, Math.round(bounded * 1000));
  }

  reset(): void {
    this.offsetMs = 0;
  }
}
