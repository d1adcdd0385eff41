import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../../src/errors/index.js';
import { validateManifests } from '../../../src/manifest/validate.js';
import { brief, check, onlyError } from '../../helpers/validate.js';
import { workspace, yaml } from '../../helpers/workspace.js';

describe('YAML that cannot be a manifest gives a located, coded error', () => {
  it.each([
    ['a sequence holding itself', 'version: 1\nfiles: &x [*x]\n', '2:12'],
    ['a mapping holding itself', 'version: 1\nmetadata: &a {b: *a}\n', '2:18'],
    ['a merge key merging its own mapping', 'version: 1\ntools: &t {b: 1, <<: *t}\n', '2:22'],
    ['the whole document', '&doc\nversion: 1\nstack: *doc\n', '3:8'],
    ['a block mapping two levels down', 'version: 1\nvector_stores: &s\n  kb:\n    metadata: *s\n', '4:15'],
  ])('an alias refering to the value that holds it: %s', async (_, text, at) => {
    const result = await check(text);
    const error = onlyError(result);
    expect(error.code).toBe('YAML_ALIAS');
    expect(error.message).toMatch(/^alias \*\w+ refers to the value that holds it/);
    expect(`${error.location?.line}:${error.location?.column}`).toBe(at);
  });

  it('an anchor shared many times is fine: only what aliases expand to is limited', async () => {
    const stores = Array.from({ length: 500 }, (_, i) => `  kb${i}: { metadata: *team }`).join('\n');
    const result = await check(
      `version: 1\nx-defaults: &team { team: support }\nvector_stores:\n${stores}\n`,
    );
    expect(result.errors.map((e) => e.code)).toEqual(['UNKNOWN_KEY']);
  });

  it('values nested deeper than 64 levels', async () => {
    const depth = 100;
    const result = await check(`version: 1\nmetadata: ${'['.repeat(depth)}${']'.repeat(depth)}\n`);
    expect(brief(onlyError(result))).toBe(
      'assistants.yaml:2:74 YAML_TOO_DEEP values nest more than 64 levels deep here',
    );
  });

  it('nesting too deep for the parser itself', async () => {
    const depth = 5000;
    const result = await check(`version: 1\nmetadata: ${'{a: '.repeat(depth)}1${'}'.repeat(depth)}\n`);
    const error = onlyError(result);
    expect(error.code).toBe('YAML_TOO_DEEP');
    expect(error.location?.line).toBe(2);
  });

  it('aliases that nest a value too deep', async () => {
    const deep = `${'['.repeat(40)}${']'.repeat(40)}`;
    const result = await check(`version: 1\nx: &deep ${deep}\ny: ${'['.repeat(40)}*deep${']'.repeat(40)}\n`);
    expect(onlyError(result)).toMatchObject({ code: 'YAML_TOO_DEEP', location: { line: 3, column: 44 } });
  });

  it('a manifest over 8 MB is refused before it is read', async () => {
    const result = await check('', { 'assistants.yaml': { sparseBytes: 9 * 2 ** 20 } });
    expect(brief(onlyError(result))).toBe(
      'MANIFEST_TOO_LARGE manifest assistants.yaml is 9.0 MB; manifests may be at most 8 MB',
    );
  });

  it('a key repeated in a mapping of 20,000 keys is reported once, where it is repeated', async () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `  k${i}: v`).join('\n');
    const result = await check(`version: 1\nmetadata:\n${keys}\n  k7: again\n`);
    expect(result.errors.map(brief)).toEqual([
      'assistants.yaml:20003:3 YAML_DUPLICATE_KEY key "k7" appears twice in this mapping',
    ]);
  });
});

