import { describe, expect, it } from 'vitest';
import { parseDuration, readRateHeaders, retryAfterMs } from '../../../src/provider/rate-headers.js';

describe('rate headers', () => {
  it('reads the API’s durations: 1s, 120ms, 6m0s, 1h2m3.5s, 0s', () => {
    expect(parseDuration('1s')).toBe(1000);
    expect(parseDuration('120ms')).toBe(120);
    expect(parseDuration('6m0s')).toBe(360_000);
    expect(parseDuration('1m30.5s')).toBe(90_500);
    expect(parseDuration('1h2m3.5s')).toBe(3_723_500);
    expect(parseDuration('0s')).toBe(0);
    expect(parseDuration('2')).toBe(2000);
    for (const bad of ['', 'soon', '1x', '-1s', 's', null, undefined])
      expect(parseDuration(bad)).toBeUndefined();
  });

  it('reads limit, remaining and reset, and nothing when limit or remaining is missing or not a whole number', () => {
    const headers = (entries: Record<string, string>) => new Headers(entries);
    expect(
      readRateHeaders(
        headers({
          'x-ratelimit-limit-requests': '300',
          'x-ratelimit-remaining-requests': '4',
          'x-ratelimit-reset-requests': '200ms',
        }),
      ),
    ).toEqual({ limit: 300, remaining: 4, resetMs: 200 });
    expect(readRateHeaders(headers({ 'x-ratelimit-limit-requests': '300' }))).toBeUndefined();
    expect(
      readRateHeaders(headers({ 'x-ratelimit-limit-requests': '0', 'x-ratelimit-remaining-requests': '0' })),
    ).toBeUndefined();
    expect(
      readRateHeaders(
        headers({ 'x-ratelimit-limit-requests': '1.5', 'x-ratelimit-remaining-requests': '1' }),
      ),
    ).toBeUndefined();
  });

  it('takes retry-after-ms first, then retry-after in seconds or as a date', () => {
    const now = Date.parse('2026-12-06T12:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '250', 'retry-after': '3' }), now)).toBe(250);
    expect(retryAfterMs(new Headers({ 'retry-after': '3' }), now)).toBe(3000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Sun, 06 Dec 2026 12:00:05 GMT' }), now)).toBe(5000);
    expect(retryAfterMs(new Headers({}), now)).toBeUndefined();
  });
});
