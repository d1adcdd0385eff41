import { symlink } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateManifests } from '../../../src/manifest/validate.js';
import { renderDiagnostic } from '../../../src/render/diagnostics-text.js';
import { createStyle } from '../../../src/render/style.js';
import { brief, check, onlyError } from '../../helpers/validate.js';
import { workspace, yaml } from '../../helpers/workspace.js';

describe('YAML corners', () => {
  it('an empty document (trailing ---, or ~) contributes nothing', async () => {
    const result = await check(
      'version: 1\nfiles:\n  a: { path: a.md }\n---\n',
      { 'a.md': 'a', 'b.yaml': '~\n' },
      { args: ['.'] },
    );
    expect(result.errors).toEqual([]);
    expect(result.value?.files.map((f) => f.name)).toEqual(['a']);
  }, 10_000);

  it('YAML 1.1 tags are rejected instead of silently turning into empty values', async () => {
    const result = await check(yaml`
      version: 1
      vector_stores:
        kb:
          metadata: !!omap [{ team: a }]
    `);
    expect(brief(onlyError(result))).toBe(
      'assistants.yaml:4:15 YAML_SYNTAX Unresolved tag: tag:yaml.org,2002:omap; manifests use plain YAML without tags',
    );
  });

  it('names the repeated key even when it holds a colon', async () => {
    const result = await check('version: 1\nvector_stores:\n  kb:\n    metadata: { "k:z": a, "k:z": b }\n');
    expect(brief(onlyError(result))).toBe(
      'assistants.yaml:4:27 YAML_DUPLICATE_KEY key "k:z" appears twice in this mapping',
    );
  });

  it('keys that read the same once parsed (1 and "1") are duplicates too', async () => {
    const result = await check('version: 1\nvector_stores:\n  kb:\n    metadata: { 1: a, "1": b }\n');
    expect(brief(onlyError(result))).toBe(
      'assistants.yaml:4:23 YAML_DUPLICATE_KEY key "1" appears twice in this mapping',
    );
  });

  it('a YAML error in one file does not make references from another file dangle', async () => {
    const result = await check(
      'version: 1\nfiles:\n  a: { path: a.md }\n  a: { path: a.md }\n',
      { 'a.md': 'a', 'stores.yaml': 'version: 1\nvector_stores:\n  kb: { files: [a] }\n' },
      { args: ['.'] },
    );
    expect(result.errors.map((e) => e.code)).toEqual(['YAML_DUPLICATE_KEY']);
  });

  it('a collection used as a key is reported where it is written', async () => {
    const result = await check(
      'version: 1\nassistants:\n  bot: { model: m }\n  ? [x, y]\n  : { model: m }\n',
    );
    expect(brief(onlyError(result))).toBe(
      'assistants.yaml:4:5 INVALID_NAME "[ x, y ]" is not a valid name in the assistants section',
    );
  });

  it('a byte-order mark does not shift columns', async () => {
    const result = await check('\uFEFFversion: 2\n');
    expect(onlyError(result).location).toMatchObject({ line: 1, column: 10 });
  });

  it('.nan is called what it is', async () => {
    const result = await check('version: 1\nassistants:\n  bot: { model: m, temperature: .nan }\n');
    expect(onlyError(result).message).toBe(
      'temperature of assistant "bot" must be a number, not NaN, which is not a finite number',
    );
  });
});

