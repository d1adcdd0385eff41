import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError, invalidUrl } from './api-error.js';
import { handleControl } from './control.js';
import type { EmulatorCore } from './core.js';
import { readJsonObject, sendError, sendJson } from './http-io.js';
import type { EmulatorConfig } from './knobs.js';
import { attachCount, formatDuration, isAttachRoute, RateLimiter } from './rate-limiter.js';
import {
  checkIdPrefixes,
  familyOf,
  type Reply,
  type RouteFamily,
  type RouteMatch,
  Router,
} from './router.js';
import { allRoutes } from './routes/index.js';
import { pollAfterMs } from './status-rules.js';

type Fault = 'none' | '500' | '503' | 'drop';

/** The knob that limits each family on its own (null: `rate_limit_per_min`). */
const FAMILY_KNOBS: Readonly<Record<RouteFamily, keyof EmulatorConfig>> = {
  files: 'rate_limit_files_per_min',
  vector_stores: 'rate_limit_vector_stores_per_min',
  assistants: 'rate_limit_assistants_per_min',
  // No knob of its own: /responses is limited by rate_limit_per_min, in a bucket of its own.
  responses: 'rate_limit_per_min',
  // Nor has /skills: rate_limit_per_min, in a bucket of its own.
  skills: 'rate_limit_per_min',
};

/** Where the pipeline reports: one line per `/v1` request, and the emulator's own failures. */
export interface PipelineLogs {
  log?: (line: string) => void;
  warn?: (line: string) => void;
}

/**
 * What every request goes through. Each `/v1` request passes, in order: latency, auth, the rate
 * limit of its family (whose `x-ratelimit-*` headers every answer then carries, errors included),
 * the sunset switch, routing, the beta header, the org-wide attach limit, fault injection, then its
 * handler. Every failure is an `ApiError` rendered in the API's envelope.
 */
export class RequestPipeline {
  private readonly router = new Router(allRoutes());
  private readonly limiter = new RateLimiter();

