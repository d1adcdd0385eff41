import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderedFilesIn } from '../../../src/apply/rendered-files.js';
import { rejection } from '../../helpers/rejection.js';
import { workspace } from '../../helpers/workspace.js';

/** A working folder with a stack in it, and a folder beside it standing for anywhere else. */
async function setup() {
  const top = await workspace({ 'work/.keep': '', 'outside/victim.json': '{"model": "x"}\n' });
  const cwd = path.join(top, 'work');
  const files = renderedFilesIn(cwd, {
    roots: [cwd],
    reserved: [path.join(cwd, '.assistants/state.json'), path.join(cwd, '.assistants/state.journal')],
  });
  return { top, cwd, files };
}

describe('rendered files: written and removed only where agents may be', () => {
  it('writes atomically (no temporary file left), making folders, and reads back', async () => {
    const { cwd, files } = await setup();
    await files.write('build/agents/a.json', '{"model": "gpt-4.1"}\n');
    expect(await readFile(path.join(cwd, 'build/agents/a.json'), 'utf8')).toBe('{"model": "gpt-4.1"}\n');
    expect(await readdir(path.join(cwd, 'build/agents'))).toEqual(['a.json']);
    expect(await files.read('build/agents/a.json')).toEqual({
      status: 'found',
      text: '{"model": "gpt-4.1"}\n',
    });
    await files.remove('build/agents/a.json');
    expect(await files.read('build/agents/a.json')).toEqual({ status: 'missing' });
  });

  it('refuses a path outside the working folder, as a state file edited to name one would', async () => {
    const { top, files } = await setup();
    for (const target of ['../outside/victim.json', path.join(top, 'outside/victim.json')]) {
      expect((await rejection(files.read(target))).code).toBe('PATH_OUTSIDE_ROOT');
      expect((await rejection(files.remove(target))).code).toBe('PATH_OUTSIDE_ROOT');
      expect((await rejection(files.write(target, '{}'))).code).toBe('PATH_OUTSIDE_ROOT');
    }
    expect(await readFile(path.join(top, 'outside/victim.json'), 'utf8')).toBe('{"model": "x"}\n');
  });

  it('refuses a folder that became a link leading outside, before and after making folders', async () => {
    const { top, cwd, files } = await setup();
    await symlink(path.join(top, 'outside'), path.join(cwd, 'build'));
    expect((await rejection(files.write('build/agents/a.json', '{}'))).code).toBe('PATH_OUTSIDE_ROOT');
    expect((await rejection(files.remove('build/victim.json'))).code).toBe('PATH_OUTSIDE_ROOT');
    expect(await readdir(path.join(top, 'outside'))).toEqual(['victim.json']);
  });

  it("never touches the state's own files (the state, its backup, lock, journal, hash cache)", async () => {
    const { cwd, files } = await setup();
    await mkdir(path.join(cwd, '.assistants'));
    for (const name of [
      'state.json',
      'state.json.backup',
      'state.json.lock',
      'state.json.hashes.json',
      'state.journal',
    ]) {
      const target = `.assistants/${name}`;
      expect((await rejection(files.write(target, '{}'))).code).toBe('RENDER_TARGET_EXISTS');
      expect((await rejection(files.remove(target))).code).toBe('RENDER_TARGET_EXISTS');
    }
    expect(await readdir(path.join(cwd, '.assistants'))).toEqual([]);
  });

  it('reads a link, or a file larger than any request, as one that is not a rendered file', async () => {
    const { cwd, files } = await setup();
    await writeFile(path.join(cwd, 'real.json'), '{"model": "x"}');
    await symlink('real.json', path.join(cwd, 'link.json'));
    expect(await files.read('link.json')).toEqual({ status: 'found', text: null });
    await writeFile(path.join(cwd, 'huge.json'), Buffer.alloc(17 * 1024 * 1024, 32));
    expect(await files.read('huge.json')).toEqual({ status: 'found', text: null });
  });
});
