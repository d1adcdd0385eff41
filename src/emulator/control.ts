import type { IncomingMessage } from 'node:http';
import { ApiError, invalidUrl } from './api-error.js';
import { MAX_OFFSET_SECONDS } from './clock.js';
import type { EmulatorCore } from './core.js';
import { readJsonObject } from './http-io.js';
import { parseConfigPatch } from './knobs.js';

/**
 * The control API outside `/v1` (DESIGN §7, fixed): stats, knobs, clock and reset. It needs no
 * key, so it refuses what a web page could send (see `checkControlRequest`); the emulator listens
 * on loopback by default.
 */
export async function handleControl(
  core: EmulatorCore,
  req: IncomingMessage,
  path: string,
  onReset: () => void,
): Promise<unknown> {
  checkControlRequest(req);
  const route = `${req.method} ${path}`;
  switch (route) {
    case 'GET /_emulator/stats':
      return { ...core.stats, max_rss_bytes: process.resourceUsage().maxRSS * 1024 };
    case 'GET /_emulator/config':
      return configView(core);
    case 'POST /_emulator/config': {
      const parsed = parseConfigPatch(await readJsonObject(req));
      if (!parsed.ok) throw new ApiError(400, parsed.message, { param: parsed.knob, code: 'invalid_value' });
      core.configure(parsed.value);
      return configView(core);
    }
    case 'POST /_emulator/clock': {
      const body = await readJsonObject(req);
      const seconds = body.advance_seconds;
      const unknown = Object.keys(body).find((key) => key !== 'advance_seconds');
      if (unknown)
        throw new ApiError(400, `Unknown parameter: '${unknown}'.`, {
          param: unknown,
          code: 'unknown_parameter',
        });
      if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
        throw new ApiError(400, "'advance_seconds' must be a number >= 0 (time only moves forward).", {
          param: 'advance_seconds',
          code: 'invalid_value',
        });
      }
      // Dates must stay valid: 1e308 seconds made every later `created_at` null until a reset.
      if (seconds > core.clock.roomSeconds) {
        throw new ApiError(
          400,
          `'advance_seconds' would move the clock more than ${MAX_OFFSET_SECONDS} seconds (100 years) ` +
            `ahead in total; it can move ${core.clock.roomSeconds} seconds more.`,
          { param: 'advance_seconds', code: 'invalid_value' },
        );
      }
      core.clock.advance(seconds);
      core.changed();
      return { now: core.clock.nowSeconds(), offset_seconds: core.clock.offsetSeconds };
    }
    case 'POST /_emulator/reset':
      await core.reset();
      onReset();
      return { reset: true };
    default:
      throw invalidUrl(req.method ?? 'GET', path);
  }
}

function configView(core: EmulatorCore) {
  return { ...core.config, effective_seed: core.seed };
}

/**
 * A web page the user visits can make the browser send requests to 127.0.0.1. Browsers mark those:
 * an `Origin` header on every cross-origin request and on every POST, and `Sec-Fetch-Site`. So a
 * control request is refused (403) when it carries an `Origin` that is not a loopback origin, or
 * `Sec-Fetch-Site: cross-site`; and a POST must be `application/json` (415 otherwise), a type no
 * page can send cross-origin without a CORS preflight, which the emulator never grants. Clients
 * that are not browsers (the tests, curl, scripts) send no `Origin` and are not affected beyond
 * the content type.
 */
export function checkControlRequest(req: IncomingMessage): void {
  const origin = req.headers.origin;
  if (origin !== undefined && !isLoopbackOrigin(origin)) {
    throw new ApiError(
      403,
      `The control API answers only loopback origins; this request came from '${origin}'.`,
      { code: 'forbidden_origin' },
    );
  }
  if (String(req.headers['sec-fetch-site'] ?? '').toLowerCase() === 'cross-site') {
    throw new ApiError(403, 'The control API refuses cross-site requests (Sec-Fetch-Site: cross-site).', {
      code: 'forbidden_origin',
    });
  }
  if (req.method === 'POST') {
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') {
      throw new ApiError(
        415,
        `The control API takes only JSON: send 'Content-Type: application/json' (got ${type ? `'${type}'` : 'none'}).`,
        { code: 'unsupported_media_type' },
      );
    }
  }
}

/** `http(s)://localhost`, `127.x.x.x` or `[::1]`, any port; `null` and anything else is not. */
export function isLoopbackOrigin(origin: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const host = url.hostname;
  return host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}
