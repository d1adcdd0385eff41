import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isInside } from '../../../src/manifest/confined-path.js';
import { validateManifests } from '../../../src/manifest/validate.js';
import { fsCalls } from '../../helpers/fs-reads.js';

// Pass-through spies that record every path the validator reads or looks at.
vi.mock('node:fs', async (real) => (await import('../../helpers/fs-reads.js')).spyFs(await real()));
vi.mock('node:fs/promises', async (real) => (await import('../../helpers/fs-reads.js')).spyFs(await real()));

const CANARY = 'CANARY-0b54d2';
/** The package itself: validation reads its own JSON schema from there. */
const PACKAGE = path.resolve(import.meta.dirname, '../../..');

let base: string;
beforeAll(async () => {
  base = await realpath(await mkdtemp(path.join(tmpdir(), 'assistants-iac-reads-')));
  const put = async (rel: string, text: string) => {
    await mkdir(path.dirname(path.join(base, rel)), { recursive: true });
    await writeFile(path.join(base, rel), text);
  };
  const link = async (rel: string, target: string) => {
    await mkdir(path.dirname(path.join(base, rel)), { recursive: true });
    await symlink(target, path.join(base, rel));
  };
  await put('outside/creds.yaml', `version: 1\n${CANARY}: x\n`);
  await put('outside/secret.txt', CANARY);
  await put('outside/prompt.md', CANARY);
  await put('outside/dir/inner.yaml', `version: 1\n${CANARY}: x\n`);
  await put('outside/dir/inner.md', CANARY);
  await put(
    'root/assistants.yaml',
    [
      'version: 1',
      'files:',
      '  key: { path: docs/key.txt }',
      '  up: { path: ../outside/secret.txt }',
      'vector_stores:',
      '  kb:',
      '    files:',
      '      - glob: "docs/**/*.md"',
      '      - glob: "linked/*.md"',
      '      - glob: "**/../**/*.md"',
      '      - glob: "*/*/*.md"',
      'assistants:',
      '  bot: { model: gpt-4o, instructions: { file: prompt.md } }',
      '',
    ].join('\n'),
  );
  await put('root/docs/a.md', '# A');
  await link('root/docs/key.txt', path.join(base, 'outside/secret.txt'));
  await link('root/docs/out', path.join(base, 'outside/dir'));
  await link('root/docs/disk', '/');
  await link('root/docs/loop', '..');
  await link('root/linked', path.join(base, 'outside/dir'));
  await link('root/prompt.md', '../outside/prompt.md');
  await link('root/zz.yaml', path.join(base, 'outside/creds.yaml'));
  await link('root/shared', path.join(base, 'outside'));
  await link('root/disk', '/');
  // A working folder whose manifest and manifest folder are links leading outside.
  await mkdir(path.join(base, 'work'));
  await link('work/assistants.yaml', path.join(base, 'outside/secret.txt'));
  await link('work/stack', path.join(base, 'outside/dir'));
  await link('work/up', '../outside/dir');
});
afterAll(() => rm(base, { recursive: true, force: true }));

describe('validate under hostile links', () => {
  it('reads nothing outside the root, looks at nothing outside it, and shows nothing from there', async () => {
    const root = path.join(base, 'root');
    fsCalls.length = 0;
    const result = await validateManifests(['root'], { cwd: base, env: {} });

    // The working folder itself is looked at: it anchors where -f arguments may lead.
    const outside = fsCalls.filter(
      (call) => call.path !== base && !isInside(root, call.path) && !isInside(PACKAGE, call.path),
    );
    expect(outside).toEqual([]);
    // Something was read: the spies are in place.
    expect(fsCalls.filter((c) => c.kind === 'read').map((c) => path.relative(root, c.path))).toContain(
      'assistants.yaml',
    );
    const shown = JSON.stringify(result);
    expect(shown).not.toContain(CANARY);
    expect(shown).not.toContain(path.join(base, 'outside'));
    // 7 from the manifests' paths and globs, 5 from the folder search: the folder links docs/out,
    // docs/disk, linked, shared and disk lead outside (docs/loop leads back inside: no error).
    expect(result.errors.map((e) => e.code).sort()).toEqual([
      'INVALID_VALUE',
      ...Array(12).fill('PATH_OUTSIDE_ROOT'),
    ]);
  });
});

describe('a manifest path in the working folder that is a link leading outside', () => {
  it.each([
    ['-f assistants.yaml', ['assistants.yaml']],
    ['-f stack', ['stack']],
    ['-f up (a relative link)', ['up']],
    ['-f stack/inner.yaml', ['stack/inner.yaml']],
  ])(
    '%s: refused, and nothing outside the working folder is read or looked at',
    async (_, args: string[]) => {
      const work = path.join(base, 'work');
      fsCalls.length = 0;
      const result = await validateManifests(args, { cwd: work, env: {} });
      expect(result.errors.map((e) => [e.code, e.message])).toEqual([
        [
          'PATH_OUTSIDE_ROOT',
          `manifest path "${args[0]}" is a link that leads outside the working folder; it was not read`,
        ],
      ]);
      expect(result.manifests).toEqual([]);
      const outside = fsCalls.filter((call) => !isInside(work, call.path) && !isInside(PACKAGE, call.path));
      expect(outside).toEqual([]);
      // The spies are in place: the working folder was looked at.
      expect(fsCalls.map((c) => c.path)).toContain(work);
      const shown = JSON.stringify(result);
      expect(shown).not.toContain(CANARY);
      expect(shown).not.toContain(path.join(base, 'outside'));
    },
  );

  it('the working folder (the default): each link is refused, and nothing outside it is read or looked at', async () => {
    const work = path.join(base, 'work');
    fsCalls.length = 0;
    const result = await validateManifests([], { cwd: work, env: {} });
    expect(result.errors.map((e) => [e.code, e.message])).toEqual([
      [
        'PATH_OUTSIDE_ROOT',
        'manifest assistants.yaml is a link that leads outside the folder "."; it was not read',
      ],
      [
        'PATH_OUTSIDE_ROOT',
        'stack is a link that leads outside the folder "."; manifests behind it are not read',
      ],
      [
        'PATH_OUTSIDE_ROOT',
        'up is a link that leads outside the folder "."; manifests behind it are not read',
      ],
    ]);
    expect(result.manifests).toEqual([]);
    const outside = fsCalls.filter((call) => !isInside(work, call.path) && !isInside(PACKAGE, call.path));
    expect(outside).toEqual([]);
    expect(JSON.stringify(result)).not.toContain(CANARY);
  });
});
