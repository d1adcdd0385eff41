import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError, invalidUrl } from './api-error.js';
import { BlobStore } from './blob-store.js';
import { handleControl } from './control.js';
import { EmulatorCore } from './core.js';
import { readJsonObject, sendError, sendJson } from './http-io.js';
import type { EmulatorConfig } from './knobs.js';
import { Persistence } from './persistence.js';
import { attachCount, formatDuration, isAttachRoute, RateLimiter } from './rate-limiter.js';
import { checkIdPrefixes, familyOf, type RouteFamily, type RouteMatch, Router } from './router.js';
import { allRoutes } from './routes/index.js';
import { pollAfterMs } from './status-rules.js';

export interface EmulatorOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** When set, only this key is accepted; otherwise any non-empty bearer key is. */
  apiKey?: string;
  /** Keep objects and file contents here across restarts. */
  dataDir?: string;
  config?: Partial<EmulatorConfig>;
  /** Receives one line per `/v1` request (method, path, status, time); never the key. */
  log?: (line: string) => void;
  /** Receives the emulator's own failures (a defect, a failed save); never the key. */
  warn?: (line: string) => void;
}

export interface RunningEmulator {
  /** The base URL for the SDK and the CLI: `http://HOST:PORT/v1`. */
  url: string;
  port: number;
  core: EmulatorCore;
  close(): Promise<void>;
}

type Fault = 'none' | '500' | '503' | 'drop';

/** The knob that limits each family on its own (null: `rate_limit_per_min`). */
const FAMILY_KNOBS: Readonly<Record<RouteFamily, keyof EmulatorConfig>> = {
  files: 'rate_limit_files_per_min',
  vector_stores: 'rate_limit_vector_stores_per_min',
  assistants: 'rate_limit_assistants_per_min',
};

