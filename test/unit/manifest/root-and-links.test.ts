import { link, mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { validateManifests } from '../../../src/manifest/validate.js';
import { brief, check, onlyError } from '../../helpers/validate.js';
import { type FileSpec, workspace, yaml } from '../../helpers/workspace.js';

/** A string that lives only outside the manifest root: it must never appear in any finding. */
const CANARY = 'CANARY-7c1e9b';

/** A folder outside every workspace, holding `files`; removed when the test ends. */
async function outside(files: Record<string, string>): Promise<string> {
  const dir = await realpath(await mkdtemp(path.join(tmpdir(), 'assistants-iac-outside-')));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), text);
  }
  return dir;
}

/** Validates with `-f` arguments from inside a workspace of `files`. */
async function validateIn(files: Record<string, FileSpec>, args: string[]) {
  const dir = await workspace(files);
  return { dir, ...(await validateManifests(args, { cwd: dir, env: {} })) };
}

const VALID = 'version: 1\nfiles:\n  a: { path: a.md }\n';

describe('searching a folder given with -f stays inside it', () => {
  it('a manifest link that leads outside is an error naming the link; the target is neither read nor named', async () => {
    const out = await outside({ 'creds.yaml': `version: 1\n${CANARY}: leaked\n` });
    const result = await validateIn(
      { 'root/a.yaml': VALID, 'root/a.md': '# A', 'root/zz.yaml': { symlink: path.join(out, 'creds.yaml') } },
      ['root'],
    );
    expect(result.errors.map(brief)).toEqual([
      'PATH_OUTSIDE_ROOT manifest root/zz.yaml is a link that leads outside the folder "root"; it was not read',
    ]);
    expect(result.manifests).toEqual(['root/a.yaml']);
    const everything = JSON.stringify(result);
    expect(everything).not.toContain(CANARY);
    expect(everything).not.toContain(out);
  });

  it('a folder link that leads outside is not searched, and is an error: its manifests would silently be missing', async () => {
    const out = await outside({ 'evil.yaml': `version: 1\n${CANARY}: leaked\n` });
    const files = { 'root/a.yaml': VALID, 'root/a.md': '# A', 'root/shared': { symlink: out } };
    const result = await validateIn(files, ['root']);
    expect(result.errors.map(brief)).toEqual([
      'PATH_OUTSIDE_ROOT root/shared is a link that leads outside the folder "root"; manifests behind it are not read',
    ]);
    expect(result.manifests).toEqual(['root/a.yaml']);
    expect(JSON.stringify(result)).not.toContain(CANARY);
    expect(JSON.stringify(result)).not.toContain(out);
    // With --allow-outside-root it is said, not refused; the folder is still not searched.
    const dir = await workspace(files);
    const allowed = await validateManifests(['root'], { cwd: dir, env: {}, allowOutsideRoot: true });
    expect(allowed.errors).toEqual([]);
    expect(allowed.warnings.map((w) => w.code)).toEqual(['PATH_OUTSIDE_ROOT']);
    expect(allowed.manifests).toEqual(['root/a.yaml']);
  });

  it('a link to / is not followed, so the search does not crawl the disk', { timeout: 10_000 }, async () => {
    const result = await validateIn(
      { 'root/a.yaml': VALID, 'root/a.md': '# A', 'root/disk': { symlink: '/' } },
      ['root'],
    );
    expect(result.errors.map((e) => e.code)).toEqual(['PATH_OUTSIDE_ROOT']);
    expect(result.manifests).toEqual(['root/a.yaml']);
  });

  it('a link to a file outside that is not named like a manifest is left alone', async () => {
    const out = await outside({ 'logo.png': 'PNG' });
    const result = await validateIn(
      { 'root/a.yaml': VALID, 'root/a.md': '# A', 'root/logo.png': { symlink: path.join(out, 'logo.png') } },
      ['root'],
    );
    expect(result.errors).toEqual([]);
  });

  it('a manifest link to a manifest inside the folder reads that manifest once', async () => {
    const result = await validateIn(
      { 'root/a.yaml': VALID, 'root/a.md': '# A', 'root/b.yaml': { symlink: 'a.yaml' } },
      ['root'],
    );
    expect(result.errors).toEqual([]);
    expect(result.manifests).toEqual(['root/a.yaml']);
  });
});

