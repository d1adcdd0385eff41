/**
 * Requests per minute, enforced like the API's quantised limits: a bucket per route family that
 * holds one second's share (at least one request) and refills continuously. Excess requests get
 * a 429 with the wait in `retry-after-ms`, which the SDK honours before retrying. The org-wide
 * attach limit is a bucket of its own, counted in files (see attachCount).
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

  /**
   * Takes `cost` tokens from the bucket `key` (made full on first use), which holds `capacity`
   * (default one second's share) and gains `perMinute` a minute. A request is let through when the
   * bucket holds `min(cost, capacity)`, so a cost above the capacity waits for a full bucket and
   * leaves it in debt. Undefined when `perMinute` is 0 (no limit).
   */
  take(
    key: string,
    perMinute: number,
    nowMs: number,
    cost = 1,
    capacity = Math.max(1, Math.ceil(perMinute / 60)),
  ): RateDecision | undefined {
    if (perMinute <= 0) return undefined;
    const perMs = perMinute / 60_000;
    const bucket = this.buckets.get(key) ?? { tokens: capacity, atMs: nowMs };
    bucket.tokens = Math.min(capacity, bucket.tokens + (nowMs - bucket.atMs) * perMs);
    bucket.atMs = nowMs;
    this.buckets.set(key, bucket);
    const need = Math.min(cost, capacity);
    const allowed = bucket.tokens >= need;
    if (allowed) bucket.tokens -= cost;
    return {
      allowed,
      limit: perMinute,
      remaining: Math.max(0, Math.floor(bucket.tokens)),
      resetMs: Math.ceil((capacity - bucket.tokens) / perMs),
      retryAfterMs: allowed ? 0 : Math.ceil((need - bucket.tokens) / perMs),
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

/** The routes that attach files to vector stores, by their spec templates. */
const ATTACH_ROUTES: Readonly<Record<string, 'batch' | 'single' | 'store'>> = {
  'POST /vector_stores/{vector_store_id}/file_batches': 'batch',
  'POST /vector_stores/{vector_store_id}/files': 'single',
  'POST /vector_stores': 'store',
};

/** Whether a route attaches files (and so its body must be read to count them). */
export function isAttachRoute(method: string, template: string): boolean {
  return ATTACH_ROUTES[`${method} ${template}`] !== undefined;
}

/**
 * Files a request attaches, as the org-wide limit counts them: a file batch its `files` or
 * `file_ids`, a single attach 1, a store create its `file_ids`; 0 for other routes or bodies.
 */
export function attachCount(method: string, template: string, body: Record<string, unknown>): number {
  const kind = ATTACH_ROUTES[`${method} ${template}`];
  if (kind === 'single') return 1;
  if (kind === undefined) return 0;
  const list = kind === 'batch' && Array.isArray(body.files) ? body.files : body.file_ids;
  return Array.isArray(list) ? list.length : 0;
}
