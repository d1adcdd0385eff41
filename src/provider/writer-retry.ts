import OpenAI from 'openai';
import type { StampedKind } from '../model/kinds.js';
import { STAMP_ADDRESS_KEY, STAMP_LINEAGE_KEY } from '../model/stamp.js';
import type { ApiClient } from './api-client.js';
import { type ApiOperation, toApiError } from './api-errors.js';
import { RATE_LIMIT_RETRIES, retryWaitMs } from './rate-governor.js';

export { RATE_LIMIT_RETRIES };

/**
 * What every writer call shares: the client (whose fetch paces every request), the retry budget,
 * the clock, and the ids that creates have handed out (so a lost create is never matched to another call's resource).
 */
export interface WriterContext {
  api: ApiClient;
  /** Retries after the first attempt. */
  retries: number;
  sleep: (ms: number) => Promise<void>;
  /** Milliseconds since the epoch. */
  now: () => number;
  /** 0 <= x < 1, for jitter. */
  random: () => number;
  claimed: Set<string>;
  /** Creates that could be mistaken for one another run one at a time (see `createOnce`). */
  locks: Map<string, Promise<unknown>>;
}

/**
 * Request options for every writer call: the SDK must not retry on its own, because its retry of a
 * POST whose answer was lost makes the resource twice. `send` retries instead.
 */
export const NO_SDK_RETRIES = { maxRetries: 0 } as const;

/** Slack on `created_at` (whole seconds, and clocks that differ a little) when finding a lost create. */
const CREATED_SLACK_SECONDS = 2;
/** Newest-first pages read at most when finding a lost create. */
const LOOKUP_PAGE_SIZE = 100;
const LOOKUP_MAX_PAGES = 10;

/**
 * Connection errors, 408, 409, 429 and 5xx; the server's `x-should-retry` overrides. A quota
 * answer (a 429 whose code or type is `insufficient_quota` or the like) always carries
 * `x-should-retry: false`, set by the client's fetch (quota.ts), so it ends the call at once.
 */
export function isRetryable(err: unknown): boolean {
  if (err instanceof OpenAI.APIUserAbortError) return false;
  if (err instanceof OpenAI.APIConnectionError) return true;
  if (!(err instanceof OpenAI.APIError) || err.status === undefined) return false;
  const hint = err.headers?.get('x-should-retry');
  if (hint === 'true') return true;
  if (hint === 'false') return false;
  return err.status === 408 || err.status === 409 || err.status === 429 || err.status >= 500;
}

function isRateLimit(err: unknown): boolean {
  return err instanceof OpenAI.APIError && err.status === 429;
}

/**
 * How long to wait before retry number `attempt + 1`: `retry-after-ms`, else `retry-after`
 * (seconds or an HTTP date), else 0.5 s × 2^attempt capped at 8 s, less up to 25 % of jitter.
 */
export function retryDelayMs(
  err: unknown,
  attempt: number,
  random: () => number,
  nowMs = Date.now(),
): number {
  return retryWaitMs(err instanceof OpenAI.APIError ? err.headers : undefined, attempt, random, nowMs);
}

/**
 * Makes one API call, retrying what `isRetryable` allows up to `ctx.retries` times (429s up to
 * RATE_LIMIT_RETRIES). The client's fetch paces by the URL's route family. A 429 is retried at
 * once: the client's fetch has learnt its wait and holds the next attempt (and every other request of the family) until then, so it
 * is waited once. When `recover` is given (creates), and an attempt failed in a way that may have
 * done the work (anything retryable but a 429), `recover` looks for what that attempt made before
 * the next attempt, and once more before giving up; what it finds is the answer. Failures come
 * out through `toApiError`.
 */
export async function send<T>(
  ctx: WriterContext,
  operation: ApiOperation,
  run: () => Promise<T>,
  recover?: () => Promise<T | undefined>,
): Promise<T> {
  let mayExist = false;
  // 429s have their own, larger budget: a rate limit says "later", not "broken", and a long apply
  // against a tight limit must not run out of retries while it waits its turn.
  let failures = 0;
  let limited = 0;
  for (;;) {
    try {
      return await run();
    } catch (err) {
      const retryable = isRetryable(err);
      const rateLimited = isRateLimit(err);
      // Only an attempt that may have done the work is looked for before the next one: a lookup
      // after a 429 would spend the one request the wait made room for, and the create would then
      // meet the limit again, retry after retry.
      const mayHaveWorked = retryable && !rateLimited;
      if (mayHaveWorked) mayExist = true;
      const last = !retryable || (rateLimited ? limited >= RATE_LIMIT_RETRIES : failures >= ctx.retries);
      const failure = () => toApiError(err, operation, ctx.api.endpoint, ctx.api.apiKey);
      if (last) {
        if (mayExist && recover) {
          // The last look: a failed lookup must not hide why the call itself failed.
          const found = await recover().catch(() => undefined);
          if (found !== undefined) return found;
        }
        // An earlier attempt may have done the work, and nothing found it: the caller's journal
        // entry must stay, so that the next run looks again.
        throw mayExist ? failure().withUnknownOutcome() : failure();
      }
      if (rateLimited) {
        limited += 1;
        continue;
      }
      await ctx.sleep(retryDelayMs(err, failures, ctx.random, ctx.now()));
      failures += 1;
      if (mayHaveWorked && recover) {
        const found = await recover().catch((lookup: unknown) => {
          throw toApiError(lookup, operation, ctx.api.endpoint, ctx.api.apiKey).withUnknownOutcome();
        });
        if (found !== undefined) return found;
      }
    }
  }
}

