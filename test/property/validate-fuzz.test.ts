import { closeSync, constants, openSync } from 'node:fs';
import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isInside } from '../../src/manifest/confined-path.js';
import { fsCalls } from '../helpers/fs-reads.js';
import { type CliRun, runInProcess } from '../helpers/run-cli.js';
import { CANARY, type FuzzCase, fuzzCase, writeCase, writeOutside } from './fuzz-cases.js';

// Pass-through spies record every path validate opens, lists or looks at.
vi.mock('node:fs', async (real) => (await import('../helpers/fs-reads.js')).spyFs(await real()));
vi.mock('node:fs/promises', async (real) => (await import('../helpers/fs-reads.js')).spyFs(await real()));

/**
 * The validate fuzz run: generated roots full of hostile links, globs and YAML, each validated as
 * text and as JSON, in process. Per run it measures INTERNAL diagnostics, stack traces, time, and
 * reads outside the manifest root (spied calls, FIFOs that block a reader, canary strings in the
 * output). `npm test` runs a small seeded set; `npm run fuzz -- --runs 10000 [--seed N]` the big
 * one (FUZZ_RUNS, FUZZ_SEED; FUZZ_REPORT names a file for the figures).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const SEED = Number(process.env.FUZZ_SEED ?? 20261206);
/** A run slower than this counts as a hang. */
const LIMIT_MS = 10_000;
/** The package itself: validate reads its own JSON schema from there. */
const PACKAGE = path.resolve(import.meta.dirname, '../..');
/** A stack trace line: "    at fn (file.js:1:2)". */
const STACK = /\n\s+at .+:\d+:\d+/;

interface Figures {
  seed: number;
  cases: number;
  runs: number;
  internal: number;
  stackTraces: number;
  overLimit: number;
  maxMs: number;
  p99Ms: number;
  outsideReads: number;
  outsideLooks: number;
  fifoReaders: number;
  canaryShown: number;
  outsidePathShown: number;
  badExit: number;
  badJson: number;
  codes: Record<string, number>;
}

interface Violation {
  index: number;
  check: string;
  detail: string;
  fuzzCase: FuzzCase;
}

let base: string;
let outside: string;
let outsideFifos: string[];
beforeAll(async () => {
  base = await realpath(await mkdtemp(path.join(tmpdir(), 'assistants-iac-fuzz-')));
  outside = path.join(base, 'outside');
  outsideFifos = await writeOutside(outside);
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

/** FIFOs that someone holds open for reading now (a blocked reader is released by this probe). */
function fifoReaders(fifos: readonly string[]): string[] {
  const held: string[] = [];
  for (const fifo of fifos) {
    try {
      // Opening to write without blocking succeeds only when a reader has the FIFO open.
      closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
      held.push(fifo);
    } catch {
      // ENXIO: no reader.
    }
  }
  return held;
}

async function runWithin(argv: string[], cwd: string, fifos: readonly string[]) {
  const started = performance.now();
  const run = runInProcess(argv, { cwd });
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), LIMIT_MS);
  });
  let result = await Promise.race([run, late]);
  clearTimeout(timer);
  // What validate did, before the probe below adds calls of its own.
  const calls = fsCalls.slice();
  const readers = fifoReaders(fifos);
  if (result === 'late') {
    // Let a reader blocked on a FIFO go (the probe above released it) and wait for the end.
    result = await Promise.race([run, new Promise<'late'>((r) => setTimeout(() => r('late'), LIMIT_MS))]);
  }
  return { result: result === 'late' ? undefined : result, ms: performance.now() - started, readers, calls };
}