  constructor(
    private readonly core: EmulatorCore,
    private readonly apiKey: string | undefined,
    private readonly logs: PipelineLogs,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://emulator.invalid');
    } catch {
      sendError(res, invalidUrl(req.method ?? 'GET', req.url ?? ''));
      return;
    }
    if (url.pathname.startsWith('/_emulator/')) {
      try {
        sendJson(res, 200, await handleControl(this.core, req, url.pathname, () => this.limiter.reset()));
      } catch (err) {
        sendError(res, asApiError(err));
      }
      return;
    }
    const exchange = new Exchange(this.core, this.router, this.logs, req, url);
    try {
      const match = await this.admit(exchange);
      const reply = await match.route.handle({
        core: this.core,
        params: match.params,
        query: url.searchParams,
        req,
        json: exchange.json,
      });
      if (exchange.method !== 'GET') this.core.changed();
      this.answer(exchange, res, reply);
    } catch (err) {
      this.fail(exchange, res, err);
    }
  }

  /**
   * The gates before a handler, in order; returns its route. The fault picked is kept on the
   * exchange before the checks after it, so that a dropped answer stays dropped when they throw.
   */
  private async admit(exchange: Exchange): Promise<RouteMatch> {
    const { core } = this;
    const { req, method, path, match, url } = exchange;
    if (core.config.latency_ms > 0) await sleep(core.config.latency_ms);
    checkAuth(req, this.apiKey);
    const family = path === undefined ? undefined : familyOf(path);
    exchange.family = family;
    if (family !== undefined) this.rateLimit(family, exchange.headers);
    if (family === 'assistants' && core.config.assistants === 'sunset')
      throw invalidUrl(method, url.pathname);
    if (!match || path === undefined) throw invalidUrl(method, url.pathname);
    if (family === 'assistants') checkBeta(req);
    await this.attachLimit(match, exchange.json);
    exchange.fault = this.pickFault();
    if (exchange.fault === '500') throw serverError(500);
    if (exchange.fault === '503') throw serverError(503);
    checkIdPrefixes(match.params);
    core.sweep();
    return match;
  }

  /** Sends a handler's reply, unless the fault drops it or the client left. */
  private answer(exchange: Exchange, res: ServerResponse, reply: Reply): void {
    const { req, headers } = exchange;
    if (exchange.fault === 'drop') {
      // The request was carried out but its answer is lost: the case that makes clients retry
      // a create that already happened.
      req.socket.destroy();
      exchange.finish('dropped');
      return;
    }
    if (req.socket.destroyed) {
      if ('stream' in reply) reply.stream.destroy();
      exchange.clientClosed();
      return;
    }
    if (exchange.family === 'vector_stores')
      headers['openai-poll-after-ms'] = String(pollAfterMs(this.core.config.index_delay_ms));
    const status = reply.status ?? 200;
    if ('stream' in reply) {
      res.writeHead(status, {
        ...headers,
        'content-type': reply.contentType,
        ...(reply.length !== undefined ? { 'content-length': String(reply.length) } : {}),
      });
      // A client that leaves mid-download ends the stream (and closes the file); nothing to report.
      pipeline(reply.stream, res).catch(() => {});
    } else {
      sendJson(res, status, reply.body, headers);
    }
    exchange.finish(status);
  }

  /** A failure in the API's envelope, unless the client left or the fault drops the answer. */
  private fail(exchange: Exchange, res: ServerResponse, err: unknown): void {
    const { req, fault } = exchange;
    if (req.socket.destroyed && fault !== 'drop') {
      exchange.clientClosed();
      return;
    }
    const error = asApiError(err, this.logs.warn);
    if (fault === 'drop' && error.status < 500) {
      req.socket.destroy();
      exchange.finish('dropped');
      return;
    }
    sendError(res, error, exchange.headers);
    exchange.finish(error.status);
  }

  private rateLimit(family: RouteFamily, headers: Record<string, string>): void {
    const { core } = this;
    const own = core.config[FAMILY_KNOBS[family]] as number | null;
    const decision = this.limiter.take(family, own ?? core.config.rate_limit_per_min, Date.now());
    if (!decision) return;
    headers['x-ratelimit-limit-requests'] = String(decision.limit);
    headers['x-ratelimit-remaining-requests'] = String(decision.remaining);
    headers['x-ratelimit-reset-requests'] = formatDuration(decision.resetMs);
    if (decision.allowed) return;
    throw rateLimited(
      `Rate limit reached for requests on ${family} per min (RPM): Limit ${decision.limit}. Please try again in ${formatDuration(decision.retryAfterMs)}.`,
      'requests',
      decision.retryAfterMs,
    );
  }

  /**
   * The org-wide limit on files attached per minute: its bucket holds a minute's worth, and a
   * request attaching N files takes N (a body that cannot be read counts 0; its handler says why).
   */
  private async attachLimit(match: RouteMatch, json: () => Promise<Record<string, unknown>>): Promise<void> {
    const perMinute = this.core.config.attach_files_per_min;
    if (perMinute <= 0 || !isAttachRoute(match.route.method, match.route.template)) return;
    const body = await json().catch(() => ({}));
    const files = attachCount(match.route.method, match.route.template, body);
    if (files === 0) return;
    const decision = this.limiter.take('attach', perMinute, Date.now(), files, perMinute);
    if (!decision || decision.allowed) return;
    throw rateLimited(
      `Rate limit reached for files attached to vector stores per min (organization): Limit ${perMinute}, Requested ${files}. Please try again in ${formatDuration(decision.retryAfterMs)}.`,
      'files',
      decision.retryAfterMs,
    );
  }

  private pickFault(): Fault {
    const { core } = this;
    if (core.config.fault_rate <= 0) return 'none';
    if (core.faultRandom.next() >= core.config.fault_rate) return 'none';
    return (['500', '503', 'drop'] as const)[core.faultRandom.below(3)] ?? '500';
  }
}