describe('every manifest is validated or refused within bounds', () => {
  it('a list of 300,000 values is refused before it is parsed, at the value that passes the limit', async () => {
    const result = await check(`version: 1\nmetadata: [${Array(300_000).fill('1').join(',')}]\n`);
    const error = onlyError(result);
    expect(error).toMatchObject({
      code: 'YAML_TOO_MANY_VALUES',
      message:
        'the manifests hold more than 500,000 YAML values (counted before they are parsed, up to here); assistants.yaml was not read further',
      // The root, the two keys and `[` count 7; each `,` 2 (a flow item may be a key and a value):
      // the 249,997th comma passes 500,000. It stands after `metadata: [` (11 characters) and
      // 249,997 times `1,`.
      location: { file: 'assistants.yaml', line: 2, column: 11 + 2 * 249_997 },
    });
    expect(error.excerpt?.startsWith('metadata: [1,1,')).toBe(true);
  });

  it('the limits hold for all the manifests of a run: past them, the file that passes is an error and the rest are not read', async () => {
    // Each file counts 200,006 values: 7 for the root, the two keys and `[`, 2 for each of 99,999
    // commas, 1 for `]`. The third passes 500,000 at its 49,991st comma.
    // `files:` makes each a manifest (a folder skips YAML that is none), one the schema refuses.
    const file = `version: 1\nfiles: [${Array(100_000).fill('1').join(',')}]\n`;
    const dir = await workspace({
      'root/a.yaml': file,
      'root/b.yaml': file,
      'root/c.yaml': file,
      'root/d.yaml': file,
    });
    const result = await validateManifests(['root'], { cwd: dir, env: {} });
    expect(result.errors.map(brief)).toEqual([
      'YAML_TOO_MANY_VALUES 1 more manifest file was not read, since the manifests before them reached a limit: root/d.yaml',
      'root/a.yaml:2:8 TYPE_MISMATCH the files section must be a mapping, not a list',
      'root/b.yaml:2:8 TYPE_MISMATCH the files section must be a mapping, not a list',
      `root/c.yaml:2:${8 + 2 * 49_991} YAML_TOO_MANY_VALUES the manifests hold more than 500,000 YAML values (counted before they are parsed, up to here); root/c.yaml was not read further`,
    ]);
  });

  it('manifests of more than 16 MB in all: the file that passes it is not read, nor are those after it', async () => {
    // A long comment: 7 MB, few values.
    const big = `version: 1\n# ${'x'.repeat(7 * 2 ** 20)}\n`;
    const dir = await workspace({
      'root/a.yaml': big,
      'root/b.yaml': big,
      'root/c.yaml': big,
      'root/d.yaml': 'version: 1\n',
    });
    const result = await validateManifests(['root'], { cwd: dir, env: {} });
    expect(result.errors.map(brief)).toEqual([
      'MANIFEST_TOO_LARGE 1 more manifest file was not read, since the manifests before them reached a limit: root/d.yaml',
      'MANIFEST_TOO_LARGE manifest root/c.yaml (7.0 MB) was not read: with it the manifests would pass 16 MB in all',
    ]);
  });

  it('more than 1,000 documents in one file are refused', async () => {
    const result = await check(`${'version: 1\n---\n'.repeat(1_000)}version: 1\n`);
    expect(brief(onlyError(result))).toBe(
      'assistants.yaml:2000:1 YAML_TOO_MANY_VALUES the manifests hold more than 1,000 YAML documents; assistants.yaml was not read further',
    );
  });

  it('a manifest as import --generate writes it for 100,000 store members still validates', {
    timeout: 60_000,
  }, async () => {
    const members = Array.from(
      { length: 100_000 },
      (_, i) => `      - file_id: file-${String(i).padStart(22, 'x')} # report-${i}.pdf\n`,
    ).join('');
    const result = await check(
      `# Generated by \`assistants import --generate\`\nversion: 1\nstack: big\nvector_stores:\n  kb:\n    name: Big KB\n    metadata: { team: support }\n    files:\n${members}`,
    );
    expect(result.errors).toEqual([]);
    expect(result.value?.memberships).toHaveLength(100_000);
  });

  it('more than 1,000 glob members: one error at the first past the limit, and no glob is walked', async () => {
    const globs = Array.from({ length: 1_001 }, (_, i) => `      - glob: "d${i}/**/*.md"\n`).join('');
    const result = await check(`version: 1\nvector_stores:\n  kb:\n    files:\n${globs}`);
    // Walked, each glob would match nothing: GLOB_NO_MATCH 1,001 times.
    expect(result.errors.map(brief)).toEqual([
      'assistants.yaml:1005:15 TOO_MANY_MEMBERS the manifests hold 1,001 glob members; at most 1,000 are expanded in one run, so none was',
    ]);
  });

  it('a finding that says a limit was reached is listed even after the first 1,000', async () => {
    const repeated = '      - a\n'.repeat(1_002);
    const globs = Array.from({ length: 1_001 }, (_, i) => `      - glob: "d${i}/*.md"\n`).join('');
    const result = await check(
      `version: 1\nfiles:\n  a: { path: a.md }\nvector_stores:\n  kb:\n    files:\n${repeated}  more:\n    files:\n${globs}`,
      { 'a.md': '# A' },
    );
    expect(result.total).toEqual({ errors: 1_002, warnings: 0 });
    expect(result.errors.map((e) => e.code)).toEqual([
      ...Array(999).fill('DUPLICATE_MEMBER'),
      'TOO_MANY_MEMBERS',
      'TOO_MANY_DIAGNOSTICS',
    ]);
    expect(result.errors[999]?.message).toBe(
      'the manifests hold 1,001 glob members; at most 1,000 are expanded in one run, so none was',
    );
    expect(result.errors[1_000]?.message).toBe(
      '2 more errors were found and are not shown; the first 1,000 are',
    );
  });

  it('globs that read more than 1,000,000 folder entries in all: an error at the glob that passes it, the rest not walked', {
    timeout: 60_000,
  }, async () => {
    // 10 folders of 101 files: each glob below walks all 1,020 entries and matches one file.
    const files: Record<string, string> = {};
    for (let i = 0; i < 1_010; i++) files[`docs/d${i % 10}/x${i}.md`] = '# X';
    const globs = Array.from({ length: 999 }, (_, i) => `      - glob: "docs/**/x${i}.md"\n`).join('');
    const result = await check(`version: 1\nvector_stores:\n  kb:\n    files:\n${globs}`, files);
    // 980 walks read 999,600 entries; the 981st passes 1,000,000.
    expect(result.errors.map(brief)).toEqual([
      'assistants.yaml:985:15 TOO_MANY_MEMBERS glob "docs/**/x980.md" was not expanded: the globs of this run have read 1,000,000 folder entries, as many as a run may read',
    ]);
  });

  it('a store with more than 200,000 members is an error; findings past 1,000 are counted, not listed', {
    timeout: 60_000,
  }, async () => {
    const members = '      - a\n'.repeat(200_001);
    const result = await check(
      `version: 1\nfiles:\n  a: { path: a.md }\nvector_stores:\n  kb:\n    files:\n${members}`,
      {
        'a.md': '# A',
      },
    );
    expect(brief(result.errors[0] as Diagnostic)).toBe(
      'assistants.yaml:6:5 TOO_MANY_MEMBERS vector store "kb" has 200,001 members (glob matches included); a store may have at most 200,000',
    );
    // Every member after the first lists "a" again.
    expect(result.total).toEqual({ errors: 200_001, warnings: 0 });
    expect(result.errors).toHaveLength(1_001);
    expect(result.errors.slice(1, 1_000).every((e) => e.code === 'DUPLICATE_MEMBER')).toBe(true);
    expect(result.errors[1_000]).toEqual({
      severity: 'error',
      code: 'TOO_MANY_DIAGNOSTICS',
      message: '199,001 more errors were found and are not shown; the first 1,000 are',
      hint: 'fix the ones shown and validate again',
    });
  });
});

