import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, it, type TestContext } from 'vitest';
import { applyArgs, expectConverged, readState, statePath, type Target } from '../helpers/apply-process.js';
import { startFixture } from '../helpers/emulator.js';
import { makeStack } from '../helpers/make-stack.js';
import { type PtyExit, spawnCliOnPty, visible } from '../helpers/pty-process.js';

// The live progress of a few hundred files on a real terminal (a pseudo-terminal, CI unset): a
// task per phase and per store whose titles count, never a task per resource, so that the run
// ends (one task per resource once made a 300-file apply run for minutes on a terminal). How long
// it takes beside the same apply with output redirected is measured by `npm run bench`, not here.

const [FILES, STORES, ASSISTANTS] = [300, 3, 1];
let stackDir = '';
let manifests = '';

beforeAll(async () => {
  stackDir = await mkdtemp(path.join(tmpdir(), 'assistants-iac-tty-progress-'));
  manifests = path.join(stackDir, 'stack');
  makeStack(manifests, { files: FILES, stores: STORES, assistants: ASSISTANTS });
});

afterAll(async () => {
  await rm(stackDir, { recursive: true, force: true });
});

async function target({ onTestFinished }: TestContext, config: Record<string, number>): Promise<Target> {
  const fx = await startFixture({ config, maxRetries: 2 });
  const cwd = await mkdtemp(path.join(tmpdir(), 'assistants-iac-tty-progress-run-'));
  onTestFinished(async () => {
    await fx.close();
    await rm(cwd, { recursive: true, force: true });
  });
  return { fx, manifests, cwd };
}

const described = (exit: PtyExit) =>
  `exit ${exit.code ?? exit.signal}; the terminal showed:\n${visible(exit.output)}`;

/** A line that reports one resource: what the live list drew per resource before. */
const PER_RESOURCE = /(file|vector_store_file)\.\S+: (creating|created|uploading)/;

describe.concurrent(`apply of ${FILES} files / ${STORES} stores on a terminal`, () => {
  it('ends, with counters per phase and per store and no task per resource', async (context) => {
    const { expect } = context;
    const t = await target(context, { latency_ms: 5, index_delay_ms: 200 });
    const run = spawnCliOnPty(applyArgs(t), t.cwd);
    context.onTestFinished(() => run.close());
    // A counter moving while the uploads run: the title of the phase, not a line per file.
    await run.waitFor(/files: [1-9][\d,]*\/300 uploaded/, 60_000);
    const exit = await run.exit;

    expect(exit.code, described(exit)).toBe(0);
    const shown = visible(exit.output);
    expect(shown).toContain('files: 300/300 uploaded');
    expect(shown).toContain('vector stores: 3/3 created');
    expect(shown).toMatch(/attachments: 300\/300 attached, 300\/300 indexed/);
    for (let s = 0; s < STORES; s++)
      expect(shown).toContain(`vector_store.kb-0${s}: 100/100 attached, 100/100 indexed`);
    expect(shown).toContain('assistants: 1/1 created');
    expect(shown).toContain('Apply complete! Resources: 604 added, 0 changed, 0 destroyed.');
    // Calls in flight are named under their phase while it runs (at most a few at once), but no
    // resource ever gets a task (a line with its own ✔) of its own.
    expect(shown).not.toMatch(new RegExp(`[✔✓] ${PER_RESOURCE.source}`));
    expect(shown).not.toMatch(/(file|vector_store_file)\.\S+: created \(/);
    expect(exit.output.lastIndexOf('\u001b[?25h')).toBeGreaterThanOrEqual(
      exit.output.lastIndexOf('\u001b[?25l'),
    );
    await expectConverged(t);
  }, 120_000);

  it('Ctrl-C mid-uploads: the phase is marked stopped, exit 130 with the usual messages, lock released', async (context) => {
    const { expect } = context;
    const t = await target(context, { latency_ms: 100, index_delay_ms: 200 });
    const run = spawnCliOnPty(applyArgs(t), t.cwd);
    context.onTestFinished(() => run.close());
    await run.waitFor(/files: [1-9][\d,]*\/300 uploaded/, 60_000);
    run.type('\x03');
    const exit = await run.exit;

    expect(exit.code, described(exit)).toBe(130);
    const shown = visible(exit.output);
    expect(shown).toMatch(/files: [\d,]+\/300 uploaded, stopped on SIGINT/);
    expect(shown).toContain('stopped on SIGINT: calls in flight finished');
    expect(shown).toContain('Apply interrupted. Resources so far:');
    expect(shown).toContain(
      'error[APPLY_INTERRUPTED]: stopped before the end; what was done is saved in the state. Run apply again to finish.',
    );
    expect(exit.terminal).toEqual({ echo: true, icanon: true, isig: true });
    expect(existsSync(`${statePath(t)}.lock`), 'lock released').toBe(false);
    const saved = await readState(t);
    expect(saved?.pending).toEqual([]);
  }, 120_000);
});
