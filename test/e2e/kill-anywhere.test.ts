import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, it, type TestContext } from 'vitest';
import {
  afterRequests,
  applyArgs,
  expectConverged,
  readState,
  runCliProcess,
  spawnCli,
  statePath,
  type Target,
} from '../helpers/apply-process.js';
import { type EmulatorFixture, startFixture } from '../helpers/emulator.js';
import { makeStack } from '../helpers/make-stack.js';

// `kill -9` of apply at random points, then apply again: nothing made twice, nothing leaked, and
// nothing of another stack in the same account touched. Each run:
// 1. another stack ("bystander", its own lineage) is applied to the same emulator first;
// 2. this stack is planned against no state into a saved plan, and that plan is applied;
// 3. the apply is SIGKILLed once the emulator has seen N requests (N drawn with a seed);
// 4. apply runs again (the saved plan is stale once a state exists: a plain apply), then
//    `gc --leaked`; the stack must be converged (expectConverged), the bystander's objects and
//    stamps exactly as they were and its plan clean;
// 5. the state's lineage is its own (never the plan file's), and the saved plan, applied in a
//    second fresh folder, is refused as stale.
// Right after each kill the state must read as valid: the state file with the journal log beside
// it replayed (a torn last line left out), exactly what the next run starts from.
// The seed is printed in each test's name. The suite runs 8 draws; `KILL_RUNS=20 npx vitest run
// test/e2e/kill-anywhere.test.ts` runs 20 (KILL_SEED=... another draw), and KILL_FILES /
// KILL_STORES make the stack bigger (the journal's crash test: KILL_FILES=2000 KILL_RUNS=20,
// too slow for CI).

const SEED = Number(process.env.KILL_SEED ?? 20261206);
const RUNS = Number(process.env.KILL_RUNS ?? 8);
const FILES = Number(process.env.KILL_FILES ?? 16);
const STORES = Number(process.env.KILL_STORES ?? 2);
const ASSISTANTS = 2;
/** Per test: two applies, a gc and the checks, growing with the stack. */
const TIMEOUT_MS = 120_000 + FILES * 400;
const CONFIG = { latency_ms: 15, index_delay_ms: 200 };

let root = '';
let manifests = '';
/** Requests one uninterrupted apply makes (measured): kill points are drawn below it. */
let total = 0;

/** mulberry32: a small, well-mixed generator, so a seed gives the same kill points everywhere. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

beforeAll(
  async () => {
    root = await mkdtemp(path.join(tmpdir(), 'assistants-iac-kill-'));
    manifests = path.join(root, 'stack');
    makeStack(manifests, { files: FILES, stores: STORES, assistants: ASSISTANTS });
    const fx = await startFixture({ config: CONFIG, maxRetries: 2 });
    try {
      const cwd = await mkdtemp(path.join(root, 'calibrate-'));
      const run = await runCliProcess(applyArgs({ fx, manifests, cwd }), cwd);
      if (run.code !== 0) throw new Error(`calibration apply failed:\n${run.stdout}${run.stderr}`);
      total = fx.emulator.core.stats.total;
    } finally {
      await fx.close();
    }
  },
  60_000 + FILES * 200,
);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** The bystander: a store, a file and an assistant of another stack, applied first. */
async function bystander(fx: EmulatorFixture, dir: string) {
  const cwd = await mkdtemp(path.join(dir, 'bystander-'));
  await writeFile(
    path.join(cwd, 'assistants.yaml'),
    [
      'version: 1',
      'stack: bystander',
      'files:',
      '  notes: { path: bystander-notes.md }',
      'vector_stores:',
      '  kb: { files: [notes], protect: true }',
      'assistants:',
      '  helper:',
      '    model: gpt-4o',
      '    tools: [{ type: file_search }]',
      '    tool_resources: { file_search: { vector_stores: [kb] } }',
      '',
    ].join('\n'),
  );
  await writeFile(path.join(cwd, 'bystander-notes.md'), '# Notes of another team\n');
  const args = ['--state', path.join(cwd, 'state.json'), '--base-url', fx.emulator.url];
  const applied = await runCliProcess(['apply', '--auto-approve', ...args], cwd);
  if (applied.code !== 0) throw new Error(`bystander apply failed:\n${applied.stdout}${applied.stderr}`);
  const state = JSON.parse(await readFile(path.join(cwd, 'state.json'), 'utf8')) as {
    lineage: string;
    resources: Record<string, { id: string }>;
  };
  const ids = new Set(Object.values(state.resources).map((r) => r.id));
  const snapshot = async () =>
    JSON.stringify({
      stores: (await fx.client.vectorStores.list({ limit: 100 })).data
        .filter((s) => ids.has(s.id))
        .map((s) => [s.id, s.metadata, s.file_counts]),
      assistants: (await fx.client.beta.assistants.list({ limit: 100 })).data
        .filter((a) => ids.has(a.id))
        .map((a) => [a.id, a.metadata, a.tool_resources]),
      files: (await fx.client.files.list()).data.filter((f) => ids.has(f.id)).map((f) => [f.id, f.filename]),
    });
  return {
    ids,
    before: await snapshot(),
    snapshot,
    plan: () => runCliProcess(['plan', '--detailed-exitcode', ...args], cwd),
  };
}

