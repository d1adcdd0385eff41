import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { manifestCommit } from '../../src/cli/git-commit.js';
import { runInProcess } from '../helpers/run-cli.js';
import { workspace } from '../helpers/workspace.js';

const MANIFEST = 'version: 1\nstack: support\nfiles:\n  faq:\n    path: faq.md\n';

describe('the commit named in a Markdown plan', () => {
  it("takes CI's variable first, short", async () => {
    const dir = await workspace({});
    const sha = 'ABCDEF0123456789abcdef0123456789abcdef01';
    expect(await manifestCommit({ GITHUB_SHA: sha }, dir, [])).toBe('abcdef0');
    expect(await manifestCommit({ CI_COMMIT_SHA: '1234567890' }, dir, [])).toBe('1234567');
    // Not a commit id: looked for in git instead (none here).
    expect(await manifestCommit({ GITHUB_SHA: 'main' }, dir, [])).toBeUndefined();
  });

  it("reads HEAD of the manifests' git repository, and names none outside one", async () => {
    const dir = await workspace({ 'stack/assistants.yaml': MANIFEST, 'stack/faq.md': '# FAQ\n' });
    expect(await manifestCommit({}, dir, ['stack'])).toBeUndefined();
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], {
        cwd: path.join(dir, 'stack'),
        stdio: 'pipe',
      });
    git('init', '-q');
    git('add', '.');
    git('commit', '-q', '-m', 'stack');
    const head = git('rev-parse', 'HEAD').toString().trim();
    expect(await manifestCommit({}, dir, ['stack/assistants.yaml'])).toBe(head.slice(0, 7));
    expect(await manifestCommit({}, dir, ['stack'])).toBe(head.slice(0, 7));

    const plan = await runInProcess(['plan', '-f', 'stack', '--refresh=false', '--format', 'markdown'], {
      cwd: dir,
      env: {},
    });
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain(
      `### Plan: stack \`support\`, workspace \`default\`, commit \`${head.slice(0, 7)}\``,
    );
    const ci = await runInProcess(['plan', '-f', 'stack', '--refresh=false', '--format', 'markdown'], {
      cwd: dir,
      env: { GITHUB_SHA: 'f'.repeat(40) },
    });
    expect(ci.stdout).toContain(', commit `fffffff`');
    await mkdir(path.join(dir, 'elsewhere'));
    await writeFile(path.join(dir, 'elsewhere/assistants.yaml'), MANIFEST);
    await writeFile(path.join(dir, 'elsewhere/faq.md'), '# FAQ\n');
    const outside = await runInProcess(
      ['plan', '-f', 'elsewhere', '--refresh=false', '--format', 'markdown'],
      {
        cwd: dir,
        env: {},
      },
    );
    expect(outside.stdout).toContain('### Plan: stack `support`, workspace `default`\n');
  });
});
