import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess } from '../helpers/run-cli.js';
import { workspace } from '../helpers/workspace.js';

/** What bash offers after `words` (the last one being completed), with the script sourced. */
function bashCompletes(script: string, words: string[]): string[] {
  const array = words.map((w) => `'${w}'`).join(' ');
  const out = execFileSync('bash', [
    '-c',
    `source '${script}'; COMP_WORDS=(${array}); COMP_CWORD=${words.length - 1}; _assistants; printf '%s\\n' "\${COMPREPLY[@]}"`,
  ]).toString();
  return out.split('\n').filter(Boolean);
}

describe('assistants completion', () => {
  it('bash: commands, subcommands and each command its own flags, from the command tree', async () => {
    const dir = await workspace({});
    const run = await runInProcess(['completion', 'bash'], { cwd: dir });
    expect(run.code).toBe(0);
    const script = path.join(dir, 'assistants.bash');
    await writeFile(script, run.stdout);
    execFileSync('bash', ['-n', script]);
    expect(bashCompletes(script, ['assistants', 'wo'])).toEqual(['workspace']);
    expect(bashCompletes(script, ['assistants', 'state', 'p'])).toEqual(['pull', 'push']);
    // A flag's value (the folder after -f) does not count as a subcommand.
    expect(bashCompletes(script, ['assistants', 'plan', '-f', 'stack', '--det'])).toEqual([
      '--detailed-exitcode',
    ]);
    expect(bashCompletes(script, ['assistants', 'gc', '--dry'])).toEqual(['--dry-run']);
    expect(bashCompletes(script, ['assistants', 'apply', '--dry'])).toEqual([]);
  });

  it('zsh and fish scripts name every command; another shell is USAGE', async () => {
    const dir = await workspace({});
    const zsh = await runInProcess(['completion', 'zsh'], { cwd: dir });
    expect(zsh.stdout).toMatch(/^#compdef assistants\n/);
    expect(zsh.stdout).toContain('bashcompinit');
    const fish = await runInProcess(['completion', 'fish'], { cwd: dir });
    for (const command of ['validate', 'plan', 'apply', 'destroy', 'gc', 'state', 'workspace', 'completion'])
      expect(fish.stdout).toContain(`-n '__fish_use_subcommand' -a ${command}\n`);
    expect(fish.stdout).toContain("-n '__fish_seen_subcommand_from gc' -l dry-run");
    const other = await runInProcess(['completion', 'tcsh'], { cwd: dir });
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('assistants completion bash|zsh|fish');
  });
});
