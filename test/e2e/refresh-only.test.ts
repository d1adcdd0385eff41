import { cp, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../helpers/emulator.js';
import { requestDelta } from '../helpers/make-stack.js';
import { runInProcess } from '../helpers/run-cli.js';
import { workspace } from '../helpers/workspace.js';

// `--refresh-only` takes changes made outside assistants-iac into the state, and changes nothing
// in the API: a store renamed by hand and a file deleted by hand, then the plan that follows.

const fx = useEmulator();

function cli(cwd: string, args: string[]) {
  return runInProcess([...args, '--base-url', fx().emulator.url], {
    cwd,
    env: { OPENAI_API_KEY: 'sk-e2e-accept-drift', CI: 'true' },
  });
}

async function state(dir: string) {
  return JSON.parse(await readFile(path.join(dir, '.assistants', 'state.json'), 'utf8')) as {
    serial: number;
    resources: Record<string, { id: string; attributes: Record<string, unknown> }>;
  };
}

const requests = async () => ((await fx().control('stats')) as { requests: Record<string, number> }).requests;

describe('--refresh-only', () => {
  it('records a rename and a deletion made outside, with no call that changes the API', async () => {
    const dir = await workspace({});
    await cp(path.resolve('examples/knowledge-base'), path.join(dir, 'stack'), { recursive: true });
    expect((await cli(dir, ['apply', '-f', 'stack', '--auto-approve'])).code).toBe(0);
    const before = await state(dir);
    const storeId = before.resources['vector_store.release-notes']?.id as string;
    const fileId = before.resources['file.release-2-4']?.id as string;
    const { client } = fx();
    await client.vectorStores.update(storeId, { name: 'Renamed by hand' });
    await client.files.delete(fileId);

    const planned = await cli(dir, [
      'plan',
      '-f',
      'stack',
      '--refresh-only',
      '--detailed-exitcode',
      '-o',
      'p',
    ]);
    expect(planned.code, planned.stderr).toBe(2);
    expect(planned.stdout).toContain('vector_store.release-notes has changed');
    expect(planned.stdout).toContain('file.release-2-4 has been deleted');
    expect(planned.stdout).toContain('Refresh only: apply records the');
    expect(planned.stdout).not.toContain('will be created');
    expect(planned.stdout).not.toContain('Plan:');
    const json = JSON.parse((await cli(dir, ['plan', '-f', 'stack', '--refresh-only', '--json'])).stdout);
    expect(json).toMatchObject({ refresh_only: true, resource_changes: [] });

    const calls = await requests();
    const applied = await cli(dir, ['apply', 'p']);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(/The state now records \d+ changes made outside assistants-iac/);
    const writes = Object.entries(requestDelta(calls, await requests())).filter(
      ([route]) => !route.startsWith('GET '),
    );
    expect(writes).toEqual([]);
    const after = await state(dir);
    expect(after.resources['vector_store.release-notes']?.attributes.name).toBe('Renamed by hand');
    expect(after.resources['file.release-2-4']).toBeUndefined();
    expect(after.resources['vector_store_file.release-notes/release-2-4']).toBeUndefined();
    expect(after.serial).toBeGreaterThan(before.serial);

    // No drift left; the ordinary plan now puts the manifests back, as changes, not as drift.
    const next = await cli(dir, ['plan', '-f', 'stack', '--json']);
    const plan = JSON.parse(next.stdout);
    expect(plan.resource_drift).toEqual([]);
    const acting = plan.resource_changes
      .filter((c: { change: { actions: string[] } }) => c.change.actions[0] !== 'no-op')
      .map(
        (c: { address: string; change: { actions: string[] } }) =>
          `${c.change.actions.join(',')} ${c.address}`,
      );
    expect(acting).toEqual([
      'create file.release-2-4',
      'update vector_store.release-notes',
      'create vector_store_file.release-notes/release-2-4',
    ]);
    const nothing = await cli(dir, ['plan', '-f', 'stack', '--refresh-only', '--detailed-exitcode']);
    expect(nothing.code, nothing.stdout).toBe(0);
    expect(nothing.stdout).toContain('No changes. The state matches the live resources');
  });

  it('a saved refresh-only plan is stale once the changes made outside differ from those it showed', async () => {
    const dir = await workspace({});
    await cp(path.resolve('examples/knowledge-base'), path.join(dir, 'stack'), { recursive: true });
    expect((await cli(dir, ['apply', '-f', 'stack', '--auto-approve'])).code).toBe(0);
    const before = await state(dir);
    const { client } = fx();
    await client.vectorStores.update(before.resources['vector_store.release-notes']?.id as string, {
      name: 'Renamed by hand',
    });
    expect((await cli(dir, ['plan', '-f', 'stack', '--refresh-only', '-o', 'p'])).code).toBe(0);
    await client.files.delete(before.resources['file.release-2-4']?.id as string);
    const applied = await cli(dir, ['apply', 'p']);
    expect(applied.code).toBe(1);
    expect(applied.stderr).toContain('PLAN_STALE');
    expect(applied.stderr).toContain('the changes made outside moved on (file.release-2-4');
    expect((await state(dir)).serial).toBe(before.serial);
  });

  it('refuses --refresh=false and --replace with it', async () => {
    const dir = await workspace({ 'assistants.yaml': 'version: 1\n' });
    const offline = await cli(dir, ['plan', '--refresh-only', '--refresh=false']);
    expect(offline.code).toBe(1);
    expect(offline.stderr).toContain('it cannot go with --refresh=false');
    const replace = await cli(dir, ['apply', '--refresh-only', '--replace', 'file.a', '--auto-approve']);
    expect(replace.code).toBe(1);
    expect(replace.stderr).toContain('it cannot go with --replace');
  });
});
