import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { brief, check, onlyError } from '../../helpers/validate.js';
import { yaml } from '../../helpers/workspace.js';

const file = (p: string) => `version: 1\nfiles:\n  doc:\n    path: ${p}\n`;

describe('referenced files', () => {
  it('must exist', async () => {
    const result = await check(file('docs/missing.pdf'));
    const error = onlyError(result);
    expect(brief(error)).toMatch(
      /^assistants\.yaml:4:11 FILE_NOT_FOUND file "docs\/missing\.pdf" does not exist \(looked for \/.*\/docs\/missing\.pdf\)$/,
    );
  });

  it('must be regular files, not folders', async () => {
    const result = await check(file('docs'), { 'docs/a.md': '# A' });
    const error = onlyError(result);
    expect(brief(error)).toBe('assistants.yaml:4:11 NOT_A_REGULAR_FILE path "docs" is a folder');
    expect(error.hint).toMatch(/glob member/);
  });

  it('must be at most 512 MB (checked from the size, without reading)', async () => {
    const result = await check(file('big.pdf'), { 'big.pdf': { sparseBytes: 512 * 2 ** 20 + 1 } });
    expect(brief(onlyError(result))).toBe(
      'assistants.yaml:4:11 FILE_TOO_LARGE file "big.pdf" is 512.0 MB; the API accepts at most 512 MB',
    );
    const ok = await check(file('big.pdf'), { 'big.pdf': { sparseBytes: 512 * 2 ** 20 } });
    expect(ok.errors).toEqual([]);
  });

  it('attached to a vector store, must have a type file_search reads', async () => {
    const result = await check(
      yaml`
      version: 1
      files:
        sales: { path: sales.xlsx }
      vector_stores:
        kb: { files: [sales] }
    `,
      { 'sales.xlsx': 'PK' },
    );
    const error = onlyError(result);
    expect(brief(error)).toBe(
      'assistants.yaml:5:17 UNSUPPORTED_FILE_TYPE file "sales" (sales.xlsx) cannot be indexed by file_search: its type .xlsx is not supported',
    );
    expect(error.hint).toMatch(/^file_search reads \.c \.cpp .*\.md \.pdf/);
  });

  it('matched by a glob for a vector store, must all have a type file_search reads', async () => {
    const result = await check(
      yaml`
      version: 1
      vector_stores:
        kb:
          files:
            - glob: docs/*
    `,
      { 'docs/a.md': '# A', 'docs/logo.png': 'png', 'docs/data.csv': 'a,b' },
    );
    expect(brief(onlyError(result))).toBe(
      'assistants.yaml:5:15 UNSUPPORTED_FILE_TYPE glob "docs/*" matches 2 files that file_search cannot index: docs/data.csv, docs/logo.png',
    );
  });

  it('given to code_interpreter with an unlisted type, is a warning', async () => {
    const result = await check(
      yaml`
      version: 1
      files:
        model: { path: model.parquet }
      assistants:
        bot:
          model: gpt-4o
          tools: [{ type: code_interpreter }]
          tool_resources: { code_interpreter: { files: [model] } }
    `,
      { 'model.parquet': 'PAR1' },
    );
    expect(result.errors).toEqual([]);
    expect(result.warnings.map(brief)).toEqual([
      'assistants.yaml:8:51 UNSUPPORTED_FILE_TYPE file "model" (model.parquet) has a type code_interpreter does not list as supported: .parquet',
    ]);
  });

  it('an instructions file must exist', async () => {
    const result = await check(yaml`
      version: 1
      assistants:
        bot:
          model: gpt-4o
          instructions: { file: prompts/bot.md }
    `);
    expect(onlyError(result)).toMatchObject({
      code: 'FILE_NOT_FOUND',
      location: { line: 5, column: 27 },
    });
  });
});

describe('globs', () => {
  it('a glob that matches nothing is an error', async () => {
    const result = await check(
      yaml`
      version: 1
      vector_stores:
        kb:
          files:
            - glob: docs/**/*.md
    `,
      { 'docs/readme.txt': 'x' },
    );
    const error = onlyError(result);
    expect(brief(error)).toBe('assistants.yaml:5:15 GLOB_NO_MATCH glob "docs/**/*.md" matches no file');
  });

  it('names each match by its path relative to the manifest root, so adding a file renames nothing', async () => {
    const manifest = yaml`
      version: 1
      vector_stores:
        kb:
          files:
            - glob: docs/**/*.md
              attributes: { category: docs }
    `;
    const before = await check(manifest, { 'docs/a.md': 'a', 'docs/faq/b.md': 'b' });
    const after = await check(manifest, { 'docs/a.md': 'a', 'docs/0-new.md': 'n', 'docs/faq/b.md': 'b' });
    expect(before.value?.files.map((f) => f.name)).toEqual(['docs/a.md', 'docs/faq/b.md']);
    expect(after.value?.files.map((f) => f.name)).toEqual(['docs/0-new.md', 'docs/a.md', 'docs/faq/b.md']);
    expect(after.value?.memberships.map((m) => [m.address, m.attributes])).toEqual([
      ['vector_store_file.kb/docs/0-new.md', { category: 'docs' }],
      ['vector_store_file.kb/docs/a.md', { category: 'docs' }],
      ['vector_store_file.kb/docs/faq/b.md', { category: 'docs' }],
    ]);
  });

  it('a match that is also declared under files: goes by its declared name', async () => {
    const result = await check(
      yaml`
      version: 1
      files:
        handbook: { path: docs/handbook.md }
      vector_stores:
        kb: { files: [{ glob: "docs/*.md" }] }
    `,
      { 'docs/handbook.md': 'h', 'docs/faq.md': 'f' },
    );
    expect(result.value?.files.map((f) => [f.name, f.origin])).toEqual([
      ['docs/faq.md', 'glob'],
      ['handbook', 'declared'],
    ]);
  });

  it('a derived name that a declared file already uses is an error', async () => {
    const result = await check(
      yaml`
      version: 1
      files:
        faq.md: { path: other/faq.md }
      vector_stores:
        kb: { files: [{ glob: "*.md" }] }
    `,
      { 'faq.md': 'f', 'other/faq.md': 'g' },
    );
    const error = onlyError(result);
    expect(brief(error)).toBe(
      'assistants.yaml:5:25 DUPLICATE_NAME a glob matches "faq.md", a name already taken by another file',
    );
  });
});

