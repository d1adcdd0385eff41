import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { postgresUrl, uniqueSchema } from '../helpers/postgres-state.js';
import { runInProcess } from '../helpers/run-cli.js';
import { sampleState, stateText } from '../helpers/state-fixtures.js';
import { workspace } from '../helpers/workspace.js';

// `state mv` on both backends, offline (no key: the stamps are left for the next apply).

const MANIFEST = 'version: 1\nstack: support\n';

async function list(dir: string, state: string[]): Promise<string[]> {
  const run = await runInProcess(['state', 'list', ...state], { cwd: dir });
  expect(run.code, run.stderr).toBe(0);
  return run.stdout.trim().split('\n');
}

describe('state mv', () => {
  it('moves a store with its memberships in a PostgreSQL state, under its lock', async () => {
    const dir = await workspace({ 'assistants.yaml': MANIFEST });
    const state = ['--state', postgresUrl(uniqueSchema())];
    await writeFile(path.join(dir, 'a.json'), stateText(sampleState()));
    const pushed = await runInProcess(['state', 'push', 'a.json', ...state], { cwd: dir });
    expect(pushed.code, pushed.stderr).toBe(0);

    const moved = await runInProcess(
      ['state', 'mv', 'vector_store.support-kb', 'vector_store.kb', ...state],
      {
        cwd: dir,
      },
    );
    expect(moved.code, moved.stderr).toBe(0);
    expect(moved.stdout).toContain(
      [
        'Moved vector_store.support-kb to vector_store.kb',
        'Moved vector_store_file.support-kb/handbook to vector_store_file.kb/handbook',
        'Moved 2 resources in ',
      ].join('\n'),
    );
    expect(moved.stdout).toContain(
      'vector_store.kb (vs_def456): its ownership stamp still names the old address (OPENAI_API_KEY is not set); the next apply updates it in place',
    );
    expect(await list(dir, state)).toEqual([
      'assistant.support-bot',
      'file.handbook',
      'vector_store.kb',
      'vector_store_file.kb/handbook',
    ]);
    const shown = await runInProcess(['state', 'show', 'vector_store_file.kb/handbook', '--json', ...state], {
      cwd: dir,
    });
    expect(JSON.parse(shown.stdout).dependencies).toEqual(['vector_store.kb', 'file.handbook']);
  });

  it('moves a file in a local state, and --dry-run changes nothing', async () => {
    const dir = await workspace({
      'assistants.yaml': MANIFEST,
      '.assistants/state.json': stateText(sampleState()),
    });
    const file = path.join(dir, '.assistants/state.json');
    const before = await readFile(file, 'utf8');
    const dry = await runInProcess(['state', 'mv', '--dry-run', 'file.handbook', 'file.manual'], {
      cwd: dir,
    });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toBe(
      [
        'Would move file.handbook to file.manual',
        'Would move vector_store_file.support-kb/handbook to vector_store_file.support-kb/manual',
        `Would move 2 resources in ${path.join('.assistants', 'state.json')}; nothing was changed (--dry-run).`,
        '',
      ].join('\n'),
    );
    expect(await readFile(file, 'utf8')).toBe(before);

    const moved = await runInProcess(['state', 'mv', 'file.handbook', 'file.manual'], { cwd: dir });
    expect(moved.code, moved.stderr).toBe(0);
    expect(await list(dir, [])).toEqual([
      'assistant.support-bot',
      'file.manual',
      'vector_store.support-kb',
      'vector_store_file.support-kb/manual',
    ]);
    const doc = JSON.parse(await readFile(file, 'utf8'));
    expect(doc.serial).toBe(4);
    expect(doc.resources['file.manual'].id).toBe(sampleState().resources['file.handbook']?.id);
  });
});
