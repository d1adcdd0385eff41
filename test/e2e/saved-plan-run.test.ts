import { cp, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../helpers/emulator.js';
import { postgresUrl, uniqueSchema } from '../helpers/postgres-state.js';
import { runInProcess } from '../helpers/run-cli.js';
import { workspace } from '../helpers/workspace.js';

// A saved plan remembers the -f arguments, the state and the workspace it was made against, so
// that the `assistants apply PLANFILE` that plan prints works as printed, from the same folder.

const fx = useEmulator();

function cli(cwd: string, args: string[], env: Record<string, string> = {}) {
  return runInProcess([...args, '--base-url', fx().emulator.url], {
    cwd,
    env: { OPENAI_API_KEY: 'sk-e2e-saved-plan', CI: 'true', ...env },
  });
}

async function stackFolder(): Promise<string> {
  const dir = await workspace({});
  await cp(path.resolve('examples/knowledge-base'), path.join(dir, 'stack'), { recursive: true });
  return dir;
}

describe('apply PLANFILE uses what the plan was made against', () => {
  it('plan -f stack -o p, then apply p with no flags, into the state and workspace of the plan', async () => {
    const dir = await stackFolder();
    const planned = await cli(dir, [
      'plan',
      '-f',
      'stack',
      '--state',
      's.json',
      '--workspace',
      'staging',
      '-o',
      'p',
    ]);
    expect(planned.code, planned.stderr).toBe(0);
    expect(planned.stdout).toContain('apply it with: assistants apply p');
    const saved = JSON.parse(await readFile(path.join(dir, 'p'), 'utf8'));
    expect(saved).toMatchObject({ workspace: 'staging', run: { manifests: ['stack'], state: 's.json' } });

    const applied = await cli(dir, ['apply', 'p']);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain('Apply complete!');
    const again = await cli(dir, [
      'plan',
      '-f',
      'stack',
      '--state',
      's.json',
      '--workspace',
      'staging',
      '--detailed-exitcode',
    ]);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    // A flag given at apply still wins: another workspace is refused, not silently used.
    const other = await cli(dir, ['apply', 'p', '--workspace', 'prod']);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('was made for workspace "staging"');
  });

  it('records a PostgreSQL state without its password; apply takes the password from PGPASSWORD', async () => {
    const dir = await stackFolder();
    const url = new URL(postgresUrl(uniqueSchema()));
    const password = decodeURIComponent(url.password);
    const planned = await cli(dir, ['plan', '-f', 'stack', '--state', url.toString(), '-o', 'p']);
    expect(planned.code, planned.stderr).toBe(0);
    const text = await readFile(path.join(dir, 'p'), 'utf8');
    expect(text).not.toContain(password);
    url.password = '';
    expect(JSON.parse(text).run.state).toBe(url.toString());

    const applied = await cli(dir, ['apply', 'p'], { PGPASSWORD: password });
    expect(applied.code, applied.stderr).toBe(0);
    const again = await cli(dir, ['plan', '-f', 'stack', '--detailed-exitcode', '--state', url.toString()], {
      PGPASSWORD: password,
    });
    expect(again.code, again.stdout + again.stderr).toBe(0);
  });
});
