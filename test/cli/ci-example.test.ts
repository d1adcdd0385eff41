import { execFileSync, spawnSync } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { workspace } from '../helpers/workspace.js';

// The example CI workflow must never lose the state: its "Commit the state" step is run here, as
// written, against real git repositories (a bare "origin" and a clone standing for the runner's
// checkout), with main moved on meanwhile, with the state changed on main meanwhile, and with
// pushes refused (branch protection).

interface Step {
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}

async function steps(file: string, job: string): Promise<Step[]> {
  const workflow = parse(await readFile(path.resolve('examples/ci', file), 'utf8')) as {
    jobs: Record<string, { steps: Step[] }>;
  };
  return workflow.jobs[job]?.steps ?? [];
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'test',
      GIT_AUTHOR_EMAIL: 'test@example.invalid',
      GIT_COMMITTER_NAME: 'test',
      GIT_COMMITTER_EMAIL: 'test@example.invalid',
    },
  });
}

/** origin (bare, main with one commit holding a state), and a runner's clone of it. */
async function repos(): Promise<{ origin: string; runner: string; other: string; bin: string }> {
  const dir = await workspace({});
  const origin = path.join(dir, 'origin.git');
  const seed = path.join(dir, 'seed');
  git(dir, 'init', '-q', '--bare', '-b', 'main', origin);
  await mkdir(path.join(seed, '.assistants'), { recursive: true });
  git(seed, 'init', '-q', '-b', 'main');
  await writeFile(path.join(seed, '.assistants/state.json'), '{"serial": 1}\n');
  await writeFile(path.join(seed, 'README.md'), 'stack\n');
  git(seed, 'add', '.');
  git(seed, 'commit', '-q', '-m', 'seed');
  git(seed, 'push', '-q', origin, 'main');
  const runner = path.join(dir, 'runner');
  const other = path.join(dir, 'other');
  git(dir, 'clone', '-q', origin, runner);
  git(dir, 'clone', '-q', origin, other);
  // The retry loop waits between pushes; a stand-in `sleep` keeps the test quick.
  const bin = path.join(dir, 'bin');
  await mkdir(bin);
  await writeFile(path.join(bin, 'sleep'), '#!/bin/sh\nexit 0\n');
  await chmod(path.join(bin, 'sleep'), 0o755);
  return { origin, runner, other, bin };
}

function runStep(script: string, cwd: string, bin: string) {
  return spawnSync('bash', ['-e', '-c', script], {
    cwd,
    encoding: 'utf8',
    env: {
      PATH: `${bin}:${process.env.PATH}`,
      HOME: cwd,
      GITHUB_SHA: '0123456789abcdef',
      GITHUB_RUN_ID: '42',
      GITHUB_RUN_ATTEMPT: '1',
      GIT_COMMITTER_NAME: 'test',
      GIT_COMMITTER_EMAIL: 'test@example.invalid',
    },
  });
}

async function commitStep(file: string, job: string): Promise<string> {
  const step = (await steps(file, job)).find((s) => s.name === 'Commit the state');
  expect(step?.if).toBe('always()');
  return step?.run as string;
}

describe('the example CI workflows keep the state', () => {
  for (const [file, job] of [
    ['assistants.yml', 'apply'],
    ['gc.yml', 'gc'],
  ] as const) {
    it(`${file}: uploads the state as an artifact whatever happened, before committing it`, async () => {
      const all = await steps(file, job);
      const upload = all.findIndex((s) => s.uses?.startsWith('actions/upload-artifact@'));
      const commit = all.findIndex((s) => s.name === 'Commit the state');
      expect(upload).toBeGreaterThan(-1);
      expect(upload).toBeLessThan(commit);
      expect(all[upload]?.if).toBe('always()');
      expect(String(all[upload]?.with?.path)).toContain('.assistants/state.json');
      // The rebase needs history.
      expect(all[0]?.with?.['fetch-depth']).toBe(0);
    });

    it(`${file}: when main moved on meanwhile, rebases the state commit onto it and pushes`, async () => {
      const { origin, runner, other, bin } = await repos();
      await writeFile(path.join(other, 'README.md'), 'stack, edited\n');
      git(other, 'commit', '-q', '-am', 'someone merged meanwhile');
      git(other, 'push', '-q', 'origin', 'main');

      await writeFile(path.join(runner, '.assistants/state.json'), '{"serial": 2}\n');
      const run = runStep(await commitStep(file, job), runner, bin);
      expect(run.status, `${run.stdout}${run.stderr}`).toBe(0);
      expect(git(origin, 'show', 'main:.assistants/state.json')).toBe('{"serial": 2}\n');
      expect(git(origin, 'show', 'main:README.md')).toBe('stack, edited\n');
    });

    it(`${file}: when the state changed on main meanwhile, stops and points at the artifact`, async () => {
      const { origin, runner, other, bin } = await repos();
      await writeFile(path.join(other, '.assistants/state.json'), '{"serial": 9}\n');
      git(other, 'commit', '-q', '-am', 'another apply');
      git(other, 'push', '-q', 'origin', 'main');

      await writeFile(path.join(runner, '.assistants/state.json'), '{"serial": 2}\n');
      const run = runStep(await commitStep(file, job), runner, bin);
      expect(run.status).toBe(1);
      expect(run.stdout).toMatch(/::error::.*artifact/);
      expect(git(origin, 'show', 'main:.assistants/state.json')).toBe('{"serial": 9}\n');
    });

    it(`${file}: when every push is refused, fails the job and points at the artifact`, async () => {
      const { origin, runner, bin } = await repos();
      const hook = path.join(origin, 'hooks', 'pre-receive');
      await writeFile(hook, '#!/bin/sh\necho "protected branch" >&2\nexit 1\n');
      await chmod(hook, 0o755);
      await writeFile(path.join(runner, '.assistants/state.json'), '{"serial": 2}\n');
      const run = runStep(await commitStep(file, job), runner, bin);
      expect(run.status).toBe(1);
      expect(run.stdout).toMatch(/::error::could not push the state.*artifact/);
    });
  }
});