describe('referenced paths stay inside the root', () => {
  it('a path written outside the root is named as written, never resolved', async () => {
    const result = await check('version: 1\nfiles:\n  doc: { path: ../secrets/id_rsa.txt }\n');
    const error = onlyError(result);
    expect(brief(error)).toBe(
      `assistants.yaml:3:16 PATH_OUTSIDE_ROOT path "../secrets/id_rsa.txt" is outside the manifest root ${result.dir}`,
    );
    expect(error.message).not.toContain(path.join(path.dirname(result.dir), 'secrets'));
  });

  it('a link to an outside file is named as written; where it leads is not shown', async () => {
    const out = await outside({ 'id_rsa.txt': CANARY });
    const result = await check('version: 1\nfiles:\n  doc: { path: docs/key.txt }\n', {
      'docs/key.txt': { symlink: path.join(out, 'id_rsa.txt') },
    });
    expect(brief(onlyError(result))).toBe(
      `assistants.yaml:3:16 PATH_OUTSIDE_ROOT path "docs/key.txt" is a link that leads outside the manifest root ${result.dir}`,
    );
    expect(JSON.stringify(result)).not.toContain(out);
  });

  it('a link leading outside to nothing is outside, not missing: validation does not probe outside', async () => {
    const out = await outside({});
    const result = await check('version: 1\nfiles:\n  doc: { path: key.txt }\n', {
      'key.txt': { symlink: path.join(out, 'no-such-file') },
    });
    expect(onlyError(result).code).toBe('PATH_OUTSIDE_ROOT');
    expect(JSON.stringify(result)).not.toContain(out);
  });

  it('an instructions file linked from outside is refused without being read', async () => {
    const out = await outside({ 'prompt.md': CANARY });
    const result = await check(
      'version: 1\nassistants:\n  bot: { model: gpt-4o, instructions: { file: prompt.md } }\n',
      { 'prompt.md': { symlink: path.join(out, 'prompt.md') } },
    );
    expect(onlyError(result).code).toBe('PATH_OUTSIDE_ROOT');
    expect(JSON.stringify(result)).not.toContain(CANARY);
  });

  it('two entries under files: that are one file on disk are an error at the second', async () => {
    const result = await check(
      yaml`
      version: 1
      files:
        handbook: { path: docs/handbook.pdf }
        manual: { path: docs/manual.pdf }
        again: { path: docs/handbook.pdf, purpose: user_data }
    `,
      { 'docs/handbook.pdf': '%PDF', 'docs/manual.pdf': { symlink: 'handbook.pdf' } },
    );
    const error = onlyError(result);
    expect(brief(error)).toBe(
      'assistants.yaml:4:19 DUPLICATE_FILE file "manual" is the same file on disk as file "handbook" (docs/handbook.pdf)',
    );
    expect(error.related?.[0]?.location).toMatchObject({ line: 3, column: 21 });
  });
});

