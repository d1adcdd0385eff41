import { setTimeout as delay } from 'node:timers/promises';
import { TokenBucket } from './pacer.js';
import { readRateHeaders, retryAfterMs } from './rate-headers.js';

/** The clock a governor waits on; injectable so tests need not wait. */
export interface GovernorClock {
  /** Milliseconds. */
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** 0 <= x < 1, for jitter. */
  random: () => number;
}

/** The share of the server's rate aimed at: just under it, so that jitter does not meet the limit. */
export const TARGET_SHARE = 0.97;
/** The API's documented org-wide attach limit: files attached to vector stores per minute. */
export const DOCUMENTED_ATTACH_PER_MIN = 2000;
/** A server's retry-after is honoured up to this long; longer asks are cut to it. */
export const RETRY_AFTER_MAX_MS = 60_000;
const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 8000;
/**
 * Without headers, the rate never falls below ten requests a minute (half the lowest limit a plan
 * must get through), and each success adds 5% of the rate the last decrease set, at least one
 * request a minute.
 */
const AIMD_MIN_PER_MS = 10 / 60_000;
const AIMD_STEP_SHARE = 0.05;
const AIMD_MIN_STEP_PER_MS = 1 / 60_000;
/** Sends remembered per family to measure the rate a first header-less 429 halves. */
const RECENT_SENDS = 16;
/**
 * While a family's probe is unanswered (a large upload takes a while), one more request goes each
 * this often, so that a slow first answer does not hold the family back for long.
 */
export const PROBE_PATIENCE_MS = 1000;

/**
 * Exponential backoff for retry number `attempt + 1` (from 0): 0.5 s × 2^attempt, at most 8 s,
 * less up to a quarter of jitter.
 */
export function backoffMs(attempt: number, random: () => number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** attempt) * (1 - random() * 0.25);
}

/**
 * The wait before attempt `attempt + 1` after an answer with `headers`: the server's
 * `retry-after-ms` / `retry-after` (at most RETRY_AFTER_MAX_MS), else backoffMs.
 */
export function retryWaitMs(
  headers: Headers | undefined,
  attempt: number,
  random: () => number,
  nowMs: number,
): number {
  const asked = retryAfterMs(headers, nowMs);
  return asked === undefined ? backoffMs(attempt, random) : Math.min(asked, RETRY_AFTER_MAX_MS);
}

/** How many rate-limit 429s one call (a read in the fetch, a write in its writer) waits out. */
export const RATE_LIMIT_RETRIES = 30;

/**
 * `probing`: nothing is known yet; one request goes and the rest wait for its answer.
 * `free`: answers carry no rate headers and no 429 came; requests go at once.
 * `headers`: the server's `x-ratelimit-*` headers set the rate. `aimd`: a 429 came without them;
 * additive increase per success, multiplicative decrease per 429.
 */
type Mode = 'probing' | 'free' | 'headers' | 'aimd';

interface Family {
  mode: Mode;
  bucket: TokenBucket | undefined;
  /** Settles when a probe in flight is answered; `extraAt`: when the last extra probe went. */
  probe: { done: Promise<void>; end: () => void; extraAt: number } | undefined;
  /** Requests let through so far: a ticket's `seq` is its place in that count. */
  sent: number;
  /** Until when a 429 holds the family, and how many holds there were. */
  until: number;
  generation: number;
  /** 429s in a row (the exponent of the backoff when the server names no wait). */
  limited: number;
  /** The per-minute limit the headers last named. */
  limit: number | undefined;
  /** `aimd`: the rate (per ms) and the step a success adds. */
  rate: number;
  step: number;
  /** No decrease for requests sent before the last one: one 429 burst halves the rate once. */
  decreasedAt: number;
  recent: number[];
}

/** One request let through: hand it back to `settle` with the answer. */
export interface Ticket {
  family: string;
  seq: number;
  cost: number;
  sentAt: number;
  probe: boolean;
}

/** What `settle` learns from an answer. */
export interface Answer {
  status: number;
  headers: Headers;
  /** The error body's `type` on a 429 (`requests` for a route's rate limit). */
  errorType?: string | undefined;
  /** The server or the client's quota stop said not to retry (`x-should-retry: false`). */
  final: boolean;
}

