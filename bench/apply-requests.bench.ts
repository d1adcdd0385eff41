import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, bench, describe } from 'vitest';
import { type RunningEmulator, startEmulator } from '../src/emulator/server.js';
import { makeStack } from '../test/helpers/make-stack.js';
import { runInProcess } from '../test/helpers/run-cli.js';

// Goal: applying a new stack of 1,000 files in 10 stores with 10 assistants attaches the files with
// file batches (one POST .../file_batches per store, then a few polls of each batch), never with one
// POST /vector_stores/{id}/files per file. The first apply runs once, before the benchmark, and its
// requests are printed by route; the benchmark then times an apply that finds nothing to do.
const [FILES, STORES, ASSISTANTS] = [1000, 10, 10];
/** The per-file attach route: the run fails if the apply used it even once. */
const PER_FILE_ATTACH = 'POST /v1/vector_stores/{vector_store_id}/files';
const KEY = 'sk-bench';
let dir = '';
let emulator: RunningEmulator;

async function stats(): Promise<{ total: number; requests: Record<string, number> }> {
  const origin = emulator.url.replace(/\/v1$/, '');
  return (await (await fetch(`${origin}/_emulator/stats`)).json()) as {
    total: number;
    requests: Record<string, number>;
  };
}

async function cli(args: string[]) {
  return runInProcess([...args, '--base-url', emulator.url], { cwd: dir, env: { OPENAI_API_KEY: KEY } });
}

async function applyNothing(): Promise<void> {
  const run = await cli(['apply', '--auto-approve']);
  if (run.code !== 0 || !run.stdout.includes('No changes'))
    throw new Error(`apply of the applied stack was not a no-op (${run.code}): ${run.stdout}${run.stderr}`);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'assistants-iac-bench-apply-'));
  makeStack(dir, { files: FILES, stores: STORES, assistants: ASSISTANTS });
  emulator = await startEmulator({ config: { index_delay_ms: 0 } });

  const started = Date.now();
  const run = await cli(['apply', '--auto-approve']);
  const seconds = (Date.now() - started) / 1000;
  if (run.code !== 0) throw new Error(`apply failed (${run.code}): ${run.stderr}`);
  const { total, requests } = await stats();
  console.log(
    `apply of ${FILES} files / ${STORES} stores / ${ASSISTANTS} assistants: ${total} requests in ${seconds.toFixed(1)} s`,
  );
  for (const [route, n] of Object.entries(requests).sort(([, a], [, b]) => b - a))
    console.log(`  ${String(n).padStart(5)}  ${route}`);
  if ((requests[PER_FILE_ATTACH] ?? 0) > 0)
    throw new Error(
      `apply attached ${requests[PER_FILE_ATTACH]} files one by one (${PER_FILE_ATTACH}): it must use file batches`,
    );

  const plan = await cli(['plan', '--detailed-exitcode']);
  if (plan.code !== 0) throw new Error(`plan after apply was not clean (${plan.code}): ${plan.stdout}`);
}, 600_000);

afterAll(async () => {
  await emulator?.close();
  await rm(dir, { recursive: true, force: true });
});

describe(`apply, stack of ${FILES} files in ${STORES} stores, ${ASSISTANTS} assistants`, () => {
  bench('apply --auto-approve with nothing to do (in-process, against the emulator)', applyNothing, {
    iterations: 3,
    warmupIterations: 1,
  });
});