/** One `/v1` request: its route, the headers every answer carries, its counts and its log line. */
class Exchange {
  readonly started = Date.now();
  readonly method: string;
  /** The path below `/v1`, or undefined for one outside it. */
  readonly path: string | undefined;
  readonly match: RouteMatch | undefined;
  family: RouteFamily | undefined;
  /** The fault injected into this request (see pickFault). */
  fault: Fault = 'none';
  readonly headers: Record<string, string> = {
    'x-request-id': `req_${randomBytes(16).toString('hex')}`,
    'openai-version': '2020-10-01',
  };
  private body: Promise<Record<string, unknown>> | undefined;

  constructor(
    private readonly core: EmulatorCore,
    router: Router,
    private readonly logs: PipelineLogs,
    readonly req: IncomingMessage,
    readonly url: URL,
  ) {
    this.method = req.method ?? 'GET';
    this.path = url.pathname.startsWith('/v1/') ? url.pathname.slice(3) : undefined;
    this.match = this.path === undefined ? undefined : router.match(this.method, this.path);
    const key = this.match?.key ?? `${this.method} (unmatched)`;
    core.stats.total += 1;
    core.stats.requests[key] = (core.stats.requests[key] ?? 0) + 1;
  }

  /** The body, read once: the attach limit counts the files of a body its handler then reads. */
  readonly json = (): Promise<Record<string, unknown>> => {
    this.body ??= readJsonObject(this.req);
    return this.body;
  };

  finish(status: number | 'dropped'): void {
    this.count(String(status));
    this.logs.log?.(`${this.method} ${this.url.pathname} ${status} ${Date.now() - this.started}ms`);
  }

  /**
   * The caller went away (closed the connection mid-body, or before its answer): not a failure of
   * the emulator, and nothing can be sent, so it is one plain line (in place of the request line)
   * and a count of its own.
   */
  clientClosed(): void {
    this.count('client_closed');
    this.logs.warn?.(`${this.method} ${this.url.pathname} client closed the connection`);
  }

  private count(label: string): void {
    this.core.stats.statuses[label] = (this.core.stats.statuses[label] ?? 0) + 1;
  }
}

/** A 429 `rate_limit_exceeded` of `type` that asks for a wait of `waitMs`. */
function rateLimited(message: string, type: string, waitMs: number): ApiError {
  return new ApiError(429, message, {
    type,
    code: 'rate_limit_exceeded',
    headers: {
      'retry-after-ms': String(waitMs),
      'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))),
    },
  });
}

function serverError(status: 500 | 503): ApiError {
  const message =
    status === 500
      ? 'The server had an error while processing your request. Sorry about that!'
      : 'The server is overloaded or not ready yet.';
  return new ApiError(status, message, { type: 'server_error' });
}

function asApiError(err: unknown, log?: (line: string) => void): ApiError {
  if (err instanceof ApiError) return err;
  log?.(`internal error: ${(err as Error)?.stack ?? String(err)}`);
  return new ApiError(500, 'The emulator failed to handle this request; this is a defect of the emulator.', {
    type: 'server_error',
  });
}

/** 401 as the API words it; the key itself is never echoed back or logged. */
function checkAuth(req: IncomingMessage, expected: string | undefined): void {
  const header = req.headers.authorization;
  const match = header === undefined ? null : /^Bearer (\S+)$/.exec(header);
  if (!match) {
    throw new ApiError(
      401,
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
    );
  }
  if (expected !== undefined && match[1] !== expected) {
    throw new ApiError(401, 'Incorrect API key provided.', { code: 'invalid_api_key' });
  }
}

/** The Assistants API answers only clients that opt into v2, as the live API did. */
function checkBeta(req: IncomingMessage): void {
  const beta = String(req.headers['openai-beta'] ?? '');
  if (!/\bassistants=v2\b/.test(beta)) {
    throw new ApiError(
      400,
      "You must provide the 'OpenAI-Beta' header to access the Assistants API. Please try again by setting the header 'OpenAI-Beta: assistants=v2'.",
      { code: 'invalid_beta' },
    );
  }
}
