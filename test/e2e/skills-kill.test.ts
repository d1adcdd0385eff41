import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliProcess, spawnCli } from '../helpers/apply-process.js';
import { type EmulatorFixture, useEmulator } from '../helpers/emulator.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';
import { workspace } from '../helpers/workspace.js';

// `kill -9` of apply while a skill upload is in flight, then apply again: exactly one skill and
// one new version. Two cuts:
// - the request cut off: the emulator holds each request before reading it (latency), and the kill
//   ends the upload's body midway; nothing is made, and the next apply uploads it;
// - the answer lost: a proxy between the CLI and the emulator holds the answers back; the upload is
//   carried out with nobody left to hear the answer, the case that makes a careless client upload
//   twice; the next apply finds what was made (its journal entry says what to look for).

const HOLD_MS = 1500;
const fx = useEmulator();

const STACK = {
  'assistants.yaml': [
    'version: 1',
    'skills:',
    '  pdf-tools: { path: skills/pdf-tools }',
    'agents:',
    '  helper:',
    '    model: gpt-5-mini',
    '    tools: [{ type: shell, skills: [pdf-tools] }]',
    '    render_to: build/helper.json',
    '',
  ].join('\n'),
  'skills/pdf-tools/SKILL.md': '---\nname: pdf-tools\ndescription: Reads PDF forms\n---\n\nRun run.py.\n',
  'skills/pdf-tools/run.py': 'print("pdf")\n',
};

const args = (dir: string, url: string, command: string[], workspace?: string) => [
  ...command,
  '--state',
  path.join(dir, 'state.json'),
  ...(workspace ? ['--workspace', workspace] : []),
  '--base-url',
  url,
];

/** Each skill's versions, by name. */
async function versions(f: EmulatorFixture): Promise<Record<string, string[]>> {
  const found: Record<string, string[]> = {};
  for await (const skill of f.client.skills.list()) {
    const list: string[] = [];
    for await (const v of f.client.skills.versions.list(skill.id)) list.push(v.version);
    found[skill.name] = [...(found[skill.name] ?? []), ...list.sort()];
  }
  return found;
}

