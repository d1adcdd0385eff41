import type { IncomingMessage } from 'node:http';
import { ApiError, invalidUrl } from './api-error.js';
import type { EmulatorCore } from './core.js';
import { readJsonObject } from './http-io.js';
import { parseConfigPatch } from './knobs.js';

/**
 * The control API outside `/v1` (DESIGN §7, fixed): stats, knobs, clock and reset. It needs no
 * key; the emulator listens on loopback by default.
 */
export async function handleControl(
  core: EmulatorCore,
  req: IncomingMessage,
  path: string,
  onReset: () => void,
): Promise<unknown> {
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
