import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type EmulatorFixture, useEmulator } from '../helpers/emulator.js';
import { fakeKey } from '../helpers/fake-key.js';
import { mermaidBlocks, parseMermaid } from '../helpers/mermaid-parse.js';
import { runInProcess } from '../helpers/run-cli.js';
import { workspace } from '../helpers/workspace.js';

// Skills end to end, through the real CLI against the emulator over HTTP: two skills and an agent
// that uses one; an edit is a new version of the same skill and a new pin in the agent; old
// versions are pruned past keep_versions; destroy leaves no skill.

const KEY = fakeKey('sk-e2e-', 16, 'skills');
const fx = useEmulator();

function cli(cwd: string, args: string[]) {
  return runInProcess([...args, '--base-url', fx().emulator.url], {
    cwd,
    env: { CI: 'true', OPENAI_API_KEY: KEY },
  });
}

const MANIFEST = [
  'version: 1',
  'skills:',
  '  pdf-tools: { path: skills/pdf-tools }',
  '  csv-tools: { path: skills/csv-tools, keep_versions: 2 }',
  'agents:',
  '  helper:',
  '    model: gpt-5-mini',
  '    instructions: Use the skills.',
  '    tools:',
  '      - type: shell',
  '        skills: [pdf-tools]',
  '    render_to: build/helper.json',
  '',
].join('\n');

function skillMd(name: string, description: string): string {
  return `---\nname: ${name}\ndescription: ${description}\n---\n\n# ${name}\n\nRun scripts/run.py.\n`;
}

const STACK = {
  'assistants.yaml': MANIFEST,
  'skills/pdf-tools/SKILL.md': skillMd('pdf-tools', 'Reads and fills PDF forms'),
  'skills/pdf-tools/scripts/run.py': 'print("pdf")\n',
  'skills/csv-tools/SKILL.md': skillMd('csv-tools', 'Cleans CSV files'),
};

/** The skills the emulator holds, by name: their default, latest and every version. */
async function liveSkills(f: EmulatorFixture) {
  const found: Record<string, { id: string; default: string; versions: string[] }> = {};
  for await (const skill of f.client.skills.list()) {
    const versions: string[] = [];
    for await (const v of f.client.skills.versions.list(skill.id)) versions.push(v.version);
    found[skill.name] = {
      id: skill.id,
      default: skill.default_version,
      versions: versions.sort((a, b) => Number(a) - Number(b)),
    };
  }
  return found;
}

/** The skill versions the rendered agent pins. */
async function pinned(dir: string): Promise<unknown[]> {
  const request = JSON.parse(await readFile(path.join(dir, 'build/helper.json'), 'utf8')) as {
    tools: { environment?: { skills?: unknown[] } }[];
  };
  return request.tools[0]?.environment?.skills ?? [];
}

async function edit(dir: string, n: number) {
  await writeFile(path.join(dir, 'skills/pdf-tools/scripts/run.py'), `print("pdf ${n}")\n`);
}

async function applyOk(dir: string) {
  const run = await cli(dir, ['apply', '--auto-approve']);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return run;
}

async function expectNoChanges(dir: string) {
  const again = await cli(dir, ['plan', '--detailed-exitcode']);
  expect(again.stdout).toContain('No changes');
  expect(again.code).toBe(0);
}

/** A stack at version 2 of pdf-tools whose default was then moved back to 1 by hand. */
async function defaultMovedByHand(): Promise<string> {
  const dir = await workspace(STACK);
  await applyOk(dir);
  await edit(dir, 2);
  await applyOk(dir);
  const id = (await liveSkills(fx()))['pdf-tools']?.id as string;
  await fx().client.skills.update(id, { default_version: '1' });
  return dir;
}

