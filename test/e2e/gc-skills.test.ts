import { readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type EmulatorFixture, useEmulator } from '../helpers/emulator.js';
import { fakeKey } from '../helpers/fake-key.js';
import { postgresUrl, uniqueSchema } from '../helpers/postgres-state.js';
import { runInProcess } from '../helpers/run-cli.js';
import { workspace } from '../helpers/workspace.js';

// `gc --leaked --skill-prefix PREFIX` through the real CLI against the emulator. Skills carry no
// stamp: a skill is collected only when its name starts with the prefix, no state of the stack
// (any workspace's) holds it, and no state let it go with `state rm`. The emulator's request
// counts prove that nothing else is deleted.

const KEY = fakeKey('sk-e2e-', 16, 'gc-skills');
const fx = useEmulator();
const SKILL_DELETE = 'DELETE /v1/skills/{skill_id}';

function cli(cwd: string, args: string[]) {
  return runInProcess([...args, '--base-url', fx().emulator.url], {
    cwd,
    env: { OPENAI_API_KEY: KEY, CI: 'true' },
  });
}

const skillMd = (name: string) => `---\nname: ${name}\ndescription: ${name} does things\n---\n`;

/** A skill made by hand (FormData: the SDK's own form keeps only the last segment of a file name). */
function createSkill(f: EmulatorFixture, name: string) {
  const form = new FormData();
  form.append('files[]', new Blob([skillMd(name)]), `${name}/SKILL.md`);
  return f.client.skills.create(form as never);
}

/**
 * A stack whose one skill is `acme-pdf`, applied in the default workspace and in `staging` (two
 * skills of that name, one per workspace's state).
 */
async function appliedInTwoWorkspaces() {
  const dir = await workspace({
    'assistants.yaml': 'version: 1\nstack: acme\nskills:\n  pdf: { path: skills/pdf }\n',
    'skills/pdf/SKILL.md': skillMd('acme-pdf'),
  });
  for (const where of [[], ['--workspace', 'staging']]) {
    const run = await cli(dir, ['apply', '--auto-approve', ...where]);
    expect(run.code, run.stderr).toBe(0);
  }
  const idAt = async (file: string) =>
    (
      JSON.parse(await readFile(path.join(dir, file), 'utf8')) as {
        resources: Record<string, { id: string }>;
      }
    ).resources['skill.pdf']?.id as string;
  const ours = await idAt('.assistants/state.json');
  const staging = await idAt('.assistants/workspaces/staging/state.json');
  expect(ours).not.toBe(staging);
  return { dir, ours, staging };
}

async function liveIds(f: EmulatorFixture): Promise<string[]> {
  const ids: string[] = [];
  for await (const skill of f.client.skills.list()) ids.push(skill.id);
  return ids.sort();
}

const deletes = (f: EmulatorFixture) => f.emulator.core.stats.requests[SKILL_DELETE] ?? 0;

