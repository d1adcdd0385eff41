import { describe, expect, it } from 'vitest';
import { paginate } from '../../../src/emulator/pagination.js';
import { formatDuration, RateLimiter } from '../../../src/emulator/rate-limiter.js';
import type { VectorStoreFileRecord, VectorStoreRecord } from '../../../src/emulator/records.js';
import { paramOf } from '../../../src/emulator/schema-errors.js';
import {
  batchStatus,
  countStatuses,
  isStoreExpired,
  memberStatus,
  pollAfterMs,
  storeExpiresAt,
} from '../../../src/emulator/status-rules.js';

const items = Array.from({ length: 5 }, (_, i) => ({ id: `x${i + 1}`, seq: i + 1 }));
const seqs = new Map(items.map((item) => [item.id, item.seq]));
const cursors = (id: string) => seqs.get(id);
const ids = (page: { id: string }[]) => page.map((item) => item.id);

describe('paginate', () => {
  it('pages forward and back in both orders', () => {
    expect(ids(paginate(items, { limit: 2, order: 'asc' }, cursors).page)).toEqual(['x1', 'x2']);
    expect(ids(paginate(items, { limit: 2, order: 'desc' }, cursors).page)).toEqual(['x5', 'x4']);
    expect(paginate(items, { limit: 2, order: 'asc', after: 'x3' }, cursors)).toEqual({
      page: [items[3], items[4]],
      hasMore: false,
    });
    expect(ids(paginate(items, { limit: 2, order: 'desc', after: 'x4' }, cursors).page)).toEqual([
      'x3',
      'x2',
    ]);
    // `before` gives the items nearest the cursor, still in the chosen order.
    expect(paginate(items, { limit: 2, order: 'asc', before: 'x5' }, cursors)).toEqual({
      page: [items[2], items[3]],
      hasMore: true,
    });
    expect(ids(paginate(items, { limit: 2, order: 'desc', before: 'x2' }, cursors).page)).toEqual([
      'x4',
      'x3',
    ]);
  });

  it('answers 400 for a cursor that never existed', () => {
    expect(() => paginate(items, { limit: 2, order: 'asc', after: 'nope' }, cursors)).toThrow(
      /Invalid 'after'/,
    );
  });
});

describe('status rules', () => {
  const member = (over: Partial<VectorStoreFileRecord>): VectorStoreFileRecord => ({
    id: 'file-1',
    storeId: 'vs_1',
    seq: 1,
    createdAt: 0,
    readyAtMs: 1000,
    failure: null,
    cancelled: false,
    chunking: { max_chunk_size_tokens: 800, chunk_overlap_tokens: 400 },
    attributes: {},
    ...over,
  });

  it('derives a file status from the clock, its outcome and cancellation', () => {
    expect(memberStatus(member({}), 999)).toBe('in_progress');
    expect(memberStatus(member({}), 1000)).toBe('completed');
    expect(memberStatus(member({ failure: { code: 'unsupported_file', message: 'm' } }), 1000)).toBe(
      'failed',
    );
    expect(memberStatus(member({ cancelled: true }), 0)).toBe('cancelled');
  });

  it('derives batch status from its counts', () => {
    const batch = { id: 'vsfb_1', seq: 1, storeId: 'vs_1', createdAt: 0, fileIds: [], cancelled: false };
    expect(batchStatus(batch, countStatuses(['completed', 'in_progress']))).toBe('in_progress');
    expect(batchStatus(batch, countStatuses(['completed', 'failed']))).toBe('completed');
    expect(batchStatus(batch, countStatuses(['failed', 'failed']))).toBe('failed');
    expect(batchStatus({ ...batch, cancelled: true }, countStatuses(['completed']))).toBe('cancelled');
  });

  it('expires a store `days` after last activity, and keeps it expired once seen', () => {
    const store: VectorStoreRecord = {
      id: 'vs_1',
      seq: 1,
      createdAt: 0,
      name: '',
      metadata: {},
      expiresAfter: { anchor: 'last_active_at', days: 2 },
      lastActiveAtMs: 10_000,
      expired: false,
    };
    expect(storeExpiresAt(store)).toBe(10 + 2 * 86_400);
    expect(isStoreExpired(store, (10 + 2 * 86_400) * 1000 - 1)).toBe(false);
    expect(isStoreExpired(store, (10 + 2 * 86_400) * 1000)).toBe(true);
    expect(isStoreExpired({ ...store, expiresAfter: undefined, expired: true }, 0)).toBe(true);
  });

  it('hints a poll interval of half the indexing delay, within 50 ms..5 s', () => {
    expect([0, 300, 60_000].map(pollAfterMs)).toEqual([50, 150, 5000]);
  });
});

describe('rate limiter', () => {
  it('holds a second of requests and refills continuously', () => {
    const limiter = new RateLimiter();
    expect(limiter.take('files', 120, 0)).toMatchObject({ allowed: true, remaining: 1 });
    expect(limiter.take('files', 120, 0)).toMatchObject({ allowed: true, remaining: 0 });
    expect(limiter.take('files', 120, 0)).toMatchObject({ allowed: false, retryAfterMs: 500 });
    expect(limiter.take('files', 120, 500)).toMatchObject({ allowed: true });
    expect(limiter.take('vector_stores', 120, 0)).toMatchObject({ allowed: true });
    expect(limiter.take('files', 0, 0)).toBeUndefined();
  });

  it('formats durations as the API does', () => {
    expect([120, 1500, 90_000].map(formatDuration)).toEqual(['120ms', '1.5s', '1m30s']);
  });
});

describe('paramOf', () => {
  it('names nested parameters in the API form', () => {
    expect(paramOf('/tools/0/function/name')).toBe('tools[0].function.name');
    expect(paramOf('', 'model')).toBe('model');
    expect(paramOf('/metadata', 'a/b')).toBe('metadata.a/b');
  });
});
