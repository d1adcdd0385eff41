// The emulator `npm run bench` measures against: one process for the whole run, started from this
// checkout's CLI, reset (objects, stats, rate buckets) and configured before each scenario.
import { spawn } from 'node:child_process';

/** Starts `assistants emulator` on a free loopback port; resolves once it listens. */
export async function startEmulator(bin) {
  const child = spawn(process.execPath, [bin, 'emulator', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.on('close', (code) => reject(new Error(`the emulator exited ${code}`)));
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const found = /listening on (\S+)/.exec(out);
      if (found) resolve(found[1]);
    });
  });
  return { process: child, url, origin: url.replace(/\/v1$/, '') };
}

async function control(emulator, path, body) {
  const response = await fetch(`${emulator.origin}/_emulator/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`emulator ${path}: ${response.status} ${await response.text()}`);
}

/**
 * A fresh emulator for one scenario: no objects, zeroed stats, full rate buckets, and these
 * settings (`{ latencyMs, indexDelayMs, indexDelayPerMbMs, rateLimitPerMin }`; the limit 0 or
 * missing: none). Every setting is sent each time, so nothing carries over from the last scenario.
 */
export async function freshEmulator(emulator, settings) {
  await control(emulator, 'config', {
    latency_ms: settings.latencyMs,
    index_delay_ms: settings.indexDelayMs,
    index_delay_per_mb_ms: settings.indexDelayPerMbMs,
    rate_limit_per_min: settings.rateLimitPerMin ?? 0,
  });
  await control(emulator, 'reset', {});
}