describe('messages and locations', () => {
  it('an unset variable is reported once, not again for the shape of the value it left', async () => {
    const result = await check(
      'version: 1\nstack: ${env:STACK}\nassistants:\n  bot: { model: m, temperature: "${env:T}" }\n',
    );
    expect(result.errors.map((e) => e.code)).toEqual(['ENV_UNSET', 'ENV_UNSET']);
  });

  it('an expression inside a block scalar is located on its own line', async () => {
    const result = await check(yaml`
      version: 1
      assistants:
        bot:
          model: gpt-4o
          instructions: |
            You are helpful.
            Sign as \${env:SIGNATURE}.
    `);
    expect(onlyError(result).location).toMatchObject({ line: 7, column: 15, endLine: 7, endColumn: 31 });
  });

  it('an unknown key in a member suggests the sibling form', async () => {
    const result = await check('version: 1\nvector_stores:\n  kb:\n    files:\n      - glb: "*.md"\n');
    expect(result.errors.map(brief)).toContain(
      'assistants.yaml:5:9 UNKNOWN_KEY unknown key "glb" in files[0] of vector store "kb"; did you mean "glob"?',
    );
  });

  it('a very long line prints as a window around the mark, with control characters made visible', () => {
    const excerpt = `${'x'.repeat(5000)}\u001b[2J bad ${'y'.repeat(5000)}`;
    const text = renderDiagnostic(
      {
        severity: 'error',
        code: 'INVALID_VALUE',
        message: 'bad value',
        location: { file: 'a.yaml', line: 1, column: 5006, endLine: 1, endColumn: 5013 },
        excerpt,
      },
      createStyle(false),
    );
    const [, source, marks] = text.split('\n');
    expect(source?.length).toBeLessThan(120);
    expect(source).toContain('·[2J bad');
    expect(source).not.toContain('\u001b');
    expect(marks?.indexOf('^')).toBe(source?.indexOf('bad'));
    expect(marks?.endsWith(' ^^^^^^^')).toBe(true);
  });
});

describe('paths and globs', () => {
  it('a manifest folder reached through a symlink is its own root', async () => {
    const dir = await workspace({
      'real/assistants.yaml': 'version: 1\nfiles:\n  a: { path: docs/a.md }\n',
      'real/docs/a.md': 'a',
    });
    await symlink(path.join(dir, 'real'), path.join(dir, 'link'));
    for (const arg of ['link', 'link/assistants.yaml']) {
      const result = await validateManifests([arg], { cwd: dir, env: {} });
      expect(result.errors, arg).toEqual([]);
      expect(result.manifests).toEqual(['link/assistants.yaml']);
    }
  });

  it('glob names do not depend on which -f reached the manifest', async () => {
    const dir = await workspace({
      'infra/stores/kb.yaml': 'version: 1\nvector_stores:\n  kb: { files: [{ glob: "docs/*.md" }] }\n',
      'infra/stores/docs/z.md': 'z',
    });
    const viaFolder = await validateManifests(['infra'], { cwd: dir, env: {} });
    const viaFile = await validateManifests(['infra/stores/kb.yaml'], { cwd: dir, env: {} });
    expect(viaFolder.value?.files.map((f) => f.address)).toEqual(['file.docs/z.md']);
    expect(viaFile.value?.files.map((f) => f.address)).toEqual(['file.docs/z.md']);
    expect(viaFolder.value?.files[0]?.relativePath).toBe('stores/docs/z.md');
  });

  it('a file whose name starts with two dots is inside the root', async () => {
    const result = await check('version: 1\nfiles:\n  a: { path: ..data.md }\n', { '..data.md': 'a' });
    expect(result.errors).toEqual([]);
  });

  it('a glob rooted outside the manifest root is refused before any walk', async () => {
    const result = await check('version: 1\nvector_stores:\n  kb: { files: [{ glob: "/**/*.md" }] }\n');
    expect(brief(onlyError(result))).toBe(
      `assistants.yaml:3:25 INVALID_VALUE glob "/**/*.md" is absolute; a glob is written relative to the manifest file's folder`,
    );
  });

  it('function parameters declaring another draft with $schema are checked, not a crash', async () => {
    const result = await check(yaml`
      version: 1
      tools:
        f:
          type: function
          function:
            name: f
            parameters: { $schema: "http://json-schema.org/draft-07/schema#", type: object, properties: { a: { type: strng } } }
    `);
    expect(onlyError(result).code).toBe('INVALID_JSON_SCHEMA');
    const ok = await check(
      'version: 1\ntools:\n  f: { type: function, function: { name: f, parameters: { $schema: 5, type: object } } }\n',
    );
    expect(ok.errors).toEqual([]);
  });

  it('file_search reads .cs, .doc and .sh files', async () => {
    const result = await check('version: 1\nvector_stores:\n  kb: { files: [{ glob: "src/*" }] }\n', {
      'src/a.cs': 'class A {}',
      'src/b.doc': 'doc',
      'src/c.sh': 'echo',
    });
    expect(result.errors).toEqual([]);
  });
});
