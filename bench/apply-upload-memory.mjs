#!/usr/bin/env node
// Measures the CLI's peak memory while `assistants apply` uploads one large file (default 300 MiB).
// The stack is one file, `files: { big: { path: big.txt } }`, where big.txt is a sparse file; the
// emulator runs as its own process (the built CLI), and so does apply, whose peak resident set
// (VmHWM in /proc/PID/status, the figure `/usr/bin/time -v` reports as "Maximum resident set
// size") is sampled until it exits. Goal: under 200 MB, i.e. the file is streamed, never held.
// Prints the figures as JSON; exits 1 when the goal is missed. Linux only (/proc).
// Usage: npm run build && node bench/apply-upload-memory.mjs [MiB]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const GOAL_BYTES = 200 * 1000 * 1000;
const mib = Number(process.argv[2] ?? 300);
const bin = fileURLToPath(new URL('../bin/assistants.js', import.meta.url));
const dir = await mkdtemp(join(tmpdir(), 'apply-upload-memory-'));
const handle = await open(join(dir, 'big.txt'), 'w');
await handle.truncate(mib * 1024 * 1024);
await handle.close();
await writeFile(
  join(dir, 'assistants.yaml'),
  'version: 1\nstack: memory\nfiles:\n  big:\n    path: big.txt\n',
);

/** Peak resident set of a live process, in bytes (undefined once it is gone). */
function peakRss(pid) {
  try {
    const kb = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

const emulator = spawn(process.execPath, [bin, 'emulator', '--port', '0'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise((resolve) => {
  let out = '';
  emulator.stdout.on('data', (chunk) => {
    out += chunk;
    const found = /listening on (\S+)/.exec(out);
    if (found) resolve(found[1]);
  });
});
const stats = async () => (await fetch(url.replace('/v1', '/_emulator/stats'))).json();

try {
  const started = Date.now();
  const apply = spawn(
    process.execPath,
    [bin, 'apply', '--state', join(dir, 'state.json'), '--base-url', url, '--auto-approve'],
    {
      cwd: dir,
      env: { PATH: process.env.PATH, OPENAI_API_KEY: 'sk-bench', CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  apply.stdout.on('data', (chunk) => {
    output += chunk;
  });
  apply.stderr.on('data', (chunk) => {
    output += chunk;
  });
  // VmHWM only grows: the last reading before the exit is the peak (sampled every 10 ms).
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, peakRss(apply.pid) ?? 0);
  }, 10);
  const code = await new Promise((resolve) => apply.on('exit', resolve));
  clearInterval(sampler);
  const seconds = (Date.now() - started) / 1000;
  const emulatorStats = await stats();
  const result = {
    upload_mib: mib,
    exit_code: code,
    seconds,
    uploads: emulatorStats.requests['POST /v1/files'] ?? 0,
    apply_peak_rss_mb: Math.round(peak / 1e6),
    apply_peak_rss_mib: Math.round(peak / 1048576),
    goal_mb: GOAL_BYTES / 1e6,
    emulator_peak_rss_mib: Math.round(emulatorStats.max_rss_bytes / 1048576),
  };
  console.log(JSON.stringify(result, null, 2));
  if (code !== 0) {
    console.error(output);
    process.exitCode = 1;
  } else if (peak >= GOAL_BYTES) {
    console.error(`apply peaked at ${result.apply_peak_rss_mb} MB, over the goal of ${result.goal_mb} MB`);
    process.exitCode = 1;
  }
} finally {
  emulator.kill('SIGTERM');
  await rm(dir, { recursive: true, force: true });
}
