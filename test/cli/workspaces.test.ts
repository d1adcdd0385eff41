import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyState } from '../../src/state/state-document.js';
import { runInProcess } from '../helpers/run-cli.js';
import { LINEAGE, sampleState, stateText } from '../helpers/state-fixtures.js';
import { workspace } from '../helpers/workspace.js';

// Workspaces with the local backend, and state pull/push between files. (The PostgreSQL side is
// in test/e2e/postgres-state.test.ts.)

const STAGING = '.assistants/workspaces/staging/state.json';

describe('workspaces, local backend', () => {
  it('keeps a non-default workspace in .assistants/workspaces/NAME/state.json, chosen by flag or environment', async () => {
    const dir = await workspace({ 'staging.json': stateText(sampleState()) });
    const pushed = await runInProcess(['--workspace', 'staging', 'state', 'push', 'staging.json'], {
      cwd: dir,
    });
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(existsSync(path.join(dir, STAGING))).toBe(true);
    expect(existsSync(path.join(dir, '.assistants/state.json'))).toBe(false);

    const byEnv = await runInProcess(['state', 'list'], {
      cwd: dir,
      env: { ASSISTANTS_WORKSPACE: 'staging' },
    });
    expect(byEnv.stdout.split('\n').filter(Boolean)).toHaveLength(4);
    const byDefault = await runInProcess(['state', 'list'], { cwd: dir });
    expect(byDefault.stdout).toBe('');

    const list = await runInProcess(['workspace', 'list'], { cwd: dir });
    expect(list.stdout).toBe('* default (no state yet)\n  staging\n');
    const json = await runInProcess(['--workspace', 'staging', 'workspace', 'list', '--json'], { cwd: dir });
    expect(JSON.parse(json.stdout)).toEqual(['staging']);
  });

  it('refuses a workspace name that is not plain, before touching anything', async () => {
    const dir = await workspace({});
    for (const name of ['../escape', 'a/b', '', '-dash', 'x'.repeat(64)]) {
      const run = await runInProcess(['--workspace', name, 'state', 'list'], { cwd: dir });
      expect(run.code, name).toBe(1);
      expect(run.stderr, name).toContain('WORKSPACE_INVALID');
    }
    expect(existsSync(path.join(dir, '.assistants'))).toBe(false);
  });

  it('deletes only an empty workspace, never the default one', async () => {
    const dir = await workspace({
      [STAGING]: stateText(sampleState()),
      '.assistants/workspaces/dev/state.json': stateText({ ...emptyState(LINEAGE, 'support'), serial: 3 }),
    });
    const full = await runInProcess(['workspace', 'delete', 'staging'], { cwd: dir });
    expect(full.code).toBe(1);
    expect(full.stderr).toContain('WORKSPACE_NOT_EMPTY');
    expect(full.stderr).toContain('assistants destroy --workspace staging');
    expect(existsSync(path.join(dir, STAGING))).toBe(true);

    const empty = await runInProcess(['workspace', 'delete', 'dev'], { cwd: dir });
    expect(empty.code, empty.stderr).toBe(0);
    expect(existsSync(path.join(dir, '.assistants/workspaces/dev'))).toBe(false);

    const missing = await runInProcess(['workspace', 'delete', 'dev'], { cwd: dir });
    expect(missing.stderr).toContain('WORKSPACE_NOT_FOUND');
    const defaulted = await runInProcess(['workspace', 'delete', 'default'], { cwd: dir });
    expect(defaulted.code).toBe(1);
    expect(defaulted.stderr).toContain('cannot be deleted');
  });

  it('refuses a workspace whose state let a skill go with state rm: that record keeps gc off the skill', async () => {
    const forgotten = [
      { address: 'skill.pdf', kind: 'skill', id: 'skill_abc', at: '2025-01-01T00:00:00.000Z' },
    ];
    const dir = await workspace({
      [STAGING]: stateText({ ...emptyState(LINEAGE, 'support'), serial: 2, forgotten } as never),
    });
    const refused = await runInProcess(['workspace', 'delete', 'staging'], { cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'error[WORKSPACE_NOT_EMPTY]: workspace "staging" let go of 1 skill with state rm (skill.pdf (skill_abc))',
    );
    expect(refused.stderr).toContain('hint: import each into the workspace that is to keep it');
    expect(existsSync(path.join(dir, STAGING))).toBe(true);
  });
});

describe('state pull and push, local files', () => {
  it('pull prints the document a state file holds; push refuses another lineage or an older serial unless --force', async () => {
    const doc = { ...sampleState(), serial: 7 };
    const dir = await workspace({ '.assistants/state.json': stateText(doc) });
    const pulled = await runInProcess(['state', 'pull'], { cwd: dir });
    expect(JSON.parse(pulled.stdout)).toEqual(
      JSON.parse(await readFile(path.join(dir, '.assistants/state.json'), 'utf8')),
    );

    const write = (file: string, value: Parameters<typeof stateText>[0]) =>
      writeFile(path.join(dir, file), stateText(value));
    await write('older.json', { ...doc, serial: 3, stack: 'older' });
    const older = await runInProcess(['state', 'push', 'older.json'], { cwd: dir });
    expect(older.code).toBe(1);
    expect(older.stderr).toContain('STATE_PUSH_REFUSED');
    await write('other.json', sampleState({ lineage: '33333333-3333-4333-8333-333333333333' }));
    const other = await runInProcess(['state', 'push', 'other.json'], { cwd: dir });
    expect(other.stderr).toContain('another state');
    expect(JSON.parse(await readFile(path.join(dir, '.assistants/state.json'), 'utf8')).serial).toBe(7);

    const forced = await runInProcess(['state', 'push', 'older.json', '--force'], { cwd: dir });
    expect(forced.code, forced.stderr).toBe(0);
    const stored = JSON.parse(await readFile(path.join(dir, '.assistants/state.json'), 'utf8'));
    // The serial keeps rising, whatever the file said.
    expect(stored).toMatchObject({ stack: 'older', serial: 8 });
  });

  it('push refuses a file that is not a state document, naming where', async () => {
    const dir = await workspace({ 'bad.json': '{"format_version": 1,' });
    const run = await runInProcess(['state', 'push', 'bad.json'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('bad.json');
    expect(run.stderr).toContain('STATE_CORRUPT');
    expect(existsSync(path.join(dir, '.assistants'))).toBe(false);
  });
});
