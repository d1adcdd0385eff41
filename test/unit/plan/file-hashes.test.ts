import { createHash } from 'node:crypto';
import { mkdir, readFile, realpath, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileAddress } from '../../../src/model/address.js';
import type { DesiredFile } from '../../../src/model/desired.js';
import { HashCache } from '../../../src/state/hash-cache.js';
import type { StateDocument } from '../../../src/state/state-document.js';
import { filesToHash, hashDesiredFiles } from '../../../src/workflow/file-hashes.js';
import { rejection } from '../../helpers/rejection.js';
import { workspace } from '../../helpers/workspace.js';

// A whole-second mtime survives utimes exactly, so a test can put a file's mtime back bit for bit.
const MTIME = new Date('2025-01-02T03:04:05.000Z');
const LATER = new Date('2025-06-07T08:09:10.000Z');

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A DesiredFile as the manifest loader builds it: real path, size and mtime from stat. */
async function desiredFile(dir: string, rel: string): Promise<DesiredFile> {
  const filePath = await realpath(path.join(dir, rel));
  const info = await stat(filePath);
  return {
    address: fileAddress(rel),
    name: rel,
    path: filePath,
    relativePath: rel,
    purpose: 'assistants',
    bytes: info.size,
    mtimeMs: info.mtimeMs,
    protect: false,
    origin: 'declared',
    source: { file: path.join(dir, 'assistants.yaml'), line: 1, column: 1 },
  };
}

/** A workspace with these files, every mtime pinned to MTIME; returns it with the cache file's path. */
async function tree(files: Record<string, string | { sparseBytes: number }>) {
  const dir = await workspace(files);
  for (const rel of Object.keys(files)) await utimes(path.join(dir, rel), MTIME, MTIME);
  // In a folder that does not exist yet: saving must create it.
  return { dir, cacheFile: path.join(dir, '.assistants', 'cache', 'hashes.json') };
}

async function run(dir: string, cacheFile: string, names: string[]) {
  const files = await Promise.all(names.map((name) => desiredFile(dir, name)));
  return hashDesiredFiles(files, await HashCache.load(cacheFile));
}

async function expectedHashes(dir: string, names: string[]) {
  return new Map(
    await Promise.all(
      names.map(async (name) => [name, sha256(await readFile(path.join(dir, name)))] as const),
    ),
  );
}

async function cachedPaths(cacheFile: string): Promise<string[]> {
  const parsed = JSON.parse(await readFile(cacheFile, 'utf8')) as { entries: Record<string, unknown> };
  return Object.keys(parsed.entries);
}

const NAMES = ['docs/faq.md', 'docs/guide.md', 'big.bin'];
const FILES = {
  'docs/faq.md': '# FAQ\n',
  'docs/guide.md': 'A guide.\n',
  'big.bin': { sparseBytes: 3 * 1024 * 1024 },
};