/**
 * Keeps a client's request rate just under what the server allows, per route family (the first
 * path segment the API limits: `files`, `vector_stores`, `assistants`, ...), and files attached
 * per minute over all stores.
 *
 * Per family: the first request is a probe and the others wait for its answer (one more goes
 * each PROBE_PATIENCE_MS while none comes). An answer with
 * `x-ratelimit-limit-requests` (per minute) paces the family at TARGET_SHARE of it, with a burst of
 * half a second's share, and its `-remaining-requests` (less what was sent since, plus what the
 * server refilled since) can only slow the bucket. Without headers the family goes at full speed
 * until a 429, then by AIMD. A 429 holds the family for its `retry-after-ms` / `retry-after`, else
 * an exponential backoff with jitter growing with the 429s in a row; requests that had reserved a
 * slot before it queue again behind the hold. Answers marked final (quota) teach nothing.
 *
 * Attaches (cost = files attached) are paced only after the server first answers one with a 429
 * that is not a route's `requests` limit: at the documented 2,000 files/min, held for the 429's
 * wait. So a server without that limit is never waited on.
 */
export class RateGovernor {
  private readonly families = new Map<string, Family>();
  private readonly attach = {
    engaged: false,
    bucket: new TokenBucket(60_000 / (DOCUMENTED_ATTACH_PER_MIN * TARGET_SHARE), DOCUMENTED_ATTACH_PER_MIN),
    until: 0,
    generation: 0,
  };
  private readonly clock: GovernorClock;
  /**
   * Waits for patience with a probe: the probe's own request keeps the process alive, so this
   * timer need not (a run that ends must not wait for it).
   */
  private readonly patience: (ms: number) => Promise<void>;

  constructor(clock: Partial<GovernorClock> = {}) {
    this.clock = {
      now: clock.now ?? Date.now,
      sleep: clock.sleep ?? ((ms) => delay(ms)),
      random: clock.random ?? Math.random,
    };
    this.patience = clock.sleep ?? ((ms) => delay(ms, undefined, { ref: false }));
  }

  /** Resolves when a request of `family` attaching `cost` files (0: not an attach) may go. */
  async acquire(name: string, cost = 0): Promise<Ticket> {
    const family = this.family(name);
    for (;;) {
      const now = this.clock.now();
      if (family.mode === 'probing') {
        const probe = family.probe;
        if (probe) {
          const answered = await Promise.race([
            probe.done.then(() => true),
            this.patience(Math.max(0, probe.extraAt + PROBE_PATIENCE_MS - now)).then(() => false),
          ]);
          // No answer yet after a while: one more request goes, the rest keep waiting.
          const later = this.clock.now();
          if (answered || family.probe !== probe || later < probe.extraAt + PROBE_PATIENCE_MS) continue;
          probe.extraAt = later;
          return this.ticket(name, family, cost, true);
        }
        let end = () => {};
        const done = new Promise<void>((resolve) => {
          end = resolve;
        });
        family.probe = { done, end, extraAt: now };
        if (family.until > now) await this.clock.sleep(family.until - now);
        return this.ticket(name, family, cost, true);
      }
      const generation = family.generation;
      const attachGeneration = this.attach.generation;
      let goAt = Math.max(now, family.until);
      if (family.bucket) goAt = Math.max(goAt, family.bucket.reserve(now));
      const paced = cost > 0 && this.attach.engaged;
      if (paced) goAt = Math.max(goAt, this.attach.until, this.attach.bucket.reserve(now, cost));
      if (goAt > now) await this.clock.sleep(goAt - now);
      // A 429 that came while this caller waited voids its slot: it queues again behind the hold
      // rather than going out into the same limit.
      const after = this.clock.now();
      const voided =
        (family.generation !== generation && after < family.until) ||
        (paced && this.attach.generation !== attachGeneration && after < this.attach.until);
      if (!voided) return this.ticket(name, family, cost, false);
    }
  }