describe('globs stay inside the root', () => {
  /** A root two levels below the workspace, and a file above it that no glob may reach. */
  const nested = (manifest: string, more: Record<string, FileSpec> = {}) =>
    validateIn(
      {
        'a/b/root/assistants.yaml': manifest,
        'a/b/root/docs/x.md': '# X',
        [`a/${CANARY}.md`]: 'secret',
        ...more,
      },
      ['a/b/root'],
    );
  const glob = (pattern: string) =>
    `version: 1\nvector_stores:\n  kb:\n    files:\n      - glob: "${pattern}"\n`;

  it.each(['**/../../**/*.md', 'docs/../*.md', '../*.md', '{..,docs}/*.md', 'docs/@(..)/x.md', '**/..'])(
    'refuses ".." anywhere in a glob before walking: %s',
    async (pattern) => {
      const result = await nested(glob(pattern));
      expect(result.errors.map(brief)).toEqual([
        `a/b/root/assistants.yaml:5:15 INVALID_VALUE glob "${pattern}" contains "..": a glob may only look below the manifest file's folder`,
      ]);
      expect(JSON.stringify(result)).not.toContain(CANARY);
    },
  );

  it('refuses an absolute glob, also with --allow-outside-root', async () => {
    const dir = await workspace({ 'assistants.yaml': glob('/**/*.md') });
    for (const allowOutsideRoot of [false, true]) {
      const result = await validateManifests([], { cwd: dir, env: {}, allowOutsideRoot });
      expect(result.errors.map(brief)).toEqual([
        `assistants.yaml:5:15 INVALID_VALUE glob "/**/*.md" is absolute; a glob is written relative to the manifest file's folder`,
      ]);
    }
  });

  it.each(['{/tmp/x,docs}/*.md', 'docs/{a,/etc}/*', '@(/etc|docs)/*.md', '{docs,C:/x}/*.md', '{,/}*'])(
    'refuses an absolute path among the alternatives of a glob, also with --allow-outside-root: %s',
    async (pattern) => {
      const dir = await workspace({ 'assistants.yaml': glob(pattern), 'docs/a.md': '# A' });
      for (const allowOutsideRoot of [false, true]) {
        const result = await validateManifests([], { cwd: dir, env: {}, allowOutsideRoot });
        expect(result.errors.map(brief)).toEqual([
          `assistants.yaml:5:15 INVALID_VALUE glob "${pattern}" has an absolute path among its alternatives; a glob is written relative to the manifest file's folder`,
        ]);
      }
    },
  );

  it.each(['docs/{a,b}.md', 'docs/@(a|b).md', '{docs,other}/**/*.md'])(
    'lets relative alternatives through: %s',
    async (pattern) => {
      const result = await check(glob(pattern), { 'docs/a.md': '# A' });
      expect(result.errors).toEqual([]);
    },
  );

  it('does not walk through a folder link that leads outside: one error naming the link, nothing behind it', async () => {
    const out = await outside({ [`${CANARY}.md`]: CANARY });
    const result = await check(glob('docs/**/*.md'), { 'docs/a.md': '# A', 'docs/linked': { symlink: out } });
    expect(brief(onlyError(result))).toBe(
      `assistants.yaml:5:15 PATH_OUTSIDE_ROOT glob "docs/**/*.md" reaches 1 link that leads outside the manifest root ${result.dir}: docs/linked`,
    );
    expect(JSON.stringify(result)).not.toContain(CANARY);
    expect(JSON.stringify(result)).not.toContain(out);
  });

  it('a glob whose folder is a link leading outside names the link', async () => {
    const out = await outside({ 'a.md': CANARY });
    const result = await check(glob('linked/*.md'), { linked: { symlink: out } });
    expect(brief(onlyError(result))).toBe(
      `assistants.yaml:5:15 PATH_OUTSIDE_ROOT glob "linked/*.md" reaches 1 link that leads outside the manifest root ${result.dir}: linked`,
    );
  });

  it('a file link that leads outside is named as matched', async () => {
    const out = await outside({ 'secret.md': CANARY });
    const result = await check(glob('*.md'), {
      'a.md': '# A',
      'zz.md': { symlink: path.join(out, 'secret.md') },
    });
    expect(brief(onlyError(result))).toBe(
      `assistants.yaml:5:15 PATH_OUTSIDE_ROOT glob "*.md" reaches 1 link that leads outside the manifest root ${result.dir}: zz.md`,
    );
  });

  it('a link to / under a glob is not walked', { timeout: 10_000 }, async () => {
    const result = await check(glob('docs/**/*.md'), { 'docs/a.md': '# A', 'docs/disk': { symlink: '/' } });
    expect(onlyError(result).message).toContain('reaches 1 link that leads outside the manifest root');
  });

  it('with --allow-outside-root, a glob follows a folder link that leads outside, as before', async () => {
    const out = await outside({ 'shared.md': '# Shared' });
    const result = await check(
      glob('docs/**/*.md'),
      { 'docs/a.md': '# A', 'docs/linked': { symlink: out } },
      { allowOutsideRoot: true },
    );
    expect(result.errors).toEqual([]);
    expect(result.value?.files.map((f) => [f.name, f.path])).toEqual([
      ['docs/a.md', path.join(result.dir, 'docs/a.md')],
      ['docs/linked/shared.md', path.join(out, 'shared.md')],
    ]);
  });

  it('under "**", any link leading outside counts: what it leads to, file or folder, is not looked at', async () => {
    const out = await outside({ 'logo.png': CANARY });
    const result = await check(glob('docs/**/*.md'), {
      'docs/a.md': '# A',
      'docs/logo.png': { symlink: path.join(out, 'logo.png') },
    });
    expect(onlyError(result).message).toMatch(
      /reaches 1 link that leads outside the manifest root .*: docs\/logo\.png$/,
    );
  });

  it('a link that does not match the glob is left alone', async () => {
    const out = await outside({ 'a.md': CANARY });
    const result = await check(glob('docs/*.md'), { 'docs/a.md': '# A', 'docs/elsewhere': { symlink: out } });
    expect(result.errors).toEqual([]);
  });
});

