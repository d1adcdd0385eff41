// Runs one command as its own process and measures it: wall time, exit code, peak RSS and bytes
// read (from bench/lib/usage-preload.mjs), and the requests the emulator received meanwhile, by
// route and by status (the difference of two readings of /_emulator/stats).
import { spawn } from 'node:child_process';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PRELOAD = fileURLToPath(new URL('./usage-preload.mjs', import.meta.url));
const PTY_DRIVER = fileURLToPath(new URL('../../test/helpers/pty-driver.py', import.meta.url));

/** The emulator's counts: `{ total, requests: { 'POST /v1/files': n, ... }, statuses: { '429': n, ... } }`. */
export async function readStats(origin) {
  const response = await fetch(`${origin}/_emulator/stats`);
  return response.json();
}

/** The counts that grew between two readings, keys with no growth left out. */
function grown(before = {}, after = {}) {
  const out = {};
  for (const [key, n] of Object.entries(after)) {
    const delta = n - (before[key] ?? 0);
    if (delta > 0) out[key] = delta;
  }
  return out;
}

/**
 * `node SCRIPT ...args` in `cwd`, measured. The environment holds PATH, a key for the emulator and
 * the BENCH_USAGE_FILE of the preload, plus `env` (default: CI=true and NO_COLOR=1, for plain
 * progress lines), nothing else of the host's.
 *
 * `via`: where the output goes. `pipe` (default) collects it; `file` redirects stdout and stderr
 * to a file, as `cmd > log 2>&1` does; `pty` runs the command on a pseudo-terminal of 40 × 120
 * (test/helpers/pty-driver.py), as a person at a terminal runs it. `code` is the exit code, or
 * 'timeout' when `timeoutMs` passed first (the process is then killed), or a signal's name.
 */
export async function measure({ script, args, cwd, origin, env, via = 'pipe', timeoutMs }) {
  const scratch = await mkdtemp(join(tmpdir(), 'bench-usage-'));
  const usageFile = join(scratch, 'usage.json');
  const logFile = join(scratch, 'output.log');
  const fullEnv = {
    PATH: process.env.PATH,
    OPENAI_API_KEY: 'sk-bench',
    BENCH_USAGE_FILE: usageFile,
    ...(env ?? { CI: 'true', NO_COLOR: '1' }),
  };
  const nodeArgs = ['--import', PRELOAD, script, ...args];
  const log = via === 'file' ? await open(logFile, 'w') : undefined;
  const before = await readStats(origin);
  const started = process.hrtime.bigint();
  const child =
    via === 'pty'
      ? spawn('python3', [PTY_DRIVER, process.execPath, ...nodeArgs], { cwd, env: fullEnv, stdio: 'pipe' })
      : spawn(process.execPath, nodeArgs, {
          cwd,
          env: fullEnv,
          stdio: via === 'file' ? ['ignore', log.fd, log.fd] : ['ignore', 'pipe', 'pipe'],
        });
  let output = '';
  let report = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  // On a pty the command's stderr is the terminal too; the driver's own stderr is its report.
  child.stderr?.on('data', (chunk) => {
    if (via === 'pty') report += chunk;
    else output += chunk;
  });
  let timedOut = false;
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          // The pty driver ends its command on SIGTERM; killed outright, it would leave it running.
          child.kill(via === 'pty' ? 'SIGTERM' : 'SIGKILL');
        }, timeoutMs);
  const [exitCode, signal] = await new Promise((resolve) => child.on('close', (c, s) => resolve([c, s])));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearTimeout(timer);
  child.stdin?.end();
  let code = exitCode ?? signal;
  if (via === 'pty' && !timedOut) {
    try {
      const status = JSON.parse(report.trim().split('\n').at(-1));
      code = status.code ?? status.signal;
    } catch {
      code = `pty driver: ${report.trim().slice(-200) || exitCode}`;
    }
  }
  if (timedOut) code = 'timeout';
  if (log) {
    await log.close();
    output = await readFile(logFile, 'utf8');
  }
  const after = await readStats(origin);
  let usage = { maxRssBytes: null, readBytes: null };
  try {
    usage = JSON.parse(await readFile(usageFile, 'utf8'));
  } catch {
    // The process died before its exit handler ran.
  }
  await rm(scratch, { recursive: true, force: true });
  return {
    code,
    seconds,
    requests: after.total - before.total,
    routes: grown(before.requests, after.requests),
    statuses: grown(before.statuses, after.statuses),
    peakRssMb: usage.maxRssBytes === null ? null : usage.maxRssBytes / 1e6,
    readMb: usage.readBytes === null ? null : usage.readBytes / 1e6,
    outputBytes: Buffer.byteLength(output),
    output,
  };
}

/** `node ARGS` in `cwd` with only PATH set, unmeasured but for its wall time in seconds. */
export async function timeNode(args, cwd) {
  const started = process.hrtime.bigint();
  const code = await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env: { PATH: process.env.PATH }, stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', resolve);
  });
  return { code, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}