describe('hashDesiredFiles with a hash cache', () => {
  it('reads every file on the first run, hashing the bytes with sha256, keyed by name', async () => {
    const { dir, cacheFile } = await tree(FILES);

    const { hashes, read } = await run(dir, cacheFile, NAMES);

    expect(read).toBe(NAMES.length);
    expect(hashes).toEqual(await expectedHashes(dir, NAMES));
    expect(await cachedPaths(cacheFile)).toEqual(
      (await Promise.all(NAMES.map((name) => realpath(path.join(dir, name))))).sort(),
    );
  });

  it('reads none on a second run with a freshly loaded cache, and leaves the cache file alone', async () => {
    const { dir, cacheFile } = await tree(FILES);
    const first = await run(dir, cacheFile, NAMES);
    const before = await stat(cacheFile);

    const second = await run(dir, cacheFile, NAMES);

    expect(second.read).toBe(0);
    expect(second.hashes).toEqual(first.hashes);
    // Nothing added or dropped: no rewrite (a rewrite renames a new file in, with a new inode).
    expect((await stat(cacheFile)).ino).toBe(before.ino);
  });

  it('keeps the cached hash when content changes but size and mtime are restored: content is not re-read', async () => {
    const { dir, cacheFile } = await tree(FILES);
    const first = await run(dir, cacheFile, NAMES);
    const faq = path.join(dir, 'docs/faq.md');
    await writeFile(faq, '# QAF\n'); // same length
    await utimes(faq, MTIME, MTIME);

    const second = await run(dir, cacheFile, NAMES);

    expect(second.read).toBe(0);
    // The stale hash is the proof: had the file been read, this would be sha256('# QAF\n').
    expect(second.hashes.get('docs/faq.md')).toBe(first.hashes.get('docs/faq.md'));
    expect(second.hashes.get('docs/faq.md')).not.toBe(sha256(Buffer.from('# QAF\n')));
  });

  it('re-reads just the file whose size changed', async () => {
    const { dir, cacheFile } = await tree(FILES);
    const first = await run(dir, cacheFile, NAMES);
    const guide = path.join(dir, 'docs/guide.md');
    await writeFile(guide, 'A longer guide.\n');
    await utimes(guide, MTIME, MTIME); // size alone differs

    const second = await run(dir, cacheFile, NAMES);

    expect(second.read).toBe(1);
    expect(second.hashes.get('docs/guide.md')).toBe(sha256(Buffer.from('A longer guide.\n')));
    expect(second.hashes.get('docs/faq.md')).toBe(first.hashes.get('docs/faq.md'));

    // The new hash was cached in turn.
    expect((await run(dir, cacheFile, NAMES)).read).toBe(0);
  });

  it('re-reads just the file whose mtime changed', async () => {
    const { dir, cacheFile } = await tree(FILES);
    const first = await run(dir, cacheFile, NAMES);
    const faq = path.join(dir, 'docs/faq.md');
    await writeFile(faq, '# QAF\n'); // same size: only the mtime can tell
    await utimes(faq, LATER, LATER);

    const second = await run(dir, cacheFile, NAMES);

    expect(second.read).toBe(1);
    expect(second.hashes.get('docs/faq.md')).toBe(sha256(Buffer.from('# QAF\n')));
    expect(second.hashes.get('docs/guide.md')).toBe(first.hashes.get('docs/guide.md'));
  });

  it.each([
    ['not JSON', '{"version": 1, "entries": {'],
    ['another version', JSON.stringify({ version: 99, entries: {} })],
    ['entries of the wrong type', JSON.stringify({ version: 1, entries: 'oops' })],
  ])('ignores a cache file that is %s, rebuilds it, and raises nothing', async (_label, content) => {
    const { dir, cacheFile } = await tree(FILES);
    await mkdir(path.dirname(cacheFile), { recursive: true });
    await writeFile(cacheFile, content);

    const { hashes, read } = await run(dir, cacheFile, NAMES);

    expect(read).toBe(NAMES.length);
    expect(hashes).toEqual(await expectedHashes(dir, NAMES));
    expect(await cachedPaths(cacheFile)).toHaveLength(NAMES.length);
  });

  it('does not trust an entry whose hash is not a string', async () => {
    const { dir, cacheFile } = await tree(FILES);
    await run(dir, cacheFile, NAMES);
    const faqPath = await realpath(path.join(dir, 'docs/faq.md'));
    const parsed = JSON.parse(await readFile(cacheFile, 'utf8'));
    parsed.entries[faqPath].sha256 = null;
    await writeFile(cacheFile, JSON.stringify(parsed));

    const { hashes, read } = await run(dir, cacheFile, NAMES);

    expect(read).toBe(1);
    expect(hashes.get('docs/faq.md')).toBe(sha256(Buffer.from('# FAQ\n')));
  });

  it('drops the entries of files no longer desired when it saves', async () => {
    const { dir, cacheFile } = await tree(FILES);
    await run(dir, cacheFile, NAMES);

    const second = await run(dir, cacheFile, ['docs/faq.md', 'big.bin']);

    expect(second.read).toBe(0);
    expect(await cachedPaths(cacheFile)).toEqual(
      [await realpath(path.join(dir, 'big.bin')), await realpath(path.join(dir, 'docs/faq.md'))].sort(),
    );
  });
});

