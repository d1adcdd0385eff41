import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import {
  afterRequests,
  applyArgs,
  expectConverged,
  planArgs,
  readState,
  runCliProcess,
  spawnCli,
  type Target,
} from '../helpers/apply-process.js';
import { type EmulatorFixture, startFixture } from '../helpers/emulator.js';
import { makeStack } from '../helpers/make-stack.js';
import { postgresUrl, uniqueSchema } from '../helpers/postgres-state.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';

// The shared backend end to end: the real CLI, as processes, against the emulator and a real
// PostgreSQL server (test/postgres-global-setup.ts), each test in a schema of its own.

const CONFIG = { latency_ms: 20, index_delay_ms: 200 };
let root = '';
let manifests = '';

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'assistants-iac-pg-e2e-'));
  manifests = path.join(root, 'stack');
  makeStack(manifests, { files: 12, stores: 2, assistants: 1 });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function fixture(context: TestContext): Promise<EmulatorFixture> {
  const fx = await startFixture({ config: CONFIG, maxRetries: 2 });
  context.onTestFinished(() => fx.close());
  return fx;
}

/** A working folder of its own, empty: nothing local is shared between runs. */
const folder = () => mkdtemp(path.join(root, 'cwd-'));

/** Every id the emulator holds now. */
async function liveIds(fx: EmulatorFixture): Promise<Set<string>> {
  const ids = new Set<string>();
  for await (const file of fx.client.files.list({ limit: 100 })) ids.add(file.id);
  for await (const store of fx.client.vectorStores.list({ limit: 100 })) ids.add(store.id);
  for await (const assistant of fx.client.beta.assistants.list({ limit: 100 })) ids.add(assistant.id);
  return ids;
}

async function stateIds(target: Target): Promise<Set<string>> {
  const state = await readState(target);
  return new Set(Object.values(state?.resources ?? {}).map((resource) => resource.id));
}