describe('skills end to end', () => {
  it('makes skills, versions an edit, pins it in the agent, prunes old versions and destroys them all', async () => {
    const dir = await workspace(STACK);
    await applyOk(dir);
    // New skills have one version each: nothing to prune, no version listed.
    const stats = (await fx().control('stats')) as { requests: Record<string, number> };
    expect(stats.requests['GET /v1/skills/{skill_id}/versions']).toBeUndefined();
    let live = await liveSkills(fx());
    expect(Object.keys(live).sort()).toEqual(['csv-tools', 'pdf-tools']);
    expect(live['pdf-tools']).toMatchObject({ default: '1', versions: ['1'] });
    const id = live['pdf-tools']?.id;
    expect(await pinned(dir)).toEqual([{ type: 'skill_reference', skill_id: id, version: '1' }]);
    await expectNoChanges(dir);

    // One file of the skill edited: a new version of the same skill, and the agent's pin with it.
    await edit(dir, 2);
    const plan = await cli(dir, ['plan', '--detailed-exitcode']);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('# skill.pdf-tools will be updated in-place (new version)');
    expect(plan.stdout).toMatch(/~ skill\.pdf-tools \(skill_/);
    expect(plan.stdout).toContain('# agent.helper will be updated in-place');
    expect(plan.stdout).toMatch(/version:\s+"1" -> \(known after apply\)/);
    expect(plan.stdout).not.toContain('skill.csv-tools');
    expect(plan.stdout).toContain('0 to add, 2 to change, 0 to destroy');
    const json = JSON.parse((await cli(dir, ['plan', '--json'])).stdout) as {
      resource_changes: { address: string; action_reason: string; change: { actions: string[] } }[];
    };
    const byAddress = Object.fromEntries(
      json.resource_changes.map((c) => [c.address, `${c.change.actions.join(',')} (${c.action_reason})`]),
    );
    expect(byAddress['skill.pdf-tools']).toBe('update (new_version)');
    expect(byAddress['agent.helper']).toBe('update (changed)');
    // The review comment: the skill with the agents, its graph node parsed by Mermaid itself.
    const markdown = (await cli(dir, ['plan', '--format', 'markdown'])).stdout;
    expect(markdown).toContain('#### Agents, assistants and skills');
    expect(markdown).toContain('~ <code>skill.pdf-tools</code> will be updated in-place (new version)');
    const [graph] = mermaidBlocks(markdown);
    expect(graph).toContain('[["skill.pdf-tools"]]');
    expect((await parseMermaid(graph as string)).diagramType).toBe('flowchart-v2');

    await applyOk(dir);
    live = await liveSkills(fx());
    expect(live['pdf-tools']).toMatchObject({ id, default: '2', versions: ['1', '2'] });
    expect(await pinned(dir)).toEqual([{ type: 'skill_reference', skill_id: id, version: '2' }]);
    await expectNoChanges(dir);

    // Five more edits: keep_versions (3) versions remain, the newest the default and pinned.
    for (let n = 3; n <= 7; n++) {
      await edit(dir, n);
      await applyOk(dir);
    }
    live = await liveSkills(fx());
    expect(live['pdf-tools']).toMatchObject({ id, default: '7', versions: ['5', '6', '7'] });
    expect(live['csv-tools']).toMatchObject({ default: '1', versions: ['1'] });
    expect(await pinned(dir)).toEqual([{ type: 'skill_reference', skill_id: id, version: '7' }]);
    await expectNoChanges(dir);

    const destroy = await cli(dir, ['destroy', '--auto-approve']);
    expect(destroy.code).toBe(0);
    expect(await liveSkills(fx())).toEqual({});
  }, 120_000);

  it('apply --refresh-only takes a default moved by hand; the next plan uploads the folder as a new version', async () => {
    const dir = await defaultMovedByHand();
    const accepted = await cli(dir, ['apply', '--refresh-only', '--auto-approve']);
    expect(accepted.code).toBe(0);
    const state = JSON.parse(await readFile(path.join(dir, '.assistants/state.json'), 'utf8')) as {
      resources: Record<string, { attributes: { default_version: string } }>;
    };
    expect(state.resources['skill.pdf-tools']?.attributes.default_version).toBe('1');
    // Version 1 is not what the folder holds now: the plan uploads it again, and the agent follows.
    const plan = await cli(dir, ['plan', '--detailed-exitcode']);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('# skill.pdf-tools will be updated in-place (new version)');
    await applyOk(dir);
    expect((await liveSkills(fx()))['pdf-tools']).toMatchObject({ default: '3', versions: ['1', '2', '3'] });
    await expectNoChanges(dir);
  }, 60_000);

  it('a skill folder moved with its content is no change; the state records the new path', async () => {
    const dir = await workspace(STACK);
    await applyOk(dir);
    await rename(path.join(dir, 'skills/pdf-tools'), path.join(dir, 'skills/pdf'));
    await writeFile(
      path.join(dir, 'assistants.yaml'),
      MANIFEST.replace('skills/pdf-tools }', 'skills/pdf }'),
    );
    await expectNoChanges(dir);
    const requests = (await fx().control('stats')) as { requests: Record<string, number> };
    await applyOk(dir);
    const after = (await fx().control('stats')) as { requests: Record<string, number> };
    const posts = (r: Record<string, number>) =>
      Object.entries(r)
        .filter(([route]) => route.startsWith('POST ') || route.startsWith('DELETE '))
        .reduce((sum, [, n]) => sum + n, 0);
    expect(posts(after.requests)).toBe(posts(requests.requests));
    const state = JSON.parse(await readFile(path.join(dir, '.assistants/state.json'), 'utf8')) as {
      resources: Record<string, { attributes: { path: string } }>;
    };
    expect(state.resources['skill.pdf-tools']?.attributes.path).toBe('skills/pdf');
  }, 60_000);

  it('prunes a version left pinned by a --target run once the agent moves on', async () => {
    const dir = await workspace({
      ...STACK,
      'assistants.yaml': MANIFEST.replace(
        'path: skills/pdf-tools }',
        'path: skills/pdf-tools, keep_versions: 1 }',
      ),
    });
    await applyOk(dir);
    await edit(dir, 2);
    const targeted = await cli(dir, ['apply', '--auto-approve', '--target', 'skill.pdf-tools']);
    expect(targeted.code).toBe(0);
    // The agent was left out: it still pins version 1, which is kept though keep_versions is 1.
    expect((await liveSkills(fx()))['pdf-tools']).toMatchObject({ default: '2', versions: ['1', '2'] });
    expect(await pinned(dir)).toMatchObject([{ version: '1' }]);
    await applyOk(dir);
    expect(await pinned(dir)).toMatchObject([{ version: '2' }]);
    expect((await liveSkills(fx()))['pdf-tools']).toMatchObject({ default: '2', versions: ['2'] });
    await expectNoChanges(dir);
  }, 60_000);

  it('keeps a skill an agent still names by id, with a warning, when it leaves the manifests', async () => {
    const dir = await workspace(STACK);
    await applyOk(dir);
    const id = (await liveSkills(fx()))['csv-tools']?.id as string;
    // The agent names csv-tools by its id; then csv-tools leaves skills:.
    const manifest = MANIFEST.replace(
      '  csv-tools: { path: skills/csv-tools, keep_versions: 2 }\n',
      '',
    ).replace('        skills: [pdf-tools]', `        skills: [pdf-tools]\n        skill_ids: [${id}]`);
    await writeFile(path.join(dir, 'assistants.yaml'), manifest);
    const run = await cli(dir, ['apply', '--auto-approve']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('SKILL_IN_USE');
    expect(Object.keys(await liveSkills(fx())).sort()).toEqual(['csv-tools', 'pdf-tools']);
  }, 60_000);

  it('shows a default moved by hand as drift and moves it back', async () => {
    const dir = await defaultMovedByHand();
    const plan = await cli(dir, ['plan', '--detailed-exitcode']);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toMatch(/default_version:\s+"1" -> "2"/);
    await applyOk(dir);
    expect((await liveSkills(fx()))['pdf-tools']).toMatchObject({ default: '2', versions: ['1', '2'] });
    await expectNoChanges(dir);
  }, 60_000);
});
