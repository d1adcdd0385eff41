import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, bench, describe } from 'vitest';
import { type RunningEmulator, startEmulator } from '../src/emulator/server.js';
import { makeStack, requestDelta } from '../test/helpers/make-stack.js';
import { runInProcess } from '../test/helpers/run-cli.js';
import { seedStack } from '../test/helpers/seed-stack.js';

// Goal: planning an unchanged stack of 1,000 files in 10 stores with 10 assistants refreshes with
// about 15 requests (list endpoints, not one GET per resource) and re-reads no file content.
const [FILES, STORES, ASSISTANTS] = [1000, 10, 10];
/** The goal above, enforced: the run fails when a refresh needs more. */
const MAX_REQUESTS = 15;
const KEY = 'sk-bench';
let dir = '';
let emulator: RunningEmulator;

async function requests(): Promise<Record<string, number>> {
  const origin = emulator.url.replace(/\/v1$/, '');
  return ((await (await fetch(`${origin}/_emulator/stats`)).json()) as { requests: Record<string, number> })
    .requests;
}

async function plan(): Promise<void> {
  const run = await runInProcess(['plan', '--detailed-exitcode', '--base-url', emulator.url], {
    cwd: dir,
    env: { OPENAI_API_KEY: KEY },
  });
  if (run.code !== 0)
    throw new Error(`plan of the seeded stack was not clean (${run.code}): ${run.stdout}${run.stderr}`);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'assistants-iac-bench-stack-'));
  makeStack(dir, { files: FILES, stores: STORES, assistants: ASSISTANTS });
  emulator = await startEmulator({ config: { index_delay_ms: 0 } });
  const client = new OpenAI({ apiKey: KEY, baseURL: emulator.url, maxRetries: 0 });
  await seedStack(client, { cwd: dir, concurrency: 16 });
  await plan(); // fills the hash cache
  const before = await requests();
  await plan();
  const after = await requests();
  const made = Object.entries(requestDelta(before, after));
  const total = made.reduce((sum, [, n]) => sum + n, 0);
  console.log(`refresh of ${FILES} files / ${STORES} stores / ${ASSISTANTS} assistants: ${total} requests`);
  for (const [route, n] of made) console.log(`  ${n}  ${route}`);
  if (total > MAX_REQUESTS)
    throw new Error(
      `refresh made ${total} requests, more than the goal of ${MAX_REQUESTS}: a list walk or a per-resource GET crept in`,
    );
}, 300_000);

afterAll(async () => {
  await emulator?.close();
  await rm(dir, { recursive: true, force: true });
});

describe(`plan, unchanged stack of ${FILES} files in ${STORES} stores, ${ASSISTANTS} assistants`, () => {
  bench('plan --detailed-exitcode (in-process, against the emulator)', plan, {
    iterations: 5,
    warmupIterations: 1,
  });
});
