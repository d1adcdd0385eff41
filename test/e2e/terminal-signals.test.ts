import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, it, type TestContext } from 'vitest';
import { DUPLICATE_SIGNAL_MS } from '../../src/cli/stop-signals.js';
import {
  applyArgs,
  expectConverged,
  readState,
  runCliProcess,
  statePath,
  type Target,
} from '../helpers/apply-process.js';
import { startFixture } from '../helpers/emulator.js';
import { makeStack } from '../helpers/make-stack.js';
import { type PtyExit, spawnCliOnPty, visible } from '../helpers/pty-process.js';

// Ctrl-C and SIGTERM with apply on a real terminal (a pseudo-terminal: stdin, stdout and stderr are
// the terminal, CI unset), where the live task list runs: they must behave exactly as with piped
// output (apply-interruption.test.ts): stop new work, let calls in flight finish, save, unlock,
// say so, exit 130. Ctrl-C is typed on the terminal (the line discipline sends SIGINT to the
// foreground process group); SIGTERM is sent to the process, as a process manager would.
//
// The emulator's latency keeps uploads in flight for a while, and its indexing delay keeps apply
// from finishing soon after; each signal is sent once the terminal shows a marker, not after a
// fixed sleep. Latency and indexing are then turned off for the run that must converge.

const [FILES, STORES, ASSISTANTS] = [12, 2, 1];
let stackDir = '';
let manifests = '';

beforeAll(async () => {
  stackDir = await mkdtemp(path.join(tmpdir(), 'assistants-iac-tty-stack-'));
  manifests = path.join(stackDir, 'stack');
  makeStack(manifests, { files: FILES, stores: STORES, assistants: ASSISTANTS });
});

afterAll(async () => {
  await rm(stackDir, { recursive: true, force: true });
});

/** A fresh emulator (with `latency_ms` per request) and working folder; both go when the test ends. */
async function target({ onTestFinished }: TestContext, latencyMs: number): Promise<Target> {
  const fx = await startFixture({
    config: { latency_ms: latencyMs, index_delay_ms: 2000 },
    maxRetries: 2,
  });
  const cwd = await mkdtemp(path.join(tmpdir(), 'assistants-iac-tty-'));
  onTestFinished(async () => {
    await fx.close();
    await rm(cwd, { recursive: true, force: true });
  });
  return { fx, manifests, cwd };
}

/** apply on the terminal, ended with the test if it still runs then. */
function applyOnTerminal({ onTestFinished }: TestContext, t: Target, args = applyArgs(t)) {
  const run = spawnCliOnPty(args, t.cwd);
  onTestFinished(() => run.close());
  return run;
}

const described = (exit: PtyExit) =>
  `exit ${exit.code ?? exit.signal}; the terminal showed:\n${visible(exit.output)}`;

/** The terminal as a person finds it afterwards: the cursor shown again, the usual line modes on. */
function expectSaneTerminal({ expect }: TestContext, exit: PtyExit) {
  expect(exit.output.lastIndexOf('\u001b[?25h'), 'cursor shown last').toBeGreaterThanOrEqual(
    exit.output.lastIndexOf('\u001b[?25l'),
  );
  expect(exit.terminal).toEqual({ echo: true, icanon: true, isig: true });
}

/** A run with no latency and no indexing delay converges, with nothing made twice. */
async function expectApplyAgainConverges({ expect }: TestContext, t: Target, settles: boolean) {
  await t.fx.control('config', { latency_ms: 0, index_delay_ms: 0 });
  const again = await runCliProcess(applyArgs(t), t.cwd);
  expect(again.code, `${again.stdout}${again.stderr}`).toBe(0);
  if (settles) expect(again.stderr).toMatch(/^Settled (1 call|\d+ calls) /m);
  else expect(again.stderr).not.toMatch(/Settled/);
  await expectConverged(t);
}

type Run = ReturnType<typeof spawnCliOnPty>;

/** The uploads phase's counter once an upload is done. */
const UPLOADED = /files: [1-9]\d*\/\d+ uploaded/;

