import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
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
import { startFixture, waitFor } from '../helpers/emulator.js';
import { makeStack } from '../helpers/make-stack.js';

// `assistants apply` killed part-way, by the kernel (SIGKILL: nothing saved past the last write) or
// politely (SIGTERM: calls in flight finish, exit 130), and then run again, must end exactly where
// an uninterrupted apply would: no duplicate and no leaked object, an empty journal, a clean plan.
//
// The stack: 60 files in 3 stores, 2 assistants. Against an emulator with 20 ms of latency and
// 300 ms of indexing, one uninterrupted apply makes about 78 requests in about 8 s (the client paces
// uploads at 10/s): the refresh (request 1), 60 uploads (2-61), 3 store creates (62-64), 3 file
// batches (65-67), batch polls (68-76), 2 assistant creates (77-78). The kill points below are
// counts of requests the emulator has received, so each lands in the same phase run after run: the
// process dies with request N (and whatever else is in flight) sent and unanswered.

const [FILES, STORES, ASSISTANTS] = [60, 3, 2];
let stackDir = '';
let manifests = '';

beforeAll(async () => {
  stackDir = await mkdtemp(path.join(tmpdir(), 'assistants-iac-interrupt-stack-'));
  manifests = path.join(stackDir, 'stack');
  makeStack(manifests, { files: FILES, stores: STORES, assistants: ASSISTANTS });
});

afterAll(async () => {
  await rm(stackDir, { recursive: true, force: true });
});

/**
 * A fresh emulator and working folder for one test; both go when it ends. The tests run
 * concurrently: hooks and `expect` must come from the test's own context.
 */
async function target({ onTestFinished }: TestContext): Promise<Target> {
  // The checks' client retries: it reads over keep-alive connections the emulator may close.
  const fx = await startFixture({ config: { latency_ms: 20, index_delay_ms: 300 }, maxRetries: 2 });
  const cwd = await mkdtemp(path.join(tmpdir(), 'assistants-iac-interrupt-'));
  onTestFinished(async () => {
    await fx.close();
    await rm(cwd, { recursive: true, force: true });
  });
  return { fx, manifests, cwd };
}

/** The first assistant create: its place in the request count moves with the number of polls. */
const ASSISTANT_CREATE = 'POST /v1/assistants';

/**
 * Starts apply, sends `signal` once the emulator has seen `requests` requests (or, for the
 * assistant phase, the first assistant create), and waits for the exit.
 */
async function interrupt(t: Target, requests: number, signal: NodeJS.Signals, route?: string) {
  const { child, exit } = spawnCli(applyArgs(t), t.cwd);
  const seen = route
    ? waitFor(
        async () => t.fx.emulator.core.stats.requests[route] ?? 0,
        (n) => n >= 1,
        30_000,
      )
    : afterRequests(t.fx, requests);
  const reached = await Promise.race([seen, exit.then(() => undefined)]);
  if (reached === undefined) {
    const early = await exit;
    throw new Error(
      `apply ended (${early.code}) before request ${requests}:\n${early.stdout}${early.stderr}`,
    );
  }
  child.kill(signal);
  return exit;
}

describe.concurrent(`apply of ${FILES} files / ${STORES} stores / ${ASSISTANTS} assistants, interrupted`, () => {
  const kills: [string, number][] = [
    ['during the refresh', 1],
    ['early in the uploads', 10],
    ['mid-uploads', 35],
    ['as the stores are created', 62],
    ['as the file batches are sent', 65],
    ['while indexing is polled', 70],
    // Request 77 when indexing takes 9 polls; fewer on a loaded machine: wait for the route instead.
    ['as the assistants are created', 77],
  ];

  for (const [when, requests] of kills) {
    it(`SIGKILL ${when} (request ${requests}), then apply again: converges, nothing twice`, async (context) => {
      const { expect } = context;
      const t = await target(context);

      const route = requests === 77 ? ASSISTANT_CREATE : undefined;
      const killed = await interrupt(t, requests, 'SIGKILL', route);
      expect(killed.signal, `${killed.stdout}${killed.stderr}`).toBe('SIGKILL');
      const left = await readState(t);
      if (requests === 35) {
        // Uploads were in flight: their journal entries outlive the process.
        expect(left?.pending.length ?? 0).toBeGreaterThan(0);
      }

      // The dead run's lock is reclaimed (same host, process gone); its journal is settled.
      const again = await runCliProcess(applyArgs(t), t.cwd);
      expect(again.code, `${again.stdout}${again.stderr}`).toBe(0);
      if ((left?.pending.length ?? 0) > 0) expect(again.stderr).toMatch(/^Settled (1 call|\d+ calls) /m);
      expect(again.stdout).toMatch(/Apply complete!|No changes/);

      await expectConverged(t);
    }, 60_000);
  }

  const terms: [string, number][] = [
    ['mid-uploads', 30],
    ['while indexing is polled', 70],
  ];

  for (const [when, requests] of terms) {
    it(`SIGTERM ${when} (request ${requests}): exit 130, state saved, lock released; apply again converges`, async (context) => {
      const { expect } = context;
      const t = await target(context);

      const stopped = await interrupt(t, requests, 'SIGTERM');
      expect(stopped.code, `${stopped.stdout}${stopped.stderr}`).toBe(130);
      expect(stopped.stderr).toContain('APPLY_INTERRUPTED');
      const saved = await readState(t);
      // What was done is in the state, calls in flight included; nothing is left unconfirmed.
      expect(Object.keys(saved?.resources ?? {}).length).toBeGreaterThan(0);
      expect(saved?.pending).toEqual([]);
      expect(existsSync(`${statePath(t)}.lock`)).toBe(false);

      const again = await runCliProcess(applyArgs(t), t.cwd);
      expect(again.code, `${again.stdout}${again.stderr}`).toBe(0);
      expect(again.stderr).not.toMatch(/Settled/);

      await expectConverged(t);
    }, 60_000);
  }
});