describe('validate fuzz run', () => {
  it(`${RUNS} generated roots (seed ${SEED}): no INTERNAL, no stack trace, no run over 10 s, nothing outside read`, {
    timeout: Math.max(120_000, RUNS * 2_000),
  }, async () => {
    const cases = fc.sample(fuzzCase, { seed: SEED, numRuns: RUNS });
    const figures: Figures = {
      seed: SEED,
      cases: 0,
      runs: 0,
      internal: 0,
      stackTraces: 0,
      overLimit: 0,
      maxMs: 0,
      p99Ms: 0,
      outsideReads: 0,
      outsideLooks: 0,
      fifoReaders: 0,
      canaryShown: 0,
      outsidePathShown: 0,
      badExit: 0,
      badJson: 0,
      codes: {},
    };
    const times: number[] = [];
    const violations: Violation[] = [];

    for (const [index, c] of cases.entries()) {
      const caseDir = path.join(base, `c${index}`);
      const insideFifos = await writeCase(c, caseDir, outside);
      const rootDir = path.join(caseDir, 'root');
      const args =
        c.target === 'link'
          ? c.link.name === 'stack'
            ? ['-f', 'stack']
            : []
          : ['-f', c.target === 'folder' ? 'root' : `root/${c.manifests[0]?.path}`];
      // A link in the working folder is refused without anything outside the working folder read.
      const root =
        c.target === 'link'
          ? caseDir
          : c.target === 'folder'
            ? rootDir
            : path.dirname(path.join(rootDir, c.manifests[0]?.path ?? ''));
      /** The working folder and the folders from it down to the root: looked at to confine -f. */
      const onTheWay = (p: string) => isInside(caseDir, p) && isInside(p, root);
      const written = c.manifests.map((m) => m.text).join('\n');
      const fail = (check: string, detail: string) => {
        if (violations.length < 20) violations.push({ index, check, detail, fuzzCase: c });
      };
      figures.cases++;

      for (const format of ['text', 'json'] as const) {
        const argv = ['validate', ...args, ...(format === 'json' ? ['--format', 'json'] : [])];
        fsCalls.length = 0;
        const { result, ms, readers, calls } = await runWithin(argv, caseDir, [
          ...outsideFifos,
          ...insideFifos,
        ]);
        figures.runs++;
        times.push(ms);
        figures.maxMs = Math.max(figures.maxMs, ms);
        if (ms > LIMIT_MS || !result) {
          figures.overLimit++;
          fail('over 10 s', `${format}: ${Math.round(ms)} ms`);
        }
        const strays = calls.filter(
          (call) =>
            !isInside(root, call.path) &&
            !isInside(PACKAGE, call.path) &&
            !(call.kind === 'look' && onTheWay(call.path)),
        );
        const reads = strays.filter((call) => call.kind === 'read');
        figures.outsideReads += reads.length;
        figures.outsideLooks += strays.length - reads.length;
        if (strays.length > 0) fail('outside the root', JSON.stringify(strays.slice(0, 5)));
        figures.fifoReaders += readers.length;
        if (readers.length > 0) fail('FIFO opened', readers.join(', '));
        if (!result) continue;
        if (
          c.target === 'link' &&
          (result.code !== 1 || !(result.stdout + result.stderr).includes('PATH_OUTSIDE_ROOT'))
        )
          fail('link not refused', `${format}: exit ${result.code}`);
        checkOutput(result, format, written);
      }
      await rm(caseDir, { recursive: true, force: true });

      function checkOutput(run: CliRun, format: 'text' | 'json', manifestsText: string) {
        const output = run.stdout + run.stderr;
        if (run.code !== 0 && run.code !== 1) {
          figures.badExit++;
          fail('exit code', `${format}: ${run.code}`);
        }
        if (STACK.test(output)) {
          figures.stackTraces++;
          fail('stack trace', output.slice(0, 500));
        }
        if (output.includes(CANARY)) {
          figures.canaryShown++;
          fail('canary shown', output.slice(0, 500));
        }
        // An outside path may be shown only as the manifest wrote it.
        if (output.includes(outside) && !manifestsText.includes(outside)) {
          figures.outsidePathShown++;
          fail('outside path shown', output.slice(0, 500));
        }
        if (format === 'text') {
          if (output.includes('[INTERNAL]')) {
            figures.internal++;
            fail('INTERNAL', output.slice(0, 500));
          }
          return;
        }
        let parsed: { valid?: boolean; diagnostics?: { code: string }[] } | undefined;
        try {
          parsed = JSON.parse(run.stdout);
        } catch {
          figures.badJson++;
          fail('JSON', run.stdout.slice(0, 300));
          return;
        }
        for (const d of parsed?.diagnostics ?? []) {
          figures.codes[d.code] = (figures.codes[d.code] ?? 0) + 1;
          if (d.code === 'INTERNAL') {
            figures.internal++;
            fail('INTERNAL', JSON.stringify(d));
          }
        }
        if (parsed?.valid !== (run.code === 0)) {
          figures.badJson++;
          fail('JSON', `valid is ${parsed?.valid} with exit ${run.code}`);
        }
      }
    }

    times.sort((a, b) => a - b);
    figures.p99Ms = Math.round(times[Math.min(times.length - 1, Math.floor(times.length * 0.99))] ?? 0);
    figures.maxMs = Math.round(figures.maxMs);
    if (process.env.FUZZ_REPORT)
      await writeFile(process.env.FUZZ_REPORT, `${JSON.stringify({ figures, violations }, null, 2)}\n`);

    expect(violations.map((v) => `case ${v.index}: ${v.check}: ${v.detail}`)).toEqual([]);
    expect(figures).toMatchObject({
      internal: 0,
      stackTraces: 0,
      overLimit: 0,
      outsideReads: 0,
      outsideLooks: 0,
      fifoReaders: 0,
      canaryShown: 0,
      outsidePathShown: 0,
      badExit: 0,
      badJson: 0,
    });
    // The generators reach the rules they are aimed at.
    if (RUNS >= 100)
      for (const code of ['YAML_ALIAS', 'YAML_TOO_DEEP', 'PATH_OUTSIDE_ROOT', 'INVALID_VALUE', 'YAML_SYNTAX'])
        expect(figures.codes[code] ?? 0, code).toBeGreaterThan(0);
  });
});
