#!/usr/bin/env node
// `npm run bench [-- --size NAMES] [--scale X] [--out PATH]`: assistants-iac against the best
// plain-SDK script (bench/baseline-sdk.mjs), in the same run, on the same emulator, with goals.
//
// Sizes (comma-separated; groups: classic = S,M,L; scale = RL600,RL200,XL,TTY,START; RL =
// RL600,RL200; all = every size):
//   S, M, L   stacks of 100 / 1,000 (+ one 200 MB file) / 5,000 files: six scenarios per tool
//             (validate, first apply, no-op plan, plan after touching a file, apply after changing
//             10, destroy), each a process, measured for wall time, requests by route (the
//             emulator's stats), peak RSS and bytes read (bench/lib/stack-scenarios.mjs).
//   XL        20,000 files in 40 stores: first apply, no-op plan, destroy, both tools.
//   RL600     first apply of 600 files / 3 stores at 300 requests/min per route family, then a
//             plan; RL200: 200 files at 120/min (bench/lib/rate-limited.mjs).
//   TTY       a 300-file apply of ours on a pseudo-terminal vs redirected to a file
//             (bench/lib/terminal.mjs).
//   START     start-up: --version vs `node -e 0`, validate of an example (bench/lib/startup.mjs).
// Default: S,TTY,START (a couple of minutes). --scale X multiplies the file counts of RL600, RL200
// and XL (e.g. 0.1 for a quick check of the harness); a scaled run writes, unless --out says
// otherwise, to the system's temporary folder, never over bench/RESULTS.md.
//
// It prints the Markdown, writes it to OUT.md (default bench/RESULTS.md) and the figures to
// OUT.json, and exits 1 when a goal (bench/lib/goals.mjs) is missed, after writing everything.
// Needs `npm run build` first (`npm run bench` does it).
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startEmulator } from './lib/emulator.mjs';
import { runRateLimited } from './lib/rate-limited.mjs';
import { renderResults } from './lib/report.mjs';
import { runStackSize } from './lib/stack-scenarios.mjs';
import { runStartup } from './lib/startup.mjs';
import { runTerminal } from './lib/terminal.mjs';
import { BIN } from './lib/tools.mjs';

const EMULATOR = { latencyMs: 25, indexDelayMs: 1000, indexDelayPerMbMs: 5 };
const PARALLELISM = 8; // assistants-iac's default --parallelism

const scaled = (n, scale) => Math.max(1, Math.round(n * scale));

/** Every size: how it runs, and its shape at `scale`. */
const SIZES = {
  S: () => ({ run: runStackSize, shape: { files: 100, stores: 2, assistants: 2, bigMb: 0 } }),
  M: () => ({ run: runStackSize, shape: { files: 1000, stores: 10, assistants: 10, bigMb: 200 } }),
  L: () => ({ run: runStackSize, shape: { files: 5000, stores: 20, assistants: 20, bigMb: 0 } }),
  XL: (scale) => ({
    run: runStackSize,
    shape: { files: scaled(20_000, scale), stores: 40, assistants: 40, bigMb: 0 },
    scenarios: ['first apply', 'no-op plan', 'destroy'],
  }),
  RL600: (scale) => ({
    run: runRateLimited,
    shape: { files: scaled(600, scale), stores: 3, assistants: 3, bigMb: 0 },
    perMinute: 300,
  }),
  RL200: (scale) => ({
    run: runRateLimited,
    shape: { files: scaled(200, scale), stores: 2, assistants: 2, bigMb: 0 },
    perMinute: 120,
  }),
  TTY: () => ({ run: runTerminal, shape: { files: 300, stores: 3, assistants: 3, bigMb: 0 } }),
  START: () => ({ run: runStartup }),
};
const GROUPS = {
  CLASSIC: ['S', 'M', 'L'],
  SCALE: ['RL600', 'RL200', 'XL', 'TTY', 'START'],
  RL: ['RL600', 'RL200'],
  ALL: ['S', 'M', 'L', 'XL', 'RL600', 'RL200', 'TTY', 'START'],
};
const DEFAULT = 'S,TTY,START';

function usage(message) {
  console.error(`npm run bench: ${message}`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: DEFAULT },
    scale: { type: 'string', default: '1' },
    out: { type: 'string' },
  },
});
const sizes = [
  ...new Set(
    values.size.split(',').flatMap((raw) => {
      const name = raw.trim().toUpperCase();
      if (GROUPS[name]) return GROUPS[name];
      if (SIZES[name]) return [name];
      return usage(
        `--size: ${Object.keys(SIZES).join(', ')} or ${Object.keys(GROUPS).join(', ').toLowerCase()}, comma-separated; got ${raw}`,
      );
    }),
  ),
];
const scale = Number(values.scale);
if (!(scale > 0 && scale <= 1)) usage(`--scale takes a number in (0, 1], got ${values.scale}`);
const out =
  values.out ??
  (scale === 1
    ? fileURLToPath(new URL('./RESULTS', import.meta.url))
    : join(tmpdir(), `assistants-iac-bench-scale-${scale}`));

async function main() {
  const emulator = await startEmulator(BIN);
  const context = {
    emulator,
    settings: EMULATOR,
    parallelism: PARALLELISM,
    log: (line) => console.error(line),
  };
  const results = [];
  try {
    for (const name of sizes) {
      const size = SIZES[name](scale);
      try {
        results.push(await size.run({ name, ...size }, context));
      } catch (err) {
        // One size that breaks (a stack not written, the emulator gone) costs its own figures
        // only: the others are still written, and the goal table says it did not run.
        console.error(`${name} did not run to the end:`, err);
        results.push({ kind: 'error', size: name, error: String(err?.stack ?? err) });
      }
    }
  } finally {
    emulator.process.kill('SIGTERM');
  }

  const run = {
    command: `npm run bench -- ${process.argv.slice(2).join(' ') || `--size ${DEFAULT}`}`.trim(),
    date: new Date().toISOString(),
    commit: await gitCommit(),
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 1e9)} GB, Node ${process.versions.node}`,
    emulator: EMULATOR,
    parallelism: PARALLELISM,
    scale,
    sizes: results,
  };
  const { markdown, missed } = renderResults(run);
  console.log(markdown);
  await writeFile(`${out}.md`, markdown);
  await writeFile(`${out}.json`, `${JSON.stringify(run, null, 2)}\n`);
  console.error(`\nwrote ${out}.md and ${out}.json; ${missed.length} goal(s) missed`);
  if (missed.length > 0) process.exitCode = 1;
}

async function gitCommit() {
  return new Promise((resolve) => {
    const child = spawn('git', ['rev-parse', '--short', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let text = '';
    child.stdout.on('data', (chunk) => {
      text += chunk;
    });
    child.on('close', () => resolve(text.trim() || 'unknown'));
    child.on('error', () => resolve('unknown'));
  });
}

await main();