describe.concurrent('apply on a terminal', () => {
  const stops: [string, 'SIGINT' | 'SIGTERM', (run: Run) => unknown][] = [
    ['Ctrl-C', 'SIGINT', (run) => run.type('\x03')],
    ['SIGTERM', 'SIGTERM', (run) => run.signal('SIGTERM')],
    // npx and npm run forward the signal to their child, which the terminal signals too: one
    // key press arrives twice, and must count once. The copy comes a little later (sent at the
    // same instant, the kernel would merge the two into one signal, and test nothing).
    [
      'Ctrl-C under a wrapper that forwards it (npx)',
      'SIGINT',
      async (run) => {
        run.type('\x03');
        await sleep(100);
        run.signal('SIGINT');
      },
    ],
  ];
  for (const [how, signal, send] of stops) {
    it(`${how} mid-uploads: calls in flight finish, state saved, lock released, exit 130; apply again converges`, async (context) => {
      const { expect } = context;
      const t = await target(context, 150);
      const run = applyOnTerminal(context, t);
      await run.waitFor(UPLOADED); // one upload done, others in flight
      await send(run);
      const exit = await run.exit;

      expect(exit.code, described(exit)).toBe(130);
      const shown = visible(exit.output);
      expect(shown).toContain(`stopped on ${signal}: calls in flight finished`);
      expect(shown).toContain('Apply interrupted. Resources so far:');
      expect(shown).toContain(
        'error[APPLY_INTERRUPTED]: stopped before the end; what was done is saved in the state. Run apply again to finish.',
      );
      expectSaneTerminal(context, exit);
      expect(existsSync(`${statePath(t)}.lock`), 'lock released').toBe(false);
      const saved = await readState(t);
      expect(Object.keys(saved?.resources ?? {}).length).toBeGreaterThan(0);
      expect(saved?.pending).toEqual([]);

      await expectApplyAgainConverges(context, t, false);
    }, 60_000);
  }

  it('a second Ctrl-C while stopping exits 130 at once, lock released; apply again settles and converges', async (context) => {
    const { expect } = context;
    // Slow calls: the second Ctrl-C comes while the first stop still waits for them.
    const t = await target(context, 2000);
    const run = applyOnTerminal(context, t);
    await run.waitFor(UPLOADED);
    run.type('\x03');
    await run.waitFor('stopping on SIGINT: letting calls in flight finish');
    // Sooner, the same signal would count as a copy of the first (a wrapper forwarding it).
    await sleep(DUPLICATE_SIGNAL_MS);
    run.type('\x03');
    const exit = await run.exit;

    expect(exit.code, described(exit)).toBe(130);
    const shown = visible(exit.output);
    expect(shown).toMatch(
      /^error\[APPLY_ABORTED\]: stopped at once on a second signal \(SIGINT\), without waiting for the calls in flight; the state lists those not confirmed, and the next apply settles them\.$/m,
    );
    expect(shown).not.toContain('Apply interrupted.'); // it did not wait for the calls
    expectSaneTerminal(context, exit);
    expect(existsSync(`${statePath(t)}.lock`), 'lock released').toBe(false);
    const saved = await readState(t);
    expect(saved?.pending.length ?? 0, 'calls in flight stay in the journal').toBeGreaterThan(0);

    await expectApplyAgainConverges(context, t, true);
  }, 60_000);

  for (const [how, send] of [
    ['Ctrl-C', (run: Run) => run.type('\x03')],
    ['SIGTERM', (run: Run) => run.signal('SIGTERM')],
  ] as const) {
    it(`${how} at the approval prompt cancels: exit 1, APPLY_CANCELLED on a line of its own, lock released, nothing made`, async (context) => {
      const { expect } = context;
      const t = await target(context, 0);
      const run = applyOnTerminal(
        context,
        t,
        applyArgs(t).filter((arg) => arg !== '--auto-approve'),
      );
      await run.waitFor('Enter a value:');
      await send(run);
      const exit = await run.exit;

      expect(exit.code, described(exit)).toBe(1);
      const lines = visible(exit.output).split('\n');
      expect(lines, described(exit)).toContain('error[APPLY_CANCELLED]: apply cancelled.');
      expect(visible(exit.output)).not.toMatch(/^\s+at /m); // no stack trace
      expectSaneTerminal(context, exit);
      expect(existsSync(`${statePath(t)}.lock`), 'lock released').toBe(false);
      const files = [];
      for await (const file of t.fx.client.files.list()) files.push(file);
      expect(files).toEqual([]);
    }, 60_000);
  }
});
