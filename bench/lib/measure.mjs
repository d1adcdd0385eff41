// Runs one command as its own process and measures it: wall time, exit code, peak RSS and bytes
// read (from bench/lib/usage-preload.mjs), and the requests the emulator received meanwhile, by
// route (the difference of two readings of /_emulator/stats).
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PRELOAD = fileURLToPath(new URL('./usage-preload.mjs', import.meta.url));

/** The emulator's request counts: `{ total, requests: { 'POST /v1/files': n, ... } }`. */
export async function readStats(origin) {
  const response = await fetch(`${origin}/_emulator/stats`);
  return response.json();
}

/**
 * `node SCRIPT ...args` in `cwd`, measured. The environment holds PATH, a key for the emulator and
 * CI=true (plain progress lines), nothing else of the host's.
 */
export async function measure({ script, args, cwd, origin }) {
  const scratch = await mkdtemp(join(tmpdir(), 'bench-usage-'));
  const usageFile = join(scratch, 'usage.json');
  const before = await readStats(origin);
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, ['--import', PRELOAD, script, ...args], {
    cwd,
    env: {
      PATH: process.env.PATH,
      OPENAI_API_KEY: 'sk-bench',
      CI: 'true',
      NO_COLOR: '1',
      BENCH_USAGE_FILE: usageFile,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const code = await new Promise((resolve) => child.on('close', (exitCode) => resolve(exitCode)));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const after = await readStats(origin);
  let usage = { maxRssBytes: null, readBytes: null };
  try {
    usage = JSON.parse(await readFile(usageFile, 'utf8'));
  } catch {
    // The process died before its exit handler ran.
  }
  await rm(scratch, { recursive: true, force: true });
  const routes = {};
  for (const [route, n] of Object.entries(after.requests)) {
    const delta = n - (before.requests[route] ?? 0);
    if (delta > 0) routes[route] = delta;
  }
  return {
    code,
    seconds,
    requests: after.total - before.total,
    routes,
    peakRssMb: usage.maxRssBytes === null ? null : usage.maxRssBytes / 1e6,
    readMb: usage.readBytes === null ? null : usage.readBytes / 1e6,
    output,
  };
}
