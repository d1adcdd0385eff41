import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
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

// A real leak: apply is frozen (SIGSTOP) as soon as its store create reaches the emulator, which
// makes the store after its latency and answers a process that cannot read the answer; the process
// is then killed (SIGKILL), so the state never records the store. `gc --leaked` must find it by
// its stamp and delete it; apply then converges.

const STORE_CREATE = 'POST /v1/vector_stores';

describe('gc --leaked after a killed apply', () => {
  it('removes the store a killed apply made but never recorded', async ({ onTestFinished }) => {
    const fx = await startFixture({ config: { latency_ms: 150, index_delay_ms: 50 }, maxRetries: 2 });
    const cwd = await mkdtemp(path.join(tmpdir(), 'assistants-iac-leak-'));
    onTestFinished(async () => {
      await fx.close();
      await rm(cwd, { recursive: true, force: true });
    });
    const manifests = path.join(cwd, 'stack');
    makeStack(manifests, { files: 3, stores: 1, assistants: 0 });
    const t: Target = { fx, manifests, cwd };
    const gc = (...flags: string[]) =>
      runCliProcess(['gc', '--state', statePath(t), '--base-url', fx.emulator.url, ...flags], cwd);

    const { child, exit } = spawnCli(applyArgs(t), cwd);
    await waitFor(
      async () => fx.emulator.core.stats.requests[STORE_CREATE] ?? 0,
      (n) => n >= 1,
      30_000,
    );
    child.kill('SIGSTOP');
    const [leaked] = (
      await waitFor(
        () => fx.client.vectorStores.list(),
        (page) => page.data.length === 1,
      )
    ).data;
    child.kill('SIGKILL');
    expect((await exit).signal).toBe('SIGKILL');
    const state = await readState(t);
    expect(Object.values(state?.resources ?? {}).filter((r) => r.kind === 'vector_store')).toEqual([]);
    expect(leaked?.metadata).toMatchObject({ assistants_iac_lineage: state?.lineage });

    const found = await gc('--leaked', '--detailed-exitcode', '--json');
    expect(found.code).toBe(2); // shown, then refused (no terminal, no --auto-approve): changes, exit 2
    expect(found.stdout).toContain(`"action_reason": "leaked"`);
    expect(found.stdout).toContain(leaked?.id);

    const collected = await gc('--leaked', '--auto-approve');
    expect(collected.code, collected.stderr).toBe(0);
    expect(collected.stdout).toContain('Destroy complete! Resources: 1 destroyed.');
    await expect(fx.client.vectorStores.retrieve(leaked?.id as string)).rejects.toMatchObject({
      status: 404,
    });

    const rerun = await runCliProcess(applyArgs(t), cwd);
    expect(rerun.code, rerun.stderr).toBe(0);
    await expectConverged(t);
  });
});
