import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess } from '../helpers/run-cli.js';
import { workspace } from '../helpers/workspace.js';

// Terraform hands type `-auto-approve` and `-out=p`: each single-dash spelling of a flag in the
// README's CLI reference is answered with the two-dash one, and none is parsed as something else.

const README = readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');
const reference = README.slice(README.indexOf('## CLI reference'));
const block = reference.slice(
  reference.indexOf('```'),
  reference.indexOf('```', reference.indexOf('```') + 3),
);
const documented = [...new Set([...block.matchAll(/--([a-z][a-z-]+)/g)].map((m) => m[1] as string))];

describe('single-dash long flags', () => {
  it('finds the flags of the CLI reference (so the test below covers them)', () => {
    expect(documented).toEqual(
      expect.arrayContaining(['auto-approve', 'target', 'lock-timeout', 'json', 'no-wait']),
    );
    expect(documented.length).toBeGreaterThan(30);
  });

  it.each(documented)('-%s is answered with its two-dash spelling, exit 1, nothing run', async (name) => {
    const dir = await workspace({});
    const run = await runInProcess(['plan', `-${name}`], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`did you mean '--${name}'?`);
    expect(run.stdout).toBe('');
  });

  it('keeps the value: -out=x.plan suggests --out=x.plan, and writes no file named ut=x.plan', async () => {
    const dir = await workspace({ 'assistants.yaml': 'version: 1\n' });
    const run = await runInProcess(['plan', '-out=x.plan'], { cwd: dir, env: { OPENAI_API_KEY: 'sk-test' } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("did you mean '--out=x.plan'?");
    expect(existsSync(path.join(dir, 'ut=x.plan'))).toBe(false);
    expect(existsSync(path.join(dir, 'x.plan'))).toBe(false);
  });

  it.each(['input=false', 'var', 'var-file=prod.tfvars', 'lock=false', 'chdir=stack', 'destroy'])(
    "Terraform's -%s gets advice instead of a mis-parse",
    async (flag) => {
      const run = await runInProcess(['apply', `-${flag}`], { cwd: await workspace({}) });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`unknown option '-${flag}' (a Terraform flag)`);
      expect(run.stderr).toContain('hint:');
    },
  );

  it('leaves short flags with attached values, and anything after --, to the parser', async () => {
    const dir = await workspace({ 'stack.yaml': 'version: 1\n' });
    const attached = await runInProcess(['validate', '-fstack.yaml'], { cwd: dir });
    expect(attached.code, attached.stderr).toBe(0);
  });
});
