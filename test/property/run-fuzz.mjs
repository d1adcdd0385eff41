#!/usr/bin/env node
// The big validate fuzz run: `npm run fuzz -- --runs 10000 [--seed N]`. Runs the same harness as
// `npm test` (test/property/validate-fuzz.test.ts) with more cases, then prints its figures.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '10000' },
    seed: { type: 'string', default: String(Date.now() % 1e9) },
  },
});
const runs = Number(values.runs);
const seed = Number(values.seed);
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(seed)) {
  console.error('usage: npm run fuzz -- [--runs N] [--seed N]');
  process.exit(1);
}

const dir = mkdtempSync(path.join(tmpdir(), 'assistants-iac-fuzz-report-'));
const report = path.join(dir, 'figures.json');
const root = path.resolve(import.meta.dirname, '../..');
// vitest's own command, wherever the package manager put it.
const vitestPackage = createRequire(import.meta.url).resolve('vitest/package.json');
const vitest = path.join(
  path.dirname(vitestPackage),
  JSON.parse(readFileSync(vitestPackage, 'utf8')).bin.vitest,
);
console.log(`validate fuzz run: ${runs} cases, seed ${seed}`);
const started = Date.now();
const run = spawnSync(process.execPath, [vitest, 'run', 'test/property/validate-fuzz.test.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, FUZZ_RUNS: String(runs), FUZZ_SEED: String(seed), FUZZ_REPORT: report },
});

let figures;
try {
  ({ figures } = JSON.parse(readFileSync(report, 'utf8')));
} catch {
  console.error('the fuzz run wrote no figures');
  process.exit(run.status || 1);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const rows = [
  ['seed', figures.seed],
  ['cases (roots generated)', figures.cases],
  ['validate runs (text and JSON)', figures.runs],
  ['INTERNAL diagnostics', figures.internal],
  ['stack traces in output', figures.stackTraces],
  ['runs over 10 s', figures.overLimit],
  ['max run time', `${figures.maxMs} ms`],
  ['p99 run time', `${figures.p99Ms} ms`],
  ['reads outside the root (open, readFile, readdir...)', figures.outsideReads],
  ['looks outside the root (stat, lstat, realpath...)', figures.outsideLooks],
  ['FIFOs left open by a reader', figures.fifoReaders],
  ['canary shown in output', figures.canaryShown],
  ['outside path shown in output', figures.outsidePathShown],
  ['exit codes other than 0 or 1', figures.badExit],
  ['JSON output not parsing or disagreeing with the exit code', figures.badJson],
  ['wall time', `${Math.round((Date.now() - started) / 1000)} s`],
];
for (const [label, value] of rows) console.log(`${label.padEnd(58)} ${value}`);
const codes = Object.entries(figures.codes).sort((a, b) => b[1] - a[1]);
console.log(`diagnostic codes seen: ${codes.map(([code, n]) => `${code} ${n}`).join(', ')}`);
process.exit(run.status ?? 1);
