import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runInProcess } from '../helpers/run-cli.js';
import { workspace, yaml } from '../helpers/workspace.js';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/assistants.js');
const run = promisify(execFile);

const STACK = yaml`
  version: 1
  skills:
    pdf-tools:
      path: skills/pdf-tools
  agents:
    bot:
      model: gpt-5-mini
      tools:
        - { type: shell, skills: [pdf-tools] }
`;

const SKILL = {
  'skills/pdf-tools/SKILL.md': '---\nname: pdf-tools\ndescription: Reads PDFs\n---\n# PDF tools\n',
  'skills/pdf-tools/scripts/extract.py': 'print("text")\n',
};

/** Runs the built binary (`npm test` builds first): exit code and output. */
async function assistants(args: string[], cwd: string) {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], {
      cwd,
      env: { PATH: process.env.PATH },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('validate: skills', () => {
  it('accepts a stack with a skill that an agent uses (exit 0)', async () => {
    const dir = await workspace({ 'assistants.yaml': STACK, ...SKILL });
    const result = await runInProcess(['validate'], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(
      'Success! 1 manifest file valid (stack "default"): 0 files, 0 vector stores, 0 store memberships, 0 assistants, 1 skill, 1 agent.\n',
    );
    expect(result.code).toBe(0);
  });

  it('prints each problem of a skill located at its path, and exits 1', async () => {
    const dir = await workspace({
      'assistants.yaml': STACK,
      'skills/pdf-tools/SKILL.md': '# PDF tools, no front matter\n',
      'skills/pdf-tools/secret.txt': { symlink: '/etc/hostname' },
    });
    const result = await runInProcess(['validate'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      [
        `assistants.yaml:4:11 error[PATH_OUTSIDE_ROOT]: skill "pdf-tools": "skills/pdf-tools/secret.txt" is a link that leads outside the manifest root ${dir}`,
        ' 4 |     path: skills/pdf-tools',
        '   |           ^^^^^^^^^^^^^^^^',
        '  = hint: a reviewed manifest must not upload files from elsewhere; pass --allow-outside-root if this is intended',
        '',
        'assistants.yaml:4:11 error[SKILL_FRONT_MATTER_INVALID]: skill "pdf-tools": "skills/pdf-tools/SKILL.md" does not begin with YAML front matter',
        ' 4 |     path: skills/pdf-tools',
        '   |           ^^^^^^^^^^^^^^^^',
        '  = hint: begin SKILL.md with a line ---, then name: and description:, then a line ---',
        '',
        'Validation failed: 2 errors, 0 warnings in 1 manifest file.',
        '',
      ].join('\n'),
    );
  });

  it('the binary: exit 0 on a good skill; exit 1 with diagnostics and no stack trace on a bad one', async () => {
    const good = await workspace({ 'assistants.yaml': STACK, ...SKILL });
    expect(await assistants(['validate'], good)).toMatchObject({ code: 0, stderr: '' });

    const bad = await workspace({
      'assistants.yaml': STACK,
      'skills/pdf-tools/README.md': '# no SKILL.md\n',
    });
    const result = await assistants(['validate'], bad);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^assistants\.yaml:4:11 error\[SKILL_MD_MISSING\]: skill "pdf-tools": folder "skills\/pdf-tools" has no SKILL\.md at its top\n/,
    );
    expect(result.stderr).not.toMatch(/\n\s+at .*:\d+:\d+/);
    expect(result.stderr).not.toContain('INTERNAL');
  });
});