async function scenario(context: TestContext, kill: number): Promise<void> {
  const { expect, onTestFinished } = context;
  const fx = await startFixture({ config: CONFIG, maxRetries: 2 });
  const dir = await mkdtemp(path.join(root, 'run-'));
  onTestFinished(async () => {
    await fx.close();
  });
  const other = await bystander(fx, dir);
  const cwd = await mkdtemp(path.join(dir, 'stack-'));
  const t: Target = { fx, manifests, cwd };
  const common = ['-f', manifests, '--state', statePath(t), '--base-url', fx.emulator.url];
  const planned = await runCliProcess(['plan', ...common, '-o', path.join(cwd, 'p.json')], cwd);
  expect(planned.code, planned.stderr).toBe(0);
  const saved = JSON.parse(await readFile(path.join(cwd, 'p.json'), 'utf8')) as { lineage: string };

  const start = fx.emulator.core.stats.total;
  const { child, exit } = spawnCli(['apply', ...common, path.join(cwd, 'p.json')], cwd);
  const reached = await Promise.race([
    afterRequests(fx, start + kill, 30_000 + FILES * 100),
    exit.then(() => undefined),
  ]);
  child.kill('SIGKILL');
  const killed = await exit;
  if (reached !== undefined) expect(killed.signal, `${killed.stdout}${killed.stderr}`).toBe('SIGKILL');
  // What the dead run left reads as a valid state (readState checks it as a run reads it).
  const left = await readState(t);
  if (left) expect(left.stack).toBe('bench');

  const again = await runCliProcess(applyArgs(t), cwd);
  expect(again.code, `${again.stdout}${again.stderr}`).toBe(0);
  const gc = await runCliProcess(['gc', '--leaked', '--auto-approve', ...common], cwd);
  expect(gc.code, `${gc.stdout}${gc.stderr}`).toBe(0);
  await expectConverged(t, { others: other.ids });

  // The bystander: every object and stamp as it was, and its plan clean.
  expect(await other.snapshot()).toBe(other.before);
  expect((await other.plan()).code).toBe(0);

  // Lineage is born in the state, never copied from the plan; and the plan, now applied (its files
  // uploaded after it was saved), is refused in a second fresh folder.
  const state = await readState(t);
  expect(state?.lineage).not.toBe(saved.lineage);
  const second = await mkdtemp(path.join(dir, 'second-'));
  const stale = await runCliProcess(
    [
      'apply',
      '-f',
      manifests,
      '--state',
      path.join(second, 'state.json'),
      '--base-url',
      fx.emulator.url,
      path.join(cwd, 'p.json'),
    ],
    second,
  );
  expect(stale.code).toBe(1);
  expect(stale.stderr).toContain('error[PLAN_STALE]');
  await expectConverged(t, { others: other.ids });
}

describe.concurrent(`kill -9 of apply at ${RUNS} random points (seed ${SEED}), then apply again`, () => {
  const draw = random(SEED);
  const points = Array.from({ length: RUNS }, () => draw());
  for (const [index, point] of points.entries()) {
    it(
      `run ${index + 1}: killed at ${(point * 100).toFixed(0)}% of the requests; converges, nothing twice, nothing of another stack touched`,
      async (context) => {
        // Request 1 up to the last but one of an uninterrupted apply.
        const kill = 1 + Math.floor(point * Math.max(1, total - 2));
        await scenario(context, kill);
      },
      TIMEOUT_MS,
    );
  }
});