describe('PostgreSQL state, end to end', () => {
  it('two applies started at once: one applies, the other fails with STATE_LOCKED naming the holder', async (context) => {
    const fx = await fixture(context);
    const state = postgresUrl(uniqueSchema());
    const a: Target = { fx, manifests, cwd: await folder(), state };
    const b: Target = { fx, manifests, cwd: await folder(), state };
    const runs = await Promise.all([runCliProcess(applyArgs(a), a.cwd), runCliProcess(applyArgs(b), b.cwd)]);
    const codes = runs.map((run) => run.code).sort();
    expect(codes, runs.map((run) => run.stderr).join('\n')).toEqual([0, 1]);
    const loser = runs.find((run) => run.code === 1);
    expect(loser?.stderr).toMatch(
      /error\[STATE_LOCKED\]: .* is locked by .+ \(pid \d+\), running "apply" since /,
    );
    expect(loser?.stderr).toContain('(stack bench, workspace default)');
    expect(loser?.stderr).not.toMatch(/\n\s+at /);
    await expectConverged(a);
  });

  it('two applies with --lock-timeout: the second waits, then finds nothing to do', async (context) => {
    const fx = await fixture(context);
    const state = postgresUrl(uniqueSchema());
    const targets: Target[] = [
      { fx, manifests, cwd: await folder(), state },
      { fx, manifests, cwd: await folder(), state },
    ];
    const runs = await Promise.all(
      targets.map((t) => runCliProcess([...applyArgs(t), '--lock-timeout', '60s'], t.cwd)),
    );
    expect(runs.map((run) => run.code)).toEqual([0, 0]);
    const outputs = runs.map((run) => run.stdout).sort();
    expect(
      outputs.filter((out) => /Apply complete! Resources: \d+ added/.test(out) && !/ 0 added/.test(out)),
    ).toHaveLength(1);
    expect(outputs.filter((out) => out.includes('No changes.'))).toHaveLength(1);
    await expectConverged(targets[0] as Target);
  });

  it('SIGKILL of the holder mid-apply: a run from another folder, with no local files, converges without force-unlock', async (context) => {
    const fx = await fixture(context);
    const state = postgresUrl(uniqueSchema());
    const first: Target = { fx, manifests, cwd: await folder(), state };
    const { child, exit } = spawnCli(applyArgs(first), first.cwd);
    await afterRequests(fx, 9);
    child.kill('SIGKILL');
    expect((await exit).signal).toBe('SIGKILL');
    // Killed part way: some objects made, the state short of the whole stack.
    const left = await readState(first);
    const made = await liveIds(fx);
    expect(made.size).toBeGreaterThan(0);
    expect(Object.keys(left?.resources ?? {}).length).toBeLessThan(12 + 2 + 12 + 1);

    const elsewhere: Target = { fx, manifests, cwd: await folder(), state };
    const again = await runCliProcess(applyArgs(elsewhere), elsewhere.cwd);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toContain('STATE_LOCKED');
    await expectConverged(elsewhere);
    // 0 duplicates and 0 leaks: the account holds exactly what the state records.
    expect([...(await liveIds(fx))].sort()).toEqual([...(await stateIds(elsewhere))].sort());
  });

  it('two workspaces of one stack make two independent sets; destroying one leaves the other intact', async (context) => {
    const fx = await fixture(context);
    const state = postgresUrl(uniqueSchema());
    const staging: Target = { fx, manifests, cwd: await folder(), state, workspace: 'staging' };
    const prod: Target = { fx, manifests, cwd: await folder(), state, workspace: 'prod' };
    for (const t of [staging, prod]) {
      const run = await runCliProcess(applyArgs(t), t.cwd);
      expect(run.code, run.stderr).toBe(0);
    }
    const [stagingIds, prodIds] = [await stateIds(staging), await stateIds(prod)];
    expect([...stagingIds].filter((id) => prodIds.has(id))).toEqual([]);
    await expectConverged(staging, { others: prodIds });
    await expectConverged(prod, { others: stagingIds });
    expect((await readState(staging))?.lineage).not.toBe((await readState(prod))?.lineage);

    // gc of one workspace sees the other's resources as another state's: it collects nothing.
    const gc = await runCliProcess(
      [
        'gc',
        '--leaked',
        '--auto-approve',
        '-f',
        manifests,
        '--state',
        state,
        '--workspace',
        'staging',
        '--base-url',
        fx.emulator.url,
      ],
      staging.cwd,
    );
    expect(gc.code, gc.stderr).toBe(0);
    expect(gc.stdout).toContain('Nothing to collect.');
    expect([...(await liveIds(fx))].sort()).toEqual([...stagingIds, ...prodIds].sort());

    const list = await runCliProcess(['workspace', 'list', '-f', manifests, '--state', state], staging.cwd);
    expect(list.stdout).toBe('* default (no state yet)\n  prod\n  staging\n');
    const refused = await runCliProcess(
      ['workspace', 'delete', 'staging', '-f', manifests, '--state', state],
      staging.cwd,
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('WORKSPACE_NOT_EMPTY');

    const destroy = [
      'destroy',
      '-f',
      manifests,
      '--state',
      state,
      '--workspace',
      'staging',
      '--base-url',
      fx.emulator.url,
      '--auto-approve',
    ];
    const destroyed = await runCliProcess(destroy, staging.cwd);
    expect(destroyed.code, destroyed.stderr).toBe(0);
    await expectConverged(prod);
    expect([...(await liveIds(fx))].sort()).toEqual([...prodIds].sort());

    const deleted = await runCliProcess(
      ['workspace', 'delete', 'staging', '-f', manifests, '--state', state],
      staging.cwd,
    );
    expect(deleted.code, deleted.stderr).toBe(0);
    const after = await runCliProcess(
      ['workspace', 'list', '-f', manifests, '--state', state, '--json'],
      staging.cwd,
    );
    expect(JSON.parse(after.stdout)).toEqual(['prod']);
  });

  it('state pull from a local file, state push to PostgreSQL: a plan there shows no changes', async (context) => {
    const fx = await fixture(context);
    const cwd = await folder();
    const local: Target = { fx, manifests, cwd };
    expect((await runCliProcess(applyArgs(local), cwd)).code).toBe(0);
    const pulled = await runCliProcess(['state', 'pull', '--state', path.join(cwd, 'state.json')], cwd);
    expect(pulled.code).toBe(0);
    const file = path.join(cwd, 'pulled.json');
    await writeFile(file, pulled.stdout);

    const url = postgresUrl(uniqueSchema());
    const other = await folder();
    const pushed = await runCliProcess(['state', 'push', file, '--state', url], other);
    expect(pushed.code, pushed.stderr).toBe(0);
    const localState = await readState(local);
    expect(pushed.stdout).toContain(`lineage ${localState?.lineage}, serial ${localState?.serial}`);
    const shared: Target = { fx, manifests, cwd: other, state: url };
    const plan = await runCliProcess(planArgs(shared), other);
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    expect(plan.stdout).toContain('No changes.');

    // Pushing an older serial, or another state's lineage, is refused without --force.
    const older = JSON.stringify({ ...JSON.parse(pulled.stdout), serial: 1, resources: {} });
    await writeFile(file, older);
    const stale = await runCliProcess(['state', 'push', file, '--state', url], other);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('STATE_PUSH_REFUSED');
    expect(stale.stderr).toContain('older than the serial');
    const foreign = JSON.stringify({
      ...JSON.parse(pulled.stdout),
      lineage: '22222222-2222-4222-8222-222222222222',
      resources: {},
    });
    await writeFile(file, foreign);
    const refused = await runCliProcess(['state', 'push', file, '--state', url], other);
    expect(refused.stderr).toContain('another state');
    expect((await readState(shared))?.lineage).toBe(localState?.lineage);

    // And back: pull from PostgreSQL gives the same document the local file holds.
    const back = await runCliProcess(['state', 'pull', '-f', manifests, '--state', url], other);
    expect(JSON.parse(back.stdout)).toEqual(localState);
  });

  it('a network drop mid-apply stops the run cleanly; the next run resumes and converges', async (context) => {
    const fx = await fixture(context);
    const schema = uniqueSchema();
    const proxy = await startTcpProxy(Number(new URL(postgresUrl(schema)).port));
    context.onTestFinished(() => proxy.close());
    const through = new URL(postgresUrl(schema));
    through.port = String(proxy.port);
    const state = through.toString();
    const t: Target = { fx, manifests, cwd: await folder(), state };
    const { exit } = spawnCli(applyArgs(t), t.cwd);
    await afterRequests(fx, 9);
    proxy.cut();
    const stopped = await exit;
    expect(stopped.code, stopped.stdout + stopped.stderr).toBe(1);
    expect(stopped.stderr).toContain('STATE_BACKEND_UNAVAILABLE');
    expect(stopped.stderr).not.toMatch(/\n\s+at /);
    expect(stopped.stderr + stopped.stdout).not.toContain(new URL(state).password);

    const again = await runCliProcess(applyArgs(t), t.cwd);
    expect(again.code, again.stderr).toBe(0);
    await expectConverged(t);
    expect([...(await liveIds(fx))].sort()).toEqual([...(await stateIds(t))].sort());
  });

  it('never prints the password, whether it comes from the URL or PGPASSWORD', async () => {
    const cwd = await folder();
    await writeFile(path.join(cwd, 'assistants.yaml'), 'version: 1\nstack: quiet\n');
    const password = 'pg-Secret-0f-the-team';
    const inUrl = await runCliProcess(
      ['state', 'list', '--state', `postgres://ci:${password}@127.0.0.1:1/infra`],
      cwd,
    );
    const fromEnv = await runCliProcess(['state', 'list'], cwd, {
      ASSISTANTS_STATE: 'postgres://ci@127.0.0.1:1/infra',
      PGPASSWORD: password,
    });
    for (const run of [inUrl, fromEnv]) {
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('STATE_BACKEND_UNAVAILABLE');
      expect(run.stderr + run.stdout).not.toContain(password);
    }
  });
});
