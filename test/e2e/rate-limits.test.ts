import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'vitest';
import { applyArgs, planArgs, runCliProcess, type Target } from '../helpers/apply-process.js';
import { type EmulatorFixture, startFixture } from '../helpers/emulator.js';
import { makeStack } from '../helpers/make-stack.js';

// The real CLI over real HTTP against an emulator that limits every route family. The client must
// keep under the limit from what the server's x-ratelimit-* headers say, and wait out what 429s
// remain, reads included: a run converges, and a plan right after succeeds, only slower.

/** A fresh emulator and a stack of `files` files in 3 stores, in a folder removed after the test. */
async function setUp(
  files: number,
  config: Record<string, unknown>,
  onTestFinished: (fn: () => Promise<void>) => void,
): Promise<Target> {
  const fx: EmulatorFixture = await startFixture({ config: { index_delay_ms: 100, ...config } });
  const cwd = await mkdtemp(path.join(tmpdir(), 'assistants-iac-rate-'));
  onTestFinished(async () => {
    await fx.close();
    await rm(cwd, { recursive: true, force: true });
  });
  const manifests = path.join(cwd, 'stack');
  makeStack(manifests, { files, stores: 3, assistants: 0 });
  return { fx, manifests, cwd };
}

async function statuses(fx: EmulatorFixture): Promise<{ total: number; limited: number }> {
  const stats = (await fx.control('stats')) as { total: number; statuses: Record<string, number> };
  return { total: stats.total, limited: stats.statuses['429'] ?? 0 };
}

describe.concurrent('under a rate limit per route family', () => {
  it('an apply of 40 files at 600 requests/min per family converges in one run with few 429s, and a plan right after finds no changes', async ({
    expect,
    onTestFinished,
  }) => {
    const target = await setUp(40, { rate_limit_per_min: 600 }, onTestFinished);

    const apply = await runCliProcess(applyArgs(target), target.cwd);
    expect(apply.code, `${apply.stdout}${apply.stderr}`).toBe(0);
    expect(apply.stdout).toContain('Apply complete! Resources: 83 added');
    const applied = await statuses(target.fx);
    // 40 uploads, 3 stores, 3 batches and their polls: the client keeps under 10/s from the start.
    expect(applied.limited, JSON.stringify(applied)).toBeLessThanOrEqual(2);

    const plan = await runCliProcess(planArgs(target), target.cwd);
    expect(plan.code, `${plan.stdout}${plan.stderr}`).toBe(0);
    expect(plan.stdout).toContain('No changes');
    expect((await statuses(target.fx)).limited).toBe(applied.limited);
  }, 60_000);

  it('a plan under 20 requests/min succeeds (every read of a family waits its turn)', async ({
    expect,
    onTestFinished,
  }) => {
    const target = await setUp(9, {}, onTestFinished);
    const apply = await runCliProcess(applyArgs(target), target.cwd);
    expect(apply.code, `${apply.stdout}${apply.stderr}`).toBe(0);

    // One request every 3 s per family: the store list and the three stores' file lists take ~10 s.
    await target.fx.control('config', { rate_limit_per_min: 20 });
    const before = await statuses(target.fx);
    const plan = await runCliProcess(planArgs(target), target.cwd);
    expect(plan.code, `${plan.stdout}${plan.stderr}`).toBe(0);
    expect(plan.stdout).toContain('No changes');
    // Five reads: paced, not forced through by retries (a loaded machine may still meet a 429 or two).
    const after = await statuses(target.fx);
    expect(after.limited - before.limited, JSON.stringify(after)).toBeLessThanOrEqual(2);
  }, 60_000);
});