describe('manifests that are not regular files', () => {
  const mkfifo = (file: string) => execFileSync('mkfifo', [file]);

  it('a FIFO given with -f is refused, not waited on', async () => {
    const dir = await workspace({});
    mkfifo(path.join(dir, 'assistants.yaml'));
    const result = await validateManifests(['assistants.yaml'], { cwd: dir, env: {} });
    expect(result.errors.map(brief)).toEqual([
      'MANIFEST_UNREADABLE cannot read manifest assistants.yaml: it is not a regular file',
    ]);
  });

  it('a FIFO named like a manifest in a folder is reported, not read', async () => {
    const dir = await workspace({ 'root/a.yaml': 'version: 1\nstack: s\n' });
    mkfifo(path.join(dir, 'root', 'b.yaml'));
    const result = await validateManifests(['root'], { cwd: dir, env: {} });
    expect(result.errors.map(brief)).toEqual([
      'MANIFEST_UNREADABLE manifest root/b.yaml is not a regular file',
    ]);
  });

  it('an instructions file that is a FIFO is refused, not waited on', async () => {
    const dir = await workspace({
      'assistants.yaml': yaml`
        version: 1
        assistants:
          bot: { model: gpt-4o, instructions: { file: prompt.md } }
      `,
    });
    mkfifo(path.join(dir, 'prompt.md'));
    const result = await validateManifests([], { cwd: dir, env: {} });
    expect(result.errors.map(brief)).toEqual([
      'assistants.yaml:3:47 NOT_A_REGULAR_FILE path "prompt.md" is not a regular file',
    ]);
  });
});