describe('hashDesiredFiles when a file changed on disk since validation', () => {
  it('a file removed since validation is FILE_NOT_FOUND at its manifest entry, naming its path', async () => {
    const { dir, cacheFile } = await tree(FILES);
    const files = await Promise.all(NAMES.map((name) => desiredFile(dir, name)));
    await rm(path.join(dir, 'docs/guide.md'));

    const error = await rejection(hashDesiredFiles(files, await HashCache.load(cacheFile)));

    expect(error.code).toBe('FILE_NOT_FOUND');
    expect(error.kind).toBe('user');
    expect(error.message).toContain('"docs/guide.md"');
    expect(error.location).toEqual(files[1]?.source);
    expect(error.toDiagnostics()).toHaveLength(1);
    // The others were hashed and cached all the same: the next plan need not read them again.
    expect(await cachedPaths(cacheFile)).toEqual(
      [files[2]?.path, files[0]?.path].map((p) => p as string).sort(),
    );
  });

  it('a file that cannot be read is FILE_UNREADABLE with the reason; every failure is reported at once', async () => {
    const { dir, cacheFile } = await tree(FILES);
    const files = await Promise.all(NAMES.map((name) => desiredFile(dir, name)));
    // A folder where the file was: reading it fails with EISDIR (unlike chmod, this holds even as root).
    await rm(path.join(dir, 'docs/faq.md'));
    await mkdir(path.join(dir, 'docs/faq.md'));
    await rm(path.join(dir, 'big.bin'));

    const error = await rejection(hashDesiredFiles(files, await HashCache.load(cacheFile)));

    expect(error.kind).toBe('user');
    const found = error
      .toDiagnostics()
      .map((d) => ({ code: d.code, message: d.message, location: d.location }));
    expect(found).toHaveLength(2);
    expect(found).toContainEqual({
      code: 'FILE_UNREADABLE',
      message: 'file "docs/faq.md" could not be read to hash it: EISDIR',
      location: files[0]?.source,
    });
    expect(found).toContainEqual(
      expect.objectContaining({ code: 'FILE_NOT_FOUND', location: files[2]?.source }),
    );
    expect(found.find((d) => d.code === 'FILE_NOT_FOUND')?.message).toContain('"big.bin"');
  });
});

describe('filesToHash', () => {
  const files = ['kept.md', 'new.md', 'lost.md'].map(
    (name) => ({ name, address: fileAddress(name) }) as DesiredFile,
  );
  const names = (picked: DesiredFile[]) => picked.map((f) => f.name);

  it('picks the files the state holds and those an interrupted upload left in the journal, not new ones', () => {
    const state = {
      format_version: 1,
      lineage: 'l',
      serial: 2,
      stack: 'default',
      resources: {
        [fileAddress('kept.md')]: { kind: 'file', id: 'file-1' },
        // Not a file: its address could never be a file's, but the kind is what counts.
        'vector_store.new.md': { kind: 'vector_store', id: 'vs_1' },
      },
      pending: [
        { id: 'p1', address: fileAddress('lost.md'), kind: 'file', operation: 'create', started_at: '' },
        { id: 'p2', address: fileAddress('new.md'), kind: 'file', operation: 'delete', started_at: '' },
      ],
    } as unknown as StateDocument;
    expect(names(filesToHash(files, state, false))).toEqual(['kept.md', 'lost.md']);
    expect(names(filesToHash(files, undefined, false))).toEqual([]);
  });

  it('picks every file when all are asked for (a saved plan, import)', () => {
    expect(names(filesToHash(files, undefined, true))).toEqual(['kept.md', 'new.md', 'lost.md']);
  });
});
