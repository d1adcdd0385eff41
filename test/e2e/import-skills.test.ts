import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { type EmulatorFixture, useEmulator } from '../helpers/emulator.js';
import { fakeKey } from '../helpers/fake-key.js';
import { runInProcess } from '../helpers/run-cli.js';
import { workspace } from '../helpers/workspace.js';

// `import skill.NAME ID` through the real CLI against the emulator: the live default version's
// content is downloaded and compared with the local folder; the same content is taken as it is
// (the next plan is a no-op), other content is recorded as not the local folder's (the next plan
// uploads a new version of the same skill). Import itself only reads.

const KEY = fakeKey('sk-e2e-', 16, 'import-skills');
const fx = useEmulator();

function cli(cwd: string, args: string[]) {
  return runInProcess([...args, '--base-url', fx().emulator.url], {
    cwd,
    env: { OPENAI_API_KEY: KEY, CI: 'true' },
  });
}

const SKILL_MD = '---\nname: pdf-tools\ndescription: Reads and fills PDF forms\n---\n\n# PDF tools\n';
const RUN_PY = 'print("pdf")\n';

function stack() {
  return workspace({
    'assistants.yaml': 'version: 1\nskills:\n  pdf-tools: { path: skills/pdf-tools }\n',
    'skills/pdf-tools/SKILL.md': SKILL_MD,
    'skills/pdf-tools/scripts/run.py': RUN_PY,
  });
}

/**
 * A skill made by hand: a folder upload (built as FormData, since the SDK's form builder keeps only
 * the last segment of a file's name), files given by their path in the folder.
 */
function createSkill(client: OpenAI, folder: string, files: Record<string, string>) {
  const form = new FormData();
  for (const [name, text] of Object.entries(files))
    form.append('files[]', new Blob([text]), `${folder}/${name}`);
  return client.skills.create(form as never);
}

/** Requests other than reads the emulator has answered. */
function writes(f: EmulatorFixture): Record<string, number> {
  return Object.fromEntries(
    Object.entries(f.emulator.core.stats.requests).filter(([key]) => !key.startsWith('GET ')),
  );
}

async function recorded(dir: string) {
  const text = await readFile(path.join(dir, '.assistants/state.json'), 'utf8').catch(
    () => '{"resources":{}}',
  );
  const state = JSON.parse(text) as {
    resources: Record<string, { id: string; attributes: Record<string, unknown> }>;
  };
  return state.resources['skill.pdf-tools'];
}

describe('import of a skill against the emulator', () => {
  it('takes a skill whose default version is the local folder: the next plan is a no-op', async () => {
    const dir = await stack();
    // Made under another folder name: the content is the files below it, not the folder's name.
    const skill = await createSkill(fx().client, 'uploaded-as', {
      'SKILL.md': SKILL_MD,
      'scripts/run.py': RUN_PY,
    });
    const before = writes(fx());

    const run = await cli(dir, ['import', 'skill.pdf-tools', skill.id]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Import successful: skill.pdf-tools is ${skill.id}.`);
    expect(writes(fx())).toEqual(before);
    expect(fx().emulator.core.stats.requests['GET /v1/skills/{skill_id}/versions/{version}/content']).toBe(1);
    const resource = await recorded(dir);
    expect(resource?.id).toBe(skill.id);
    expect(resource?.attributes).toMatchObject({
      path: 'skills/pdf-tools',
      name: 'pdf-tools',
      description: 'Reads and fills PDF forms',
      default_version: '1',
      keep_versions: 3,
    });
    expect(resource?.attributes.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(resource?.attributes.sha256).not.toBe('0'.repeat(64));

    const plan = await cli(dir, ['plan', '--detailed-exitcode']);
    expect(plan.stdout).toContain('No changes');
    expect(plan.code).toBe(0);
    expect(writes(fx())).toEqual(before);
  });

  it('takes a skill whose content differs with a note; the next plan uploads the folder as a new version of it', async () => {
    const dir = await stack();
    const skill = await createSkill(fx().client, 'pdf-tools', {
      'SKILL.md': SKILL_MD,
      'scripts/run.py': 'print("an older pdf")\n',
    });
    const before = writes(fx());

    const run = await cli(dir, ['import', 'skill.pdf-tools', skill.id]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      `note: the content of ${skill.id} (version 1) differs from skills/pdf-tools: the next plan uploads skills/pdf-tools as a new version of it\n`,
    );
    expect(writes(fx())).toEqual(before);
    expect((await recorded(dir))?.attributes).toMatchObject({ sha256: '0'.repeat(64), default_version: '1' });

    const plan = await cli(dir, ['plan', '--detailed-exitcode']);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('# skill.pdf-tools will be updated in-place (new version)');
    expect(plan.stdout).toContain(`~ skill.pdf-tools (${skill.id})`);
    expect(plan.stdout).toContain('0 to add, 1 to change, 0 to destroy');

    // Applied: a new version of the same skill, and then nothing more to do.
    const apply = await cli(dir, ['apply', '--auto-approve']);
    expect(apply.code, apply.stderr).toBe(0);
    const live = await fx().client.skills.retrieve(skill.id);
    expect(live.default_version).toBe('2');
    const again = await cli(dir, ['plan', '--detailed-exitcode']);
    expect(again.stdout).toContain('No changes');
    expect(again.code).toBe(0);
  });

  it('refuses a skill the manifests do not define, reading nothing of its content', async () => {
    const dir = await stack();
    const skill = await createSkill(fx().client, 'csv-tools', {
      'SKILL.md': '---\nname: csv-tools\ndescription: Cleans CSV files\n---\n',
    });
    const run = await cli(dir, ['import', 'skill.csv-tools', skill.id]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error[UNDEFINED_REFERENCE]: the manifests do not define skill.csv-tools');
    expect(
      fx().emulator.core.stats.requests['GET /v1/skills/{skill_id}/versions/{version}/content'],
    ).toBeUndefined();
  });

  it("refuses a skill another workspace's state holds, naming it, and one whose state cannot be read; --force takes it", async () => {
    const dir = await stack();
    const applied = await cli(dir, ['apply', '--workspace', 'staging', '--auto-approve']);
    expect(applied.code, applied.stderr).toBe(0);
    const held = (await fx().client.skills.list()).data[0];
    if (!held) throw new Error('staging made no skill');

    const refused = await cli(dir, ['import', 'skill.pdf-tools', held.id]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `error[ALREADY_MANAGED]: ${held.id} ("pdf-tools") is claimed by skill.pdf-tools of workspace staging`,
    );
    expect(refused.stderr).not.toContain('    at ');
    expect(await recorded(dir)).toBeUndefined();
    // Nothing downloaded for a refused skill.
    expect(
      fx().emulator.core.stats.requests['GET /v1/skills/{skill_id}/versions/{version}/content'],
    ).toBeUndefined();

    await writeFile(path.join(dir, '.assistants/workspaces/staging/state.json'), '{ not json');
    const unreadable = await cli(dir, ['import', 'skill.pdf-tools', held.id]);
    expect(unreadable.code).toBe(1);
    expect(unreadable.stderr).toContain(
      `error[ALREADY_MANAGED]: ${held.id} may be managed by workspace staging, whose state could not be read`,
    );
    expect(await recorded(dir)).toBeUndefined();

    const forced = await cli(dir, ['import', 'skill.pdf-tools', held.id, '--force']);
    expect(forced.stderr).toBe('');
    expect(forced.code).toBe(0);
    expect((await recorded(dir))?.id).toBe(held.id);
  });
});
