import { cp, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../helpers/emulator.js';
import { runInProcess } from '../helpers/run-cli.js';
import { workspace } from '../helpers/workspace.js';

const KEY = 'sk-e2e-gc-key';
const fx = useEmulator();

function cli(cwd: string, args: string[]) {
  return runInProcess([...args, '--base-url', fx().emulator.url], {
    cwd,
    env: { OPENAI_API_KEY: KEY, CI: 'true' },
  });
}

async function appliedKnowledgeBase() {
  const dir = await workspace({});
  await cp(path.resolve('examples/knowledge-base'), dir, { recursive: true });
  expect((await cli(dir, ['apply', '-f', '.', '--auto-approve'])).code).toBe(0);
  return dir;
}

async function state(dir: string) {
  return JSON.parse(await readFile(path.join(dir, '.assistants/state.json'), 'utf8')) as {
    lineage: string;
    resources: Record<string, { id: string }>;
  };
}

describe('assistants gc against the emulator', () => {
  it('deletes exactly the expired stores of this state and the files only they used', async () => {
    const dir = await appliedKnowledgeBase();
    const before = await state(dir);
    const { client } = fx();
    const foreignExpiring = await client.vectorStores.create({
      name: 'someone else, expiring',
      expires_after: { anchor: 'last_active_at', days: 1 },
    });
    const foreignLive = await client.vectorStores.create({ name: 'someone else, live' });
    await fx().control('clock', { advance_seconds: 91 * 86_400 });

    // No terminal and no --auto-approve: refused after showing the plan, exit 2 (something to
    // collect); the plan, then the refusal as JSON too (stdout holds both documents).
    const unattended = await cli(dir, ['gc', '--expired', '--detailed-exitcode', '--json']);
    expect(unattended.code).toBe(2);
    expect(unattended.stdout).toContain('"code": "APPROVAL_REQUIRED"');
    expect(unattended.stdout).toContain('--dry-run only shows it');
    const dry = await cli(dir, ['gc', '--expired', '--detailed-exitcode', '--json', '--dry-run']);
    expect(dry.code).toBe(2);
    expect(dry.stderr).toBe('Dry run: nothing was deleted.\n');
    const plan = JSON.parse(dry.stdout) as {
      resource_changes: { address: string; action_reason: string }[];
    };
    expect(plan.resource_changes.map((c) => `${c.address} ${c.action_reason}`)).toEqual([
      'vector_store.release-notes expired',
      'file.release-2-3 unused',
      'file.release-2-4 unused',
    ]);

    // -o: the same, saved for review; `show` reads it back; apply refuses it as a plan of its own.
    const saved = await cli(dir, ['gc', '--expired', '--detailed-exitcode', '-o', 'gc.json']);
    expect(saved.code).toBe(2);
    expect(saved.stdout).toContain(
      'Saved what gc would collect to gc.json; read it with: assistants show gc.json',
    );
    const shown = await cli(dir, ['show', 'gc.json', '--json']);
    expect(shown.code, shown.stdout + shown.stderr).toBe(0);
    expect(JSON.parse(shown.stdout)).toEqual(plan);
    const applied = await cli(dir, ['apply', 'gc.json']);
    expect(applied.code).toBe(1);
    expect(applied.stderr).toContain('it was saved by `assistants gc -o`');
    expect((await client.vectorStores.list({ limit: 100 })).data).toHaveLength(4);

    const run = await cli(dir, ['gc', '--expired', '--auto-approve']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Destroy complete! Resources: 3 destroyed.');
    // Its progress counts against what the plan deletes, phase by phase.
    expect(run.stdout).toMatch(/ vector stores: 1\/1 destroyed in /);
    expect(run.stdout).toMatch(/ files: 2\/2 destroyed in /);
    const storeIds = (await client.vectorStores.list({ limit: 100 })).data.map((s) => s.id).sort();
    expect(storeIds).toEqual(
      [before.resources['vector_store.engineering-handbook']?.id, foreignExpiring.id, foreignLive.id].sort(),
    );
    for (const name of ['file.release-2-3', 'file.release-2-4'])
      await expect(client.files.retrieve(before.resources[name]?.id as string)).rejects.toMatchObject({
        status: 404,
      });
    const after = await state(dir);
    expect(Object.keys(after.resources).filter((a) => a.includes('release'))).toEqual([]);
    expect(after.resources['vector_store.engineering-handbook']).toBeDefined();

    // --all-expired takes the foreign expired store too, and says so; never the live one.
    const all = await cli(dir, ['gc', '--expired', '--all-expired', '--auto-approve']);
    expect(all.code).toBe(0);
    expect(all.stderr).toContain('warning[FOREIGN_EXPIRED_STORE]');
    const left = (await client.vectorStores.list({ limit: 100 })).data.map((s) => s.id).sort();
    expect(left).toEqual([before.resources['vector_store.engineering-handbook']?.id, foreignLive.id].sort());
  });

  it('finds and removes a store and an assistant a killed run made but never recorded', async () => {
    const dir = await appliedKnowledgeBase();
    const { lineage } = await state(dir);
    const stamp = (address: string) => ({ assistants_iac_lineage: lineage, assistants_iac_address: address });
    const { client } = fx();
    // What a run killed between the create and the state write leaves: stamped, absent from state.
    const leakedStore = await client.vectorStores.create({
      name: 'Release notes',
      metadata: stamp('vector_store.release-notes'),
    });
    const leakedBot = await client.beta.assistants.create({
      model: 'gpt-4o',
      metadata: stamp('assistant.bot'),
    });
    const unstamped = await client.vectorStores.create({ name: 'not ours' });

    const run = await cli(dir, ['gc', '--leaked', '--auto-approve']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('leaked');
    await expect(client.vectorStores.retrieve(leakedStore.id)).rejects.toMatchObject({ status: 404 });
    await expect(client.beta.assistants.retrieve(leakedBot.id)).rejects.toMatchObject({ status: 404 });
    expect((await client.vectorStores.retrieve(unstamped.id)).id).toBe(unstamped.id);
    expect((await cli(dir, ['plan', '-f', '.', '--detailed-exitcode'])).code).toBe(0);
    const again = await cli(dir, ['gc', '--detailed-exitcode']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Nothing to collect.');
  });
});