describe('the manifest root', () => {
  it('a path leading outside the root is an error', async () => {
    const result = await check(file('../secrets/id_rsa.txt'));
    const error = onlyError(result);
    expect(brief(error)).toMatch(
      /^assistants\.yaml:4:11 PATH_OUTSIDE_ROOT path "\.\.\/secrets\/id_rsa\.txt" is outside the manifest root \//,
    );
    expect(error.hint).toMatch(/--allow-outside-root/);
  });

  it('a symlink inside the root whose target is outside is an error', async () => {
    const outside = await mkdtemp(path.join(tmpdir(), 'assistants-iac-outside-'));
    onTestFinished(() => rm(outside, { recursive: true, force: true }));
    await writeFile(path.join(outside, 'id_rsa.txt'), 'secret');
    const result = await check(file('docs/key.txt'), {
      'docs/key.txt': { symlink: path.join(outside, 'id_rsa.txt') },
    });
    const error = onlyError(result);
    expect(error.code).toBe('PATH_OUTSIDE_ROOT');
    expect(error.message).toContain('path "docs/key.txt" is a link that leads outside the manifest root');
    expect(error.message).not.toContain(outside);
    expect(error.location).toMatchObject({ line: 4, column: 11 });
  });

  it('a glob reaching outside the root is one error naming the link it would follow', async () => {
    const outside = await mkdtemp(path.join(tmpdir(), 'assistants-iac-outside-'));
    onTestFinished(() => rm(outside, { recursive: true, force: true }));
    await writeFile(path.join(outside, 'a.md'), 'a');
    const result = await check('version: 1\nvector_stores:\n  kb: { files: [{ glob: "linked/*.md" }] }\n', {
      linked: { symlink: outside },
    });
    expect(brief(onlyError(result))).toMatch(
      /^assistants\.yaml:3:25 PATH_OUTSIDE_ROOT glob "linked\/\*\.md" reaches 1 link that leads outside the manifest root .*: linked$/,
    );
  });

  it('--allow-outside-root accepts such paths', async () => {
    const outside = await mkdtemp(path.join(tmpdir(), 'assistants-iac-outside-'));
    onTestFinished(() => rm(outside, { recursive: true, force: true }));
    await writeFile(path.join(outside, 'shared.md'), 'shared');
    const result = await check(file(path.join(outside, 'shared.md')), {}, { allowOutsideRoot: true });
    expect(result.errors).toEqual([]);
    expect(result.value?.files[0]?.path).toBe(path.join(outside, 'shared.md'));
  });
});

describe('file names the upload cannot carry as written', () => {
  // The upload sends `"`, CR and LF percent-encoded and reads `\` as an escape: the API would
  // record another name, and every later plan would take the file for someone else's.
  it.each([
    ['a double quote', 'quote"name.md', '"quote\\"name.md"'],
    ['a backslash', 'back\\slash.md', '"back\\\\slash.md"'],
    ['a line feed', 'line\nfeed.md', '"line\\nfeed.md"'],
    ['a carriage return', 'carriage\rreturn.md', '"carriage\\rreturn.md"'],
  ])('a declared file whose name holds %s is refused where it is declared', async (_, name, shown) => {
    const result = await check(file(JSON.stringify(`docs/${name}`)), { [`docs/${name}`]: '# A' });
    const error = onlyError(result);
    expect(brief(error)).toBe(
      `assistants.yaml:4:11 UNSUPPORTED_FILE_NAME file "doc" would be uploaded as ${shown}, a name the API would not record as written`,
    );
    expect(error.hint).toBe(
      'rename the file without ", \\, carriage returns or line feeds: uploads cannot carry them as written',
    );
  });

  it('the name that counts is the one uploaded: the real name behind a link', async () => {
    const bad = await check(file('docs/ok.md'), {
      'docs/ok.md': { symlink: 'real"name.md' },
      'docs/real"name.md': '# A',
    });
    expect(onlyError(bad).code).toBe('UNSUPPORTED_FILE_NAME');
    const good = await check(file('"docs/odd\\"link.md"'), {
      'docs/odd"link.md': { symlink: 'plain.md' },
      'docs/plain.md': '# A',
    });
    expect(good.errors).toEqual([]);
  });

  it('a glob that matches such files is refused, naming each; the other matches are kept', async () => {
    const result = await check('version: 1\nvector_stores:\n  kb:\n    files:\n      - glob: "docs/*.md"\n', {
      'docs/a.md': '# A',
      'docs/quote"name.md': '# Q',
      'docs/line\nfeed.md': '# L',
    });
    expect(result.errors.map(brief)).toEqual([
      'assistants.yaml:5:15 UNSUPPORTED_FILE_NAME glob "docs/*.md" matches 2 files whose names the API would not record as written: "docs/line\\nfeed.md", "docs/quote\\"name.md"',
    ]);
  });
});