/** Polls until `done`, for at most 20 s. */
async function until(done: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const start = Date.now();
  while (!(await done())) {
    if (Date.now() - start > 20_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const seen = (f: EmulatorFixture, route: string) => f.emulator.core.stats.requests[route] ?? 0;

/** Apply, killed with SIGKILL once the emulator has seen `route`, which it holds until after the kill. */
async function killWhileSending(
  dir: string,
  f: EmulatorFixture,
  route: string,
  workspace?: string,
): Promise<void> {
  await f.control('config', { latency_ms: HOLD_MS });
  const before = seen(f, route);
  const { child, exit } = spawnCli(args(dir, f.emulator.url, ['apply', '--auto-approve'], workspace), dir);
  await until(() => seen(f, route) > before, route);
  child.kill('SIGKILL');
  expect((await exit).signal).toBe('SIGKILL');
  // The held request is read after the kill, cut off: wait it out, then serve at full speed.
  await new Promise((resolve) => setTimeout(resolve, HOLD_MS + 500));
  await f.control('config', { latency_ms: 0 });
}

/** Apply through a proxy that stops passing answers once `made` holds; killed then. */
async function killAfterMade(
  dir: string,
  f: EmulatorFixture,
  route: string,
  made: () => Promise<boolean>,
  workspace?: string,
): Promise<void> {
  const proxy = await startTcpProxy(Number(new URL(f.emulator.url).port));
  try {
    const url = f.emulator.url.replace(/:\d+\//, `:${proxy.port}/`);
    const before = seen(f, route);
    const { child, exit } = spawnCli(args(dir, url, ['apply', '--auto-approve'], workspace), dir);
    await until(() => seen(f, route) > before, route);
    proxy.holdAnswers();
    await until(made, 'the upload to be carried out');
    child.kill('SIGKILL');
    expect((await exit).signal).toBe('SIGKILL');
  } finally {
    await proxy.close();
  }
}

async function applyAgain(dir: string, f: EmulatorFixture, adopted: 0 | 1, workspace?: string) {
  const run = await runCliProcess(args(dir, f.emulator.url, ['apply', '--auto-approve'], workspace), dir);
  // The killed run's journal entry is settled first, and said so on stderr.
  expect(run.stderr).toContain(
    `Settled 1 call an earlier run left unconfirmed: adopted ${adopted}, cleaned up 0.`,
  );
  expect(run.stderr, run.stderr).not.toMatch(/error/i);
  expect(run.code).toBe(0);
  const plan = await runCliProcess(
    args(dir, f.emulator.url, ['plan', '--detailed-exitcode'], workspace),
    dir,
  );
  expect(plan.stdout).toContain('No changes');
  expect(plan.code).toBe(0);
}

/** A stack applied once, then its skill edited: the next apply uploads version 2. */
async function editedStack(f: EmulatorFixture): Promise<string> {
  const dir = await workspace(STACK);
  const first = await runCliProcess(args(dir, f.emulator.url, ['apply', '--auto-approve']), dir);
  expect(first.code).toBe(0);
  await writeFile(path.join(dir, 'skills/pdf-tools/run.py'), 'print("pdf, edited")\n');
  return dir;
}

const CREATE = 'POST /v1/skills';
/** The skill alone: two workspaces' agents would render to the same file. */
const SKILL_ONLY = 'version: 1\nskills:\n  pdf-tools: { path: skills/pdf-tools }\n';
const UPLOAD = 'POST /v1/skills/{skill_id}/versions';

describe('SIGKILL during a skill upload', () => {
  it('the create cut off: nothing is made, and the next apply makes one skill', async () => {
    const f = fx();
    const dir = await workspace(STACK);
    await killWhileSending(dir, f, CREATE);
    expect(await versions(f)).toEqual({});
    await applyAgain(dir, f, 0);
    expect(await versions(f)).toEqual({ 'pdf-tools': ['1'] });
  }, 60_000);

  it("the create's answer lost: the next apply finds the skill and makes no other", async () => {
    const f = fx();
    const dir = await workspace(STACK);
    await killAfterMade(dir, f, CREATE, async () => (await f.client.skills.list()).data.length > 0);
    const creates = seen(f, CREATE);
    await applyAgain(dir, f, 1);
    expect(seen(f, CREATE)).toBe(creates);
    expect(await versions(f)).toEqual({ 'pdf-tools': ['1'] });
  }, 60_000);

  it('a new version cut off: the next apply uploads it once', async () => {
    const f = fx();
    const dir = await editedStack(f);
    await killWhileSending(dir, f, UPLOAD);
    expect(await versions(f)).toEqual({ 'pdf-tools': ['1'] });
    await applyAgain(dir, f, 0);
    expect(await versions(f)).toEqual({ 'pdf-tools': ['1', '2'] });
  }, 60_000);

  it("a new version's answer lost: the next apply takes it as the default and uploads nothing", async () => {
    const f = fx();
    const dir = await editedStack(f);
    await killAfterMade(dir, f, UPLOAD, async () => (await versions(f))['pdf-tools']?.length === 2);
    const uploads = seen(f, UPLOAD);
    await applyAgain(dir, f, 1);
    expect(seen(f, UPLOAD)).toBe(uploads);
    expect(await versions(f)).toEqual({ 'pdf-tools': ['1', '2'] });
    const [skill] = (await f.client.skills.list()).data;
    expect(skill?.default_version).toBe('2');
  }, 60_000);

  it('a create cut off never takes the skill another workspace made moments before for its own', async () => {
    const f = fx();
    const dir = await workspace({ ...STACK, 'assistants.yaml': SKILL_ONLY });
    // Workspace prod makes pdf-tools; seconds later staging's create of the same skill is cut off.
    const prod = await runCliProcess(args(dir, f.emulator.url, ['apply', '--auto-approve'], 'prod'), dir);
    expect(prod.code).toBe(0);
    const prodSkill = (await f.client.skills.list()).data[0]?.id;
    await killWhileSending(dir, f, CREATE, 'staging');
    // Prod's skill is in the lost create's window and has its name: it must not be adopted.
    await applyAgain(dir, f, 0, 'staging');
    const skills = (await f.client.skills.list()).data;
    expect(skills).toHaveLength(2);
    const state = JSON.parse(await readFile(path.join(dir, 'workspaces/staging/state.json'), 'utf8')) as {
      resources: Record<string, { id: string }>;
    };
    expect(state.resources['skill.pdf-tools']?.id).not.toBe(prodSkill);
  }, 60_000);

  it('a create cut off never takes a skill another workspace may be making (its create unsettled)', async () => {
    const f = fx();
    const dir = await workspace({ ...STACK, 'assistants.yaml': SKILL_ONLY });
    // Staging's create is carried out but its answer lost: its journal still holds the create.
    await killAfterMade(
      dir,
      f,
      CREATE,
      async () => (await f.client.skills.list()).data.length > 0,
      'staging',
    );
    const staging = (await f.client.skills.list()).data[0]?.id;
    // Then prod's create of the same skill is cut off before anything is made.
    await killWhileSending(dir, f, CREATE, 'prod');
    await applyAgain(dir, f, 0, 'prod');
    const prod = JSON.parse(await readFile(path.join(dir, 'workspaces/prod/state.json'), 'utf8')) as {
      resources: Record<string, { id: string }>;
    };
    expect(prod.resources['skill.pdf-tools']?.id).not.toBe(staging);
    // Staging settles its own create: it takes its skill back.
    await applyAgain(dir, f, 1, 'staging');
    const stagingState = JSON.parse(
      await readFile(path.join(dir, 'workspaces/staging/state.json'), 'utf8'),
    ) as { resources: Record<string, { id: string }> };
    expect(stagingState.resources['skill.pdf-tools']?.id).toBe(staging);
    expect((await f.client.skills.list()).data).toHaveLength(2);
  }, 60_000);
});
