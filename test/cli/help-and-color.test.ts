import { describe, expect, it } from 'vitest';
import { runInProcess } from '../helpers/run-cli.js';
import { workspace } from '../helpers/workspace.js';

describe('help shows what applies', () => {
  it('-f names its one default, never a second "(default: [])"', async () => {
    const dir = await workspace({});
    for (const command of ['plan', 'apply', 'validate', 'import', 'migrate', 'destroy']) {
      const help = await runInProcess([command, '--help'], { cwd: dir });
      expect(help.stdout, command).toMatch(
        /-f, --file <path>\s+manifest file or folder \(repeatable\)\s+\(default:\s+the\s+working\s+folder\)/,
      );
      expect(help.stdout, command).not.toContain('default: []');
    }
  });

  it('no command shows an empty list as a default', async () => {
    const dir = await workspace({});
    const commands = [
      ['validate'],
      ['plan'],
      ['apply'],
      ['destroy'],
      ['gc'],
      ['import'],
      ['migrate'],
      ['emulator'],
      ['state', 'list'],
      ['state', 'show'],
      ['state', 'rm'],
      ['state', 'pull'],
      ['state', 'push'],
      ['workspace', 'list'],
      ['workspace', 'delete'],
      ['output'],
      ['force-unlock'],
    ];
    for (const command of commands) {
      const help = await runInProcess([...command, '--help'], { cwd: dir });
      expect(help.code, command.join(' ')).toBe(0);
      expect(help.stdout, command.join(' ')).not.toContain('default: []');
    }
  });

  it('destroy offers no indexing wait: it has nothing to index', async () => {
    const help = await runInProcess(['destroy', '--help'], { cwd: await workspace({}) });
    expect(help.stdout).not.toContain('--no-wait');
    expect(help.stdout).not.toContain('--wait-timeout');
  });
});

describe('colour', () => {
  // An unknown command's error is painted when colour is on: error[USAGE] in red, bold.
  const colourOf = async (env: Record<string, string>, isTTY = false, flags: string[] = []) => {
    const run = await runInProcess([...flags, 'state', 'show', 'not-an-address'], {
      cwd: await workspace({}),
      env,
      isTTY,
    });
    return run.stderr.includes('\u001b[');
  };

  it('FORCE_COLOR paints output that is not a terminal; NO_COLOR, FORCE_COLOR=0 and --no-color win', async () => {
    expect(await colourOf({})).toBe(false);
    expect(await colourOf({ FORCE_COLOR: '1' })).toBe(true);
    expect(await colourOf({ FORCE_COLOR: '' })).toBe(true);
    expect(await colourOf({ FORCE_COLOR: '0' }, true)).toBe(false);
    expect(await colourOf({ FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(false);
    expect(await colourOf({ FORCE_COLOR: '1' }, false, ['--no-color'])).toBe(false);
    expect(await colourOf({}, true)).toBe(true);
  });
});