/**
 * Starts the emulator. Each `/v1` request goes through, in order: latency, auth, the rate limit
 * of its family (whose `x-ratelimit-*` headers every answer then carries, errors included), the
 * sunset switch, routing, the beta header, the org-wide attach limit, fault injection, then its
 * handler. Every failure is an `ApiError` rendered in the API's envelope.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const blobs = await BlobStore.open(options.dataDir);
  const core = new EmulatorCore(blobs);
  if (options.config) core.configure(options.config);
  const persistence = options.dataDir
    ? new Persistence(options.dataDir, core, (err) =>
        options.warn?.(`could not save --data: ${(err as Error).message}`),
      )
    : undefined;
  if (persistence) {
    persistence.load();
    core.onChange = () => persistence.scheduleSave();
  }
  const router = new Router(allRoutes());
  const limiter = new RateLimiter();

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      // Only reached if writing the response itself failed (client gone): nothing left to tell.
      options.warn?.(`internal error: ${(err as Error).message}`);
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://emulator.invalid');
    } catch {
      sendError(res, invalidUrl(req.method ?? 'GET', req.url ?? ''));
      return;
    }
    if (url.pathname.startsWith('/_emulator/')) {
      try {
        sendJson(res, 200, await handleControl(core, req, url.pathname, () => limiter.reset()));
      } catch (err) {
        sendError(res, asApiError(err));
      }
      return;
    }
    const started = Date.now();
    const method = req.method ?? 'GET';
    const path = url.pathname.startsWith('/v1/') ? url.pathname.slice(3) : undefined;
    const match = path === undefined ? undefined : router.match(method, path);
    const key = match?.key ?? `${method} (unmatched)`;
    core.stats.total += 1;
    core.stats.requests[key] = (core.stats.requests[key] ?? 0) + 1;
    const headers: Record<string, string> = {
      'x-request-id': `req_${randomBytes(16).toString('hex')}`,
      'openai-version': '2020-10-01',
    };
    const count = (label: string) => {
      core.stats.statuses[label] = (core.stats.statuses[label] ?? 0) + 1;
    };
    const finish = (status: number | 'dropped') => {
      count(String(status));
      options.log?.(`${method} ${url.pathname} ${status} ${Date.now() - started}ms`);
    };
    // The caller went away (closed the connection mid-body, or before its answer): not a failure
    // of the emulator, and nothing can be sent, so it is one plain line (in place of the request
    // line) and a count of its own.
    const clientClosed = () => {
      count('client_closed');
      options.warn?.(`${method} ${url.pathname} client closed the connection`);
    };

    // Read once: the attach limit counts the files of a body its handler then reads.
    let body: Promise<Record<string, unknown>> | undefined;
    const json = () => {
      body ??= readJsonObject(req);
      return body;
    };
    let fault: Fault = 'none';
    try {
      if (core.config.latency_ms > 0) await sleep(core.config.latency_ms);
      checkAuth(req, options.apiKey);
      const family = path === undefined ? undefined : familyOf(path);
      if (family !== undefined) rateLimit(family, headers);
      if (family === 'assistants' && core.config.assistants === 'sunset')
        throw invalidUrl(method, url.pathname);
      if (!match || path === undefined) throw invalidUrl(method, url.pathname);
      if (family === 'assistants') checkBeta(req);
      await attachLimit(match, json);
      fault = pickFault();
      if (fault === '500') throw serverError(500);
      if (fault === '503') throw serverError(503);
      checkIdPrefixes(match.params);
      core.sweep();
      const reply = await match.route.handle({
        core,
        params: match.params,
        query: url.searchParams,
        req,
        json,
      });
      if (method !== 'GET') core.changed();
      if (fault === 'drop') {
        // The request was carried out but its answer is lost: the case that makes clients retry
        // a create that already happened.
        req.socket.destroy();
        finish('dropped');
        return;
      }
      if (req.socket.destroyed) {
        if ('stream' in reply) reply.stream.destroy();
        clientClosed();
        return;
      }
      if (family === 'vector_stores')
        headers['openai-poll-after-ms'] = String(pollAfterMs(core.config.index_delay_ms));
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
      finish(status);
    } catch (err) {
      if (req.socket.destroyed && fault !== 'drop') {
        clientClosed();
        return;
      }
      const error = asApiError(err, options.warn);
      if (fault === 'drop' && error.status < 500) {
        req.socket.destroy();
        finish('dropped');
        return;
      }
      sendError(res, error, headers);
      finish(error.status);
    }
  }

  function rateLimit(family: RouteFamily, headers: Record<string, string>): void {
    const own = core.config[FAMILY_KNOBS[family]] as number | null;
    const decision = limiter.take(family, own ?? core.config.rate_limit_per_min, Date.now());
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
  async function attachLimit(match: RouteMatch, json: () => Promise<Record<string, unknown>>): Promise<void> {
    const perMinute = core.config.attach_files_per_min;
    if (perMinute <= 0 || !isAttachRoute(match.route.method, match.route.template)) return;
    const body = await json().catch(() => ({}));
    const files = attachCount(match.route.method, match.route.template, body);
    if (files === 0) return;
    const decision = limiter.take('attach', perMinute, Date.now(), files, perMinute);
    if (!decision || decision.allowed) return;
    throw rateLimited(
      `Rate limit reached for files attached to vector stores per min (organization): Limit ${perMinute}, Requested ${files}. Please try again in ${formatDuration(decision.retryAfterMs)}.`,
      'files',
      decision.retryAfterMs,
    );
  }

  function pickFault(): Fault {
    if (core.config.fault_rate <= 0) return 'none';
    if (core.faultRandom.next() >= core.config.fault_rate) return 'none';
    return (['500', '503', 'drop'] as const)[core.faultRandom.below(3)] ?? '500';
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  let closed = false;
  return {
    url: `http://${host}:${address.port}/v1`,
    port: address.port,
    core,
    async close() {
      if (closed) return;
      closed = true;
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await done;
      persistence?.save();
      blobs.close();
    },
  };
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