describe('one real file is one file, and link loops end', () => {
  const store = (...patterns: string[]) =>
    `version: 1\nvector_stores:\n  kb:\n    files:\n${patterns.map((p) => `      - glob: "${p}"\n`).join('')}`;

  it('a folder link that loops back is not followed: each file once, and a warning naming the link', async () => {
    const result = await check(store('docs/**/*.md'), {
      'docs/a.md': '# A',
      'docs/sub/b.md': '# B',
      'docs/sub/up': { symlink: '..' },
      'docs/self': { symlink: '.' },
    });
    expect(result.errors).toEqual([]);
    expect(result.value?.files.map((f) => f.name)).toEqual(['docs/a.md', 'docs/sub/b.md']);
    expect(result.warnings.map(brief)).toEqual([
      'assistants.yaml:5:15 LINK_LOOP glob "docs/**/*.md" does not follow 2 links that loop or lead back to a folder it is already searching: docs/self, docs/sub/up',
    ]);
  });

  it('a loop through two folder links ends', async () => {
    const result = await check(store('**/*.md'), {
      'a/x.md': '# X',
      'b/y.md': '# Y',
      'a/to-b': { symlink: '../b' },
      'b/to-a': { symlink: '../a' },
    });
    expect(result.errors).toEqual([]);
    expect(result.value?.files.map((f) => f.name)).toEqual(['a/x.md', 'b/y.md']);
    expect(result.value?.memberships).toHaveLength(2);
  });

  it('a file reached directly and through a folder link is one member, named by its direct path', async () => {
    const result = await check(store('docs/**/*.md'), {
      'docs/v2/a.md': '# A',
      'docs/current': { symlink: 'v2' },
    });
    expect(result.errors).toEqual([]);
    expect(result.value?.files.map((f) => f.name)).toEqual(['docs/v2/a.md']);
    expect(result.value?.memberships.map((m) => m.address)).toEqual(['vector_store_file.kb/docs/v2/a.md']);
  });

  it('a file link and its target matched by one glob are one member', async () => {
    const result = await check(store('docs/*.md'), { 'docs/a.md': '# A', 'docs/b.md': { symlink: 'a.md' } });
    expect(result.errors).toEqual([]);
    expect(result.value?.files.map((f) => f.name)).toEqual(['docs/a.md']);
  });

  it('a file reached only through a folder link keeps the name it was reached by', async () => {
    const result = await check(store('docs/current/*.md'), {
      'docs/v2/a.md': '# A',
      'docs/current': { symlink: 'v2' },
    });
    expect(result.errors).toEqual([]);
    expect(result.value?.files.map((f) => [f.name, f.relativePath])).toEqual([
      ['docs/current/a.md', 'docs/v2/a.md'],
    ]);
  });

  it('two stores whose globs reach one file under two names share one file', async () => {
    const result = await check(
      yaml`
      version: 1
      vector_stores:
        one: { files: [{ glob: "docs/v2/*.md" }] }
        two: { files: [{ glob: "docs/current/*.md" }] }
    `,
      { 'docs/v2/a.md': '# A', 'docs/current': { symlink: 'v2' } },
    );
    expect(result.errors).toEqual([]);
    expect(result.value?.files.map((f) => f.name)).toEqual(['docs/v2/a.md']);
    expect(result.value?.memberships.map((m) => m.address)).toEqual([
      'vector_store_file.one/docs/v2/a.md',
      'vector_store_file.two/docs/v2/a.md',
    ]);
  });

  it('one store whose two globs reach one file under two names lists it twice: an error', async () => {
    const result = await check(store('docs/v2/*.md', 'docs/current/*.md'), {
      'docs/v2/a.md': '# A',
      'docs/current': { symlink: 'v2' },
    });
    expect(brief(onlyError(result))).toBe(
      'assistants.yaml:6:15 DUPLICATE_MEMBER vector store "kb" lists file "docs/v2/a.md" twice',
    );
  });

  describe('hard links', () => {
    /** Validates `manifest` in a workspace of `files` where each [link, target] is a hard link. */
    const withHardLinks = async (
      manifest: string,
      files: Record<string, string>,
      links: [string, string][],
    ) => {
      const dir = await workspace({ 'assistants.yaml': manifest, ...files });
      for (const [name, target] of links) {
        await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
        await link(path.join(dir, target), path.join(dir, name));
      }
      return validateManifests([], { cwd: dir, env: {} });
    };

    it('a file and its hard link matched by globs are one member and one upload', async () => {
      const result = await withHardLinks(
        store('docs/*.md', 'other/*.md'),
        { 'docs/a.md': '# A', 'other/x.md': '# X' },
        [
          ['docs/b.md', 'docs/a.md'],
          ['other/y.md', 'docs/a.md'],
        ],
      );
      // Within one glob, the second name is dropped; across two globs of one store, listed twice.
      expect(result.errors.map(brief)).toEqual([
        'assistants.yaml:6:15 DUPLICATE_MEMBER vector store "kb" lists file "docs/a.md" twice',
      ]);
      const single = await withHardLinks(store('docs/*.md'), { 'docs/a.md': '# A' }, [
        ['docs/b.md', 'docs/a.md'],
      ]);
      expect(single.errors).toEqual([]);
      expect(single.value?.files.map((f) => [f.name, f.relativePath])).toEqual([['docs/a.md', 'docs/a.md']]);
    });

    it('two stores whose globs reach a file under two hard-linked names share one file', async () => {
      const result = await withHardLinks(
        yaml`
        version: 1
        vector_stores:
          one: { files: [{ glob: "v1/*.md" }] }
          two: { files: [{ glob: "v2/*.md" }] }
      `,
        { 'v2/a.md': '# A' },
        [['v1/a.md', 'v2/a.md']],
      );
      expect(result.errors).toEqual([]);
      expect(result.value?.files.map((f) => [f.name, f.relativePath])).toEqual([['v1/a.md', 'v1/a.md']]);
      expect(result.value?.memberships.map((m) => m.address)).toEqual([
        'vector_store_file.one/v1/a.md',
        'vector_store_file.two/v1/a.md',
      ]);
    });

    it('two entries under files: that are hard links to one file are one file: an error at the second', async () => {
      const result = await withHardLinks(
        'version: 1\nfiles:\n  handbook: { path: handbook.pdf }\n  manual: { path: manual.pdf }\n',
        { 'handbook.pdf': '%PDF' },
        [['manual.pdf', 'handbook.pdf']],
      );
      expect(result.errors.map(brief)).toEqual([
        'assistants.yaml:4:19 DUPLICATE_FILE file "manual" is the same file on disk as file "handbook" (manual.pdf and handbook.pdf are hard links to one file)',
      ]);
    });

    it('a glob match that is a hard link to a declared file goes by the declared name', async () => {
      const result = await withHardLinks(
        'version: 1\nfiles:\n  handbook: { path: handbook.md }\nvector_stores:\n  kb: { files: [{ glob: "docs/*.md" }] }\n',
        { 'handbook.md': '# H' },
        [['docs/copy.md', 'handbook.md']],
      );
      expect(result.errors).toEqual([]);
      expect(result.value?.files.map((f) => f.name)).toEqual(['handbook']);
      expect(result.value?.memberships.map((m) => m.address)).toEqual(['vector_store_file.kb/handbook']);
    });
  });

  it('a link chain that loops (a -> b -> a) matched by a glob is skipped with a warning', async () => {
    const result = await check(store('*.md'), {
      'ok.md': '# OK',
      'a.md': { symlink: 'b.md' },
      'b.md': { symlink: 'a.md' },
    });
    expect(result.errors).toEqual([]);
    expect(result.value?.files.map((f) => f.name)).toEqual(['ok.md']);
    expect(result.warnings.map((w) => w.code)).toEqual(['LINK_LOOP']);
    expect(result.warnings[0]?.message).toContain(': a.md, b.md');
  });

  it('a path that is a looping link is a located error', async () => {
    const result = await check('version: 1\nfiles:\n  doc: { path: a.md }\n', {
      'a.md': { symlink: 'b.md' },
      'b.md': { symlink: 'a.md' },
    });
    expect(brief(onlyError(result))).toBe('assistants.yaml:3:16 LINK_LOOP path "a.md" is a link that loops');
  });
});
