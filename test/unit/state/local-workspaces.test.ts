import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { localWorkspaces, scanLocalWorkspaces } from '../../../src/state/local-workspaces.js';

// Which local workspaces exist: only a missing folder means none; any other error makes a workspace
// (or the whole listing) unreadable, which gc and generate take as "may hold any skill".

async function stateDir(): Promise<{ root: string; stateFile: string }> {
  const root = await mkdtemp(path.join(tmpdir(), 'local-workspaces-'));
  await writeFile(path.join(root, 'state.json'), '{}');
  return { root, stateFile: path.join(root, 'state.json') };
}

describe('scanLocalWorkspaces', () => {
  it('finds only the default workspace when there is no workspaces folder', async () => {
    const { stateFile } = await stateDir();
    expect(await scanLocalWorkspaces(stateFile)).toEqual({ workspaces: ['default'], unreadable: [] });
  });

  it('follows a symlinked workspace folder, and leaves a link to nothing out', async () => {
    const { root, stateFile } = await stateDir();
    const elsewhere = path.join(root, 'elsewhere');
    await mkdir(elsewhere);
    await writeFile(path.join(elsewhere, 'state.json'), '{}');
    await mkdir(path.join(root, 'workspaces'));
    await symlink(elsewhere, path.join(root, 'workspaces', 'staging'));
    await symlink(path.join(root, 'nowhere'), path.join(root, 'workspaces', 'dangling'));
    expect(await scanLocalWorkspaces(stateFile)).toEqual({
      workspaces: ['default', 'staging'],
      unreadable: [],
    });
  });

  it('makes a workspace whose folder cannot be looked at unreadable, not absent', async () => {
    const { root, stateFile } = await stateDir();
    await mkdir(path.join(root, 'workspaces'));
    // A symlink loop: stat fails with ELOOP, whoever runs the test (root reads through chmod 000).
    await symlink(path.join(root, 'workspaces', 'loop'), path.join(root, 'workspaces', 'loop'));
    const scan = await scanLocalWorkspaces(stateFile);
    expect(scan.workspaces).toEqual(['default']);
    expect(scan.unreadable).toEqual([{ workspace: 'loop', reason: expect.stringContaining('ELOOP') }]);
  });

  it('makes the whole listing unreadable when the workspaces folder cannot be listed', async () => {
    const { root, stateFile } = await stateDir();
    await symlink(path.join(root, 'workspaces'), path.join(root, 'workspaces'));
    const scan = await scanLocalWorkspaces(stateFile);
    expect(scan.unreadable).toHaveLength(1);
    expect(scan.unreadable[0]?.reason).toContain('could not be listed');
    await expect(localWorkspaces(stateFile)).rejects.toMatchObject({ code: 'STATE_CORRUPT' });
  });
});