  /** Learns from the answer to a ticket's request; `undefined` when none came (connection error). */
  settle(ticket: Ticket, answer: Answer | undefined): void {
    const family = this.family(ticket.family);
    if (ticket.probe) {
      family.probe?.end();
      family.probe = undefined;
    }
    if (!answer) return;
    const now = this.clock.now();
    const rate = readRateHeaders(answer.headers);
    if (rate) this.follow(family, ticket, rate.limit, rate.remaining, now);
    else if (family.mode === 'probing') family.mode = 'free';
    if (answer.status === 429 && !answer.final)
      this.limitedBy(family, ticket, answer, now, rate !== undefined);
    else if (answer.status < 400) this.succeeded(family);
  }

  private family(name: string): Family {
    let family = this.families.get(name);
    if (!family) {
      family = {
        mode: 'probing',
        bucket: undefined,
        probe: undefined,
        sent: 0,
        until: 0,
        generation: 0,
        limited: 0,
        limit: undefined,
        rate: 0,
        step: 0,
        decreasedAt: -1,
        recent: [],
      };
      this.families.set(name, family);
    }
    return family;
  }

  private ticket(name: string, family: Family, cost: number, probe: boolean): Ticket {
    const sentAt = this.clock.now();
    family.recent.push(sentAt);
    if (family.recent.length > RECENT_SENDS) family.recent.shift();
    return { family: name, seq: family.sent++, cost, sentAt, probe };
  }

  /** Paces at TARGET_SHARE of `limit` per minute; `remaining` (made current) can only slow it. */
  private follow(family: Family, ticket: Ticket, limit: number, remaining: number, now: number): void {
    const interval = 60_000 / (limit * TARGET_SHARE);
    const burst = Math.max(1, Math.floor(limit / 120));
    if (family.mode !== 'headers' || family.limit !== limit) {
      if (family.bucket) family.bucket.reshape(interval, burst);
      else family.bucket = new TokenBucket(interval, burst);
      family.mode = 'headers';
      family.limit = limit;
    }
    // `remaining` was counted when this request arrived: requests sent after it have taken from
    // it since, and the server has refilled at most (now - sentAt) worth.
    const sentSince = family.sent - ticket.seq - 1;
    const refilled = ((now - ticket.sentAt) * limit) / 60_000;
    family.bucket?.atMost(now, remaining - sentSince + refilled);
  }

  private limitedBy(family: Family, ticket: Ticket, answer: Answer, now: number, headers: boolean): void {
    const wait = retryWaitMs(answer.headers, family.limited, this.clock.random, now);
    const attachLimit = ticket.cost > 0 && answer.errorType !== 'requests';
    if (attachLimit) {
      this.attach.engaged = true;
      this.attach.until = Math.max(this.attach.until, now + wait);
      this.attach.generation += 1;
      this.attach.bucket.block(this.attach.until, ticket.cost);
      // A 429 that says what it is (a type other than `requests`) is the attach limit alone.
      if (answer.errorType !== undefined) return;
    }
    family.limited += 1;
    if (!headers && family.mode !== 'headers') this.decrease(family, ticket);
    family.until = Math.max(family.until, now + wait);
    family.generation += 1;
    family.bucket?.block(family.until);
  }

  /** AIMD's decrease: half the rate (the measured one, the first time); once per burst of 429s. */
  private decrease(family: Family, ticket: Ticket): void {
    if (ticket.seq < family.decreasedAt) return;
    const current = family.mode === 'aimd' ? family.rate : measuredRate(family.recent);
    family.rate = Math.max(AIMD_MIN_PER_MS, current / 2);
    family.step = Math.max(AIMD_MIN_STEP_PER_MS, family.rate * AIMD_STEP_SHARE);
    family.decreasedAt = family.sent;
    family.mode = 'aimd';
    if (family.bucket) family.bucket.reshape(1 / family.rate, 1);
    else family.bucket = new TokenBucket(1 / family.rate, 1);
  }

  private succeeded(family: Family): void {
    family.limited = 0;
    if (family.mode !== 'aimd') return;
    family.rate += family.step;
    family.bucket?.reshape(1 / family.rate, 1);
  }
}

/** Requests per millisecond over the remembered sends; one a second when they do not tell. */
function measuredRate(sends: readonly number[]): number {
  const first = sends[0];
  const last = sends.at(-1);
  if (first === undefined || last === undefined || last <= first) return 1 / 1000;
  return (sends.length - 1) / (last - first);
}
