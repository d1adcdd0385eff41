/**
 * What a response says about the request rate its route family allows: the API's
 * `x-ratelimit-limit-requests` (requests per minute), `x-ratelimit-remaining-requests` (what is left
 * now) and `x-ratelimit-reset-requests` (until the allowance is whole again, as `1s`, `120ms`,
 * `6m0s`). Undefined unless limit and remaining are both whole numbers (limit > 0).
 */
export interface RateHeaders {
  limit: number;
  remaining: number;
  /**
   * Undefined when the header is missing or unreadable. Not needed for pacing (the limit per minute
   * and what remains say it), kept so that what the server said can be shown whole.
   */
  resetMs: number | undefined;
}

/** Reads the three x-ratelimit-*-requests headers; see RateHeaders. */
export function readRateHeaders(headers: Headers): RateHeaders | undefined {
  const limit = wholeNumber(headers.get('x-ratelimit-limit-requests'));
  const remaining = wholeNumber(headers.get('x-ratelimit-remaining-requests'));
  if (limit === undefined || remaining === undefined || limit <= 0) return undefined;
  return { limit, remaining, resetMs: parseDuration(headers.get('x-ratelimit-reset-requests')) };
}

const UNIT_MS: Readonly<Record<string, number>> = {
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
  us: 0.001,
  µs: 0.001,
  ns: 0.000_001,
};

/**
 * A Go-style duration (`1s`, `120ms`, `6m0s`, `1h2m3.5s`, `0s`) in milliseconds; undefined for
 * anything else. A bare number is taken as seconds.
 */
export function parseDuration(text: string | null | undefined): number | undefined {
  if (text === null || text === undefined) return undefined;
  const value = text.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  if (!/^(\d+(\.\d+)?(h|ms|m|s|us|µs|ns))+$/.test(value)) return undefined;
  let total = 0;
  for (const [, amount, unit] of value.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g)) {
    total += Number(amount) * (UNIT_MS[unit as string] ?? 0);
  }
  return total;
}

/**
 * The wait a 429 (or 503) asks for: `retry-after-ms`, else `retry-after` (seconds or an HTTP
 * date), else undefined.
 */
export function retryAfterMs(headers: Headers | undefined, nowMs: number): number | undefined {
  const ms = headers?.get('retry-after-ms');
  if (ms) {
    const value = Number.parseFloat(ms);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const after = headers?.get('retry-after');
  if (after) {
    const seconds = Number.parseFloat(after);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(after);
    if (Number.isFinite(date)) return Math.max(0, date - nowMs);
  }
  return undefined;
}

function wholeNumber(text: string | null): number | undefined {
  if (text === null || !/^\s*\d+\s*$/.test(text)) return undefined;
  return Number(text);
}
