/**
 * The emulator's time: the wall clock plus an offset that `POST /_emulator/clock` moves forward,
 * so tests can jump past a store's expiry (or an indexing delay) without waiting. Time never goes
 * back: an offset only grows.
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

  advance(seconds: number): void {
    this.offsetMs += Math.round(seconds * 1000);
  }

  get offsetSeconds(): number {
    return this.offsetMs / 1000;
  }

  /** Restores a persisted offset (an emulator restarted with `--data` keeps its moved clock). */
  restore(offsetSeconds: number): void {
    this.offsetMs = Math.max(this.offsetMs, Math.round(offsetSeconds * 1000));
  }

  reset(): void {
    this.offsetMs = 0;
  }
}