describe('gc --leaked --skill-prefix against the emulator', () => {
  it("deletes a leaked skill with the prefix; never one another workspace's state holds, nor one without the prefix", async () => {
    const { dir, ours, staging } = await appliedInTwoWorkspaces();
    const leaked = await createSkill(fx(), 'acme-leftover');
    const foreign = await createSkill(fx(), 'other-team-tool');

    // Without --skill-prefix no skill is ever listed.
    const bare = await cli(dir, ['gc', '--leaked', '--dry-run', '--json']);
    expect(bare.code).toBe(0);
    expect(bare.stdout).not.toContain('skill');

    const dry = await cli(dir, ['gc', '--leaked', '--skill-prefix', 'acme-', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stderr).toBe('Dry run: nothing was deleted.\n');
    expect(dry.stdout).toContain(
      `# skill.${leaked.id} will be destroyed (leaked: "acme-leftover" named with the --skill-prefix, held by no state of this stack)`,
    );
    expect(dry.stdout).toContain(`- skill.${leaked.id} (${leaked.id})`);
    expect(dry.stdout).toContain('Plan: 0 to add, 0 to change, 1 to destroy.');
    for (const id of [ours, staging, foreign.id]) expect(dry.stdout).not.toContain(id);
    const json = JSON.parse(
      (await cli(dir, ['gc', '--leaked', '--skill-prefix', 'acme-', '--json', '--dry-run'])).stdout,
    ) as {
      resource_changes: {
        address: string;
        kind: string;
        action_reason: string;
        change: { actions: string[] };
      }[];
    };
    expect(
      json.resource_changes.map((c) => [c.address, c.kind, c.change.actions.join(), c.action_reason]),
    ).toEqual([[`skill.${leaked.id}`, 'skill', 'delete', 'leaked']]);
    // Saved for review and read back as any gc plan is.
    const saved = await cli(dir, ['gc', '--leaked', '--skill-prefix', 'acme-', '-o', 'gc.json']);
    expect(saved.code, saved.stderr).toBe(0);
    const shown = await cli(dir, ['show', 'gc.json']);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(`- skill.${leaked.id} (${leaked.id})`);
    expect(deletes(fx())).toBe(0);

    const run = await cli(dir, ['gc', '--leaked', '--skill-prefix', 'acme-', '--auto-approve']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Destroy complete! Resources: 1 destroyed.');
    expect(deletes(fx())).toBe(1);
    expect(await liveIds(fx())).toEqual([ours, staging, foreign.id].sort());

    // From staging's side the same: the default workspace's skill is held, nothing is left to take.
    const fromStaging = await cli(dir, [
      'gc',
      '--leaked',
      '--skill-prefix',
      'acme-',
      '--auto-approve',
      '--workspace',
      'staging',
    ]);
    expect(fromStaging.code, fromStaging.stderr).toBe(0);
    expect(fromStaging.stdout).toContain('Nothing to collect.');
    expect(deletes(fx())).toBe(1);
    expect(await liveIds(fx())).toEqual([ours, staging, foreign.id].sort());
  });

  it('leaves a skill let go with state rm, though no state holds it any more', async () => {
    const { dir, ours, staging } = await appliedInTwoWorkspaces();
    const rm = await cli(dir, ['state', 'rm', 'skill.pdf']);
    expect(rm.code, rm.stderr).toBe(0);
    expect(rm.stdout).toContain(
      `skill.pdf (${ours}): skills carry no stamp; the state records it as let go, so gc --skill-prefix never collects it`,
    );
    const state = JSON.parse(await readFile(path.join(dir, '.assistants/state.json'), 'utf8')) as {
      format_version: number;
      resources: Record<string, unknown>;
      forgotten: { address: string; kind: string; id: string }[];
    };
    expect(state.resources).toEqual({});
    expect(state.format_version).toBe(4);
    expect(state.forgotten).toMatchObject([{ address: 'skill.pdf', kind: 'skill', id: ours }]);

    // Both workspaces look: the forgotten one is this state's record, staging's is staging's.
    for (const where of [[], ['--workspace', 'staging']]) {
      const run = await cli(dir, ['gc', '--leaked', '--skill-prefix', 'acme-', '--auto-approve', ...where]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain('Nothing to collect.');
    }
    expect(deletes(fx())).toBe(0);
    expect(await liveIds(fx())).toEqual([ours, staging].sort());

    // Imported again, it is managed again, and no longer recorded as let go.
    const imported = await cli(dir, ['import', 'skill.pdf', ours]);
    expect(imported.code, imported.stderr).toBe(0);
    const after = JSON.parse(await readFile(path.join(dir, '.assistants/state.json'), 'utf8')) as {
      forgotten?: unknown;
    };
    expect(after.forgotten).toBeUndefined();
    const plan = await cli(dir, ['plan', '--detailed-exitcode']);
    expect(plan.stdout).toContain('No changes');
  });

  it('collects no skill while another workspace state cannot be read, and says why', async () => {
    const { dir } = await appliedInTwoWorkspaces();
    const leaked = await createSkill(fx(), 'acme-leftover');
    await writeFile(path.join(dir, '.assistants/workspaces/staging/state.json'), '{ not json');
    const run = await cli(dir, ['gc', '--leaked', '--skill-prefix', 'acme-', '--auto-approve']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Nothing to collect.');
    expect(run.stderr).toContain(
      'warning[WORKSPACE_STATE_UNREADABLE]: no skill is collected: the state of workspace staging could not be read',
    );
    expect(deletes(fx())).toBe(0);
    expect(await liveIds(fx())).toContain(leaked.id);
  });

  it('collects no skill while a workspace folder cannot even be looked at (not taken as absent)', async () => {
    const { dir } = await appliedInTwoWorkspaces();
    const leaked = await createSkill(fx(), 'acme-leftover');
    const loop = path.join(dir, '.assistants/workspaces/broken');
    await symlink(loop, loop);
    const run = await cli(dir, ['gc', '--leaked', '--skill-prefix', 'acme-', '--auto-approve']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Nothing to collect.');
    expect(run.stderr).toContain(
      'warning[WORKSPACE_STATE_UNREADABLE]: no skill is collected: the state of workspace broken could not be read',
    );
    expect(deletes(fx())).toBe(0);
    expect(await liveIds(fx())).toContain(leaked.id);
  });

  it("with the PostgreSQL backend: another workspace's row holds its skill, a leaked one is deleted", async () => {
    const dir = await workspace({
      'assistants.yaml': 'version: 1\nstack: acme\nskills:\n  pdf: { path: skills/pdf }\n',
      'skills/pdf/SKILL.md': skillMd('acme-pdf'),
    });
    const state = ['--state', postgresUrl(uniqueSchema())];
    for (const where of [[], ['--workspace', 'staging']]) {
      const run = await cli(dir, ['apply', '--auto-approve', ...state, ...where]);
      expect(run.code, run.stderr).toBe(0);
    }
    const held = await liveIds(fx());
    expect(held).toHaveLength(2);
    const leaked = await createSkill(fx(), 'acme-leftover');
    const run = await cli(dir, ['gc', '--leaked', '--skill-prefix', 'acme-', '--auto-approve', ...state]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`skill.${leaked.id}`);
    expect(run.stdout).toContain('Destroy complete! Resources: 1 destroyed.');
    expect(deletes(fx())).toBe(1);
    expect(await liveIds(fx())).toEqual(held);
  });

  it('without --skill-prefix lists no skill at all (no GET /v1/skills), and names a collected one by its name', async () => {
    const { dir } = await appliedInTwoWorkspaces();
    const leaked = await createSkill(fx(), 'acme-leftover');
    const listSkills = () => fx().emulator.core.stats.requests['GET /v1/skills'] ?? 0;
    const before = listSkills();
    const plain = await cli(dir, ['gc', '--leaked', '--auto-approve']);
    expect(plain.code, plain.stderr).toBe(0);
    expect(listSkills()).toBe(before);
    expect(deletes(fx())).toBe(0);

    const shown = await cli(dir, ['gc', '--leaked', '--skill-prefix', 'acme-', '--dry-run']);
    expect(shown.code, shown.stderr).toBe(0);
    expect(listSkills()).toBe(before + 1);
    expect(shown.stdout).toContain(`skill.${leaked.id}`);
    expect(shown.stdout).toContain('"acme-leftover"');
  });

  it('refuses an empty --skill-prefix, and one given with --expired alone', async () => {
    const dir = await workspace({});
    const empty = await cli(dir, ['gc', '--skill-prefix', '']);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('error[USAGE]: --skill-prefix is empty');
    const expired = await cli(dir, ['gc', '--expired', '--skill-prefix', 'acme-']);
    expect(expired.code).toBe(1);
    expect(expired.stderr).toContain('error[USAGE]: --skill-prefix chooses which skills --leaked collects');
  });
});
