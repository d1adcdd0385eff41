import { cp, readFile, writeFile } from 'node:fs/promises';
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

describe('show PLANFILE prints the saved plan as plan printed it', () => {
  it('text, Markdown and JSON of a first plan and of an update read the same from the file', async () => {
    const dir = await stackFolder();
    const saved = '\nSaved the plan to p; apply it with: assistants apply p\n';
    const compare = async () => {
      const text = await cli(dir, ['plan', '-f', 'stack', '-o', 'p']);
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout.endsWith(saved)).toBe(true);
      const shown = await cli(dir, ['show', 'p']);
      expect(shown.code, shown.stderr).toBe(0);
      expect(shown.stdout).toBe(text.stdout.slice(0, -saved.length));

      const markdown = await cli(dir, ['plan', '-f', 'stack', '--format', 'markdown', '-o', 'p']);
      const shownMarkdown = await cli(dir, ['show', 'p', '--format', 'markdown']);
      expect(shownMarkdown.code, shownMarkdown.stderr).toBe(0);
      expect(shownMarkdown.stdout).toBe(markdown.stdout);

      const json = await cli(dir, ['plan', '-f', 'stack', '--json', '-o', 'p']);
      const shownJson = await cli(dir, ['show', 'p', '--json']);
      expect(shownJson.code, shownJson.stderr).toBe(0);
      expect(JSON.parse(shownJson.stdout)).toEqual(JSON.parse(json.stdout));
      return text.stdout;
    };
    // A first plan: every value only apply will know (ids) read back as "(known after apply)".
    const first = await compare();
    expect(first).toContain('known after apply');
    expect((await cli(dir, ['apply', 'p'])).code).toBe(0);

    // An update in place: the changed attributes are worked out again from before and after.
    const manifest = path.join(dir, 'stack', 'vector-stores.yaml');
    await writeFile(
      manifest,
      (await readFile(manifest, 'utf8')).replace('name: Release notes', 'name: Release notes (all)'),
    );
    const update = await compare();
    expect(update).toContain('~ vector_store.release-notes');
    expect(update).toContain('1 to change');
  });

  it('refuses a file that is not a saved plan, located, and prints nothing else', async () => {
    const dir = await stackFolder();
    expect((await cli(dir, ['plan', '-f', 'stack', '-o', 'p'])).code).toBe(0);
    const text = await readFile(path.join(dir, 'p'), 'utf8');
    await writeFile(path.join(dir, 'p'), text.replace('"refreshed": true', '"refreshed": "yes"'));
    const shown = await cli(dir, ['show', 'p']);
    expect(shown.code).toBe(1);
    expect(shown.stdout).toBe('');
    const line = text.split('\n').findIndex((l) => l.includes('"refreshed"')) + 1;
    expect(shown.stderr).toContain('PLAN_FILE_INVALID');
    expect(shown.stderr).toContain(`p:${line}:`);
    expect(shown.stderr).toContain('/refreshed must be boolean');
    expect(shown.stderr).not.toContain('    at ');

    const missing = await cli(dir, ['show', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('there is no such file');
  });
});
