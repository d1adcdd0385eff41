/**
 * Requests per minute, enforced like the API's quantised limits: a bucket per route family that
 * holds one second's share (at least one request) and refills continuously. Excess requests get
 * a 429 with the wait in `retry-after-ms`, which the SDK honours before retrying.
 */
export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Until the bucket is full again. */
  resetMs: number;
  /** Until the next request would be allowed (0 when allowed). */
  retryAfterMs: number;
}

interface Bucket {
  tokens: number;
  atMs: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  take(family: string, perMinute: number, nowMs: number): RateDecision | undefined {
    if (perMinute <= 0) return undefined;
    const capacity = Math.max(1, Math.ceil(perMinute / 60));
    const perMs = perMinute / 60_000;
    const bucket = this.buckets.get(family) ?? { tokens: capacity, atMs: nowMs };
    bucket.tokens = Math.min(capacity, bucket.tokens + (nowMs - bucket.atMs) * perMs);
    bucket.atMs = nowMs;
    this.buckets.set(family, bucket);
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    return {
      allowed,
      limit: perMinute,
      remaining: Math.floor(bucket.tokens),
      resetMs: Math.ceil((capacity - bucket.tokens) / perMs),
      retryAfterMs: allowed ? 0 : Math.ceil((1 - bucket.tokens) / perMs),
    };
  }

  reset(): void {
    this.buckets.clear();
  }
}

/** `1.5s`, `120ms`, `1m30s`: the API's format for `x-ratelimit-reset-requests`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${Number(seconds.toFixed(3))}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m${Number((seconds - minutes * 60).toFixed(3))}s`;
}
