import * as fsp from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { validateManifests } from '../../../src/manifest/validate.js';
import { workspace } from '../../helpers/workspace.js';

// Pass-through spies on every way the validator could read a file's content.
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const readFile = vi.fn(real.readFile);
  const open = vi.fn(real.open);
  return { ...real, readFile, open, default: { ...real, readFile, open } };
});
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const readFileSync = vi.fn(real.readFileSync);
  const createReadStream = vi.fn(real.createReadStream);
  const openSync = vi.fn(real.openSync);
  return {
    ...real,
    readFileSync,
    createReadStream,
    openSync,
    default: { ...real, readFileSync, createReadStream, openSync },
  };
});

describe('validate on a glob of 1,000 files', () => {
  it('reads no file content: it stats the matches and reads only the manifest', async () => {
    const docs: Record<string, string> = {};
    for (let i = 0; i < 1000; i++) docs[`docs/section-${i % 10}/page-${i}.md`] = `# Page ${i}\n`;
    const dir = await workspace({
      'assistants.yaml': 'version: 1\nvector_stores:\n  kb:\n    files:\n      - glob: docs/**/*.md\n',
      ...docs,
    });
    const fs = await import('node:fs');
    vi.mocked(fsp.readFile).mockClear();
    vi.mocked(fsp.open).mockClear();

    const result = await validateManifests([], { cwd: dir, env: {} });

    expect(result.errors).toEqual([]);
    expect(result.value?.memberships).toHaveLength(1000);
    expect(result.value?.files[0]).toMatchObject({ bytes: expect.any(Number), mtimeMs: expect.any(Number) });
    const touched = [
      ...vi.mocked(fsp.readFile).mock.calls,
      ...vi.mocked(fsp.open).mock.calls,
      ...vi.mocked(fs.readFileSync).mock.calls,
      ...vi.mocked(fs.createReadStream).mock.calls,
      ...vi.mocked(fs.openSync).mock.calls,
    ].map((call) => String(call[0]));
    expect(touched.filter((p) => p.includes(`${path.sep}docs${path.sep}`))).toEqual([]);
    expect(vi.mocked(fsp.open).mock.calls.map((c) => path.basename(String(c[0])))).toEqual([
      'assistants.yaml',
    ]);
    expect(vi.mocked(fsp.readFile).mock.calls).toEqual([]);
  });
});