/** `send` for a delete: a 404 means the thing is already gone, which is what was asked. */
export async function sendDelete(
  ctx: WriterContext,
  operation: ApiOperation,
  run: () => Promise<unknown>,
): Promise<void> {
  await send(ctx, operation, async () => {
    try {
      await run();
    } catch (err) {
      if (!(err instanceof OpenAI.NotFoundError)) throw err;
    }
  });
}

/** A list item that `createOnce` can match: lists are read newest first, `created_at` in unix seconds. */
export interface Created {
  id: string;
  created_at: number;
}

/** One newest-first page of a list. */
export type ListRecent<I extends Created> = (
  after: string | undefined,
  limit: number,
) => Promise<{ data: I[]; has_more: boolean }>;

/** How `createOnce` finds a create whose answer was lost. */
export interface LostCreateLookup<I extends Created> {
  /**
   * What `matches` can tell apart: creates with the same key run one at a time, so one call's
   * lookup cannot take what another is about to be answered with.
   */
  key: string;
  /** The list call, for messages. */
  operation: ApiOperation;
  list: ListRecent<I>;
  matches: (item: I) => boolean;
  /** Hand back the found item's `created_at` with its id (files: the state records it). */
  withTime?: boolean;
}

/**
 * The lookup of a store or assistant by its ownership stamp (lineage and address), or undefined
 * for an unstamped one, which cannot be told apart from others and is retried without a lookup.
 */
export function stampLookup<I extends Created & { metadata: unknown }>(
  kind: StampedKind,
  metadata: Record<string, string>,
  operation: ApiOperation,
  list: ListRecent<I>,
): LostCreateLookup<I> | undefined {
  const lineage = metadata[STAMP_LINEAGE_KEY];
  const address = metadata[STAMP_ADDRESS_KEY];
  if (lineage === undefined || address === undefined) return undefined;
  return {
    key: `${kind}\u0000${lineage}\u0000${address}`,
    operation,
    list,
    matches: (item) => {
      const stamp = item.metadata as Record<string, string> | null;
      return stamp?.[STAMP_LINEAGE_KEY] === lineage && stamp?.[STAMP_ADDRESS_KEY] === address;
    },
  };
}

/**
 * A create that never makes its resource twice. Before a retry, and once more before giving up,
 * it looks for what a lost attempt made: an item of `lookup.list` made at or after the start of
 * the first attempt (less 2 s of slack) that `lookup.matches` and that no other create of this
 * writer handed out. Without a lookup it retries blindly.
 */
export async function createOnce<I extends Created>(
  ctx: WriterContext,
  operation: ApiOperation,
  make: () => Promise<{ id: string; createdAt?: number }>,
  lookup: LostCreateLookup<I> | undefined,
): Promise<{ id: string; createdAt?: number }> {
  const run = async () => {
    const since = Math.floor(ctx.now() / 1000) - CREATED_SLACK_SECONDS;
    const recover = lookup
      ? async () => {
          const found = await findRecent(ctx, lookup, since);
          if (found === undefined) return undefined;
          return lookup.withTime ? { id: found.id, createdAt: found.created_at } : { id: found.id };
        }
      : undefined;
    const made = await send(ctx, operation, make, recover);
    ctx.claimed.add(made.id);
    // Only the id (and a file's creation time): `make` may hand back the whole object.
    return typeof made.createdAt === 'number' ? { id: made.id, createdAt: made.createdAt } : { id: made.id };
  };
  return lookup ? exclusive(ctx.locks, lookup.key, run) : run();
}

/** The newest unclaimed match made at or after `since`, reading pages while they are that recent. */
async function findRecent<I extends Created>(
  ctx: WriterContext,
  lookup: LostCreateLookup<I>,
  since: number,
): Promise<I | undefined> {
  let after: string | undefined;
  for (let page = 0; page < LOOKUP_MAX_PAGES; page++) {
    const { data, has_more } = await send(ctx, lookup.operation, () => lookup.list(after, LOOKUP_PAGE_SIZE));
    for (const item of data) {
      if (item.created_at < since) return undefined;
      if (!ctx.claimed.has(item.id) && lookup.matches(item)) return item;
    }
    const last = data.at(-1);
    if (!has_more || !last) return undefined;
    after = last.id;
  }
  return undefined;
}

/** Runs `work` after every earlier call with the same key has settled. */
async function exclusive<T>(
  locks: Map<string, Promise<unknown>>,
  key: string,
  work: () => Promise<T>,
): Promise<T> {
  const previous = locks.get(key) ?? Promise.resolve();
  const current = previous.then(work);
  const tail = current.catch(() => undefined);
  locks.set(key, tail);
  try {
    return await current;
  } finally {
    if (locks.get(key) === tail) locks.delete(key);
  }
}
