import { cp, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../helpers/emulator.js';
import { runInProcess } from '../helpers/run-cli.js';
import { workspace } from '../helpers/workspace.js';

// `--replace ADDR` makes one resource anew though nothing forces it: here a file uploaded again
// (new id, old one deleted, its store membership re-pointed), from a saved plan too.

const fx = useEmulator();

function cli(cwd: string, args: string[]) {
  return runInProcess([...args, '--base-url', fx().emulator.url], {
    cwd,
    env: { OPENAI_API_KEY: 'sk-e2e-forced-new', CI: 'true' },
  });
}

async function appliedStack(): Promise<string> {
  const dir = await workspace({});
  await cp(path.resolve('examples/knowledge-base'), path.join(dir, 'stack'), { recursive: true });
  const applied = await cli(dir, ['apply', '-f', 'stack', '--auto-approve']);
  expect(applied.code, applied.stderr).toBe(0);
  return dir;
}

async function ids(dir: string): Promise<Record<string, string>> {
  const state = JSON.parse(await readFile(path.join(dir, '.assistants', 'state.json'), 'utf8'));
  return Object.fromEntries(
    Object.entries(state.resources as Record<string, { id: string }>).map(([at, r]) => [at, r.id]),
  );
}

describe('--replace', () => {
  it('plan -o with --replace, then apply PLANFILE: one new upload, the old file deleted, then no changes', async () => {
    const dir = await appliedStack();
    const before = await ids(dir);
    const planned = await cli(dir, ['plan', '-f', 'stack', '--replace', 'file.release-2-3', '-o', 'p']);
    expect(planned.code, planned.stderr).toBe(0);
    expect(planned.stdout).toContain('# file.release-2-3 must be replaced (as --replace asks)');
    expect(planned.stdout).toContain('Plan: 2 to add, 0 to change, 2 to destroy.');
    // The plan file says what it replaces; apply takes no other --replace with it.
    const refused = await cli(dir, ['apply', 'p', '--replace', 'file.release-2-4']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('records what it replaces');

    const applied = await cli(dir, ['apply', 'p']);
    expect(applied.code, applied.stderr).toBe(0);
    const after = await ids(dir);
    expect(after['file.release-2-3']).not.toBe(before['file.release-2-3']);
    expect(after['file.release-2-4']).toBe(before['file.release-2-4']);
    expect(after['vector_store.release-notes']).toBe(before['vector_store.release-notes']);
    const { client } = fx();
    await expect(client.files.retrieve(before['file.release-2-3'] as string)).rejects.toMatchObject({
      status: 404,
    });
    const members = await client.vectorStores.files.list(after['vector_store.release-notes'] as string);
    expect(members.data.map((m) => m.id).sort()).toEqual(
      [after['file.release-2-3'], after['file.release-2-4']].sort(),
    );
    const again = await cli(dir, ['plan', '-f', 'stack', '--detailed-exitcode']);
    expect(again.code, again.stdout).toBe(0);
  });

  it('refuses an assistant or agent address before reading anything', async () => {
    const dir = await workspace({});
    const refused = await cli(dir, ['apply', '--replace', 'assistant.bot', '--auto-approve']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--replace assistant.bot: assistants are updated in place');
  });
});
