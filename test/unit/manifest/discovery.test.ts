import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bareInterpolation } from '../../../src/manifest/bare-interpolation.js';
import type { ManifestFile } from '../../../src/manifest/manifest-files.js';
import { MANIFEST_KEYS } from '../../../src/manifest/manifest-rule.js';
import { parseManifest } from '../../../src/manifest/parse-manifest.js';
import { stackNamedBy } from '../../../src/manifest/stack-name.js';
import { validateManifests } from '../../../src/manifest/validate.js';
import { brief, check, onlyError } from '../../helpers/validate.js';
import { workspace, yaml } from '../../helpers/workspace.js';

const inFolder: ManifestFile = { path: '/s/x.yaml', root: '/s', displayPath: 'x.yaml', folder: '.' };
const named: ManifestFile = { path: '/s/x.yaml', root: '/s', displayPath: 'x.yaml' };

/** What parseManifest makes of `text` found in a folder: manifests read, documents skipped. */
function found(text: string) {
  const parsed = parseManifest(inFolder, text);
  return { read: parsed.documents.length, skipped: parsed.skipped.map((s) => s.reason) };
}

describe('which YAML documents of a folder are manifests', () => {
  it('the keys that mark a manifest are the schema top-level properties, less version', () => {
    const schema = JSON.parse(
      readFileSync(path.resolve(import.meta.dirname, '../../../schema/manifest.schema.json'), 'utf8'),
    ) as { properties: Record<string, unknown> };
    expect([...MANIFEST_KEYS].sort()).toEqual(
      Object.keys(schema.properties)
        .filter((k) => k !== 'version')
        .sort(),
    );
  });

  it('version: and a section, or version: 1 alone', () => {
    expect(found('version: 1\nstack: s\n')).toEqual({ read: 1, skipped: [] });
    expect(found('version: 1\n')).toEqual({ read: 1, skipped: [] });
    // A manifest with a wrong version is still one: the schema says what is wrong.
    expect(found('version: 2\nfiles: {}\n')).toEqual({ read: 1, skipped: [] });
    expect(found('{version: 1, files: {}}\n')).toEqual({ read: 1, skipped: [] });
  });

  it('version: without a section, or a section without version:, is something else', () => {
    const other =
      'a top-level `version:` but none of stack, files, tools, vector_stores, assistants, skills, agents, moved';
    expect(found('version: "3.8"\nservices: {web: {image: nginx}}\n')).toEqual({ read: 0, skipped: [other] });
    expect(found('version: 2\n')).toEqual({ read: 0, skipped: [other] });
    expect(found('files: [a, b]\ntools: {x: 1}\n')).toEqual({
      read: 0,
      skipped: ['no top-level `version:`'],
    });
    expect(found('- version: 1\n  files: {}\n')).toEqual({ read: 0, skipped: ['no top-level `version:`'] });
  });

  it('a manifest with a YAML error is still known by the keys written at the start of its lines', () => {
    const parsed = parseManifest(
      inFolder,
      'version: 1\nvector_stores:\n  kb: {metadata: {team: ${env:T}}}\nfiles: {}\n',
    );
    expect(parsed.documents.map((d) => d.broken)).toEqual([true]);
    expect(parsed.diagnostics.map((d) => d.code)).toEqual(['YAML_SYNTAX']);
    // Something else that does not parse is skipped, its errors with it.
    const other = parseManifest(inFolder, 'on: push\njobs: {a: [}\n');
    expect(other).toMatchObject({
      documents: [],
      diagnostics: [],
      skipped: [{ reason: 'no top-level `version:`' }],
    });
  });
});

describe('YAML data beside the manifests', () => {
  it('too large to be a manifest is skipped by its start, not refused, and costs the run nothing', async () => {
    const dir = await workspace({
      'a.yaml': 'version: 1\nstack: s\n',
      'data/huge.yaml': { sparseBytes: 9 * 2 ** 20 },
      // 4.8 MB and 1.6 million values: parsed, it would pass the run's limit of 500,000.
      'data/big.yaml': `rows:\n${'  - [1,2,3]\n'.repeat(400_000)}`,
    });
    const skipped: string[] = [];
    const result = await validateManifests([], {
      cwd: dir,
      env: {},
      onSkipped: (s) => skipped.push(`${s.file}: ${s.reason}`),
    });
    expect(result.errors).toEqual([]);
    expect(result.manifests).toEqual(['a.yaml']);
    expect(skipped.sort()).toEqual([
      'data/big.yaml: no top-level `version:`',
      'data/huge.yaml: larger than a manifest may be, with no `version` line in its first 64 KB',
    ]);
  });
});

describe('a file named with -f', () => {
  it('is read as a manifest when it is meant as one: schema errors, with their suggestions', async () => {
    const result = await check('version: 1\nassistant:\n  bot: { model: gpt-4o }\n');
    expect(brief(onlyError(result))).toBe(
      'assistants.yaml:2:1 UNKNOWN_KEY unknown key "assistant" at the top level; did you mean "assistants"?',
    );
    const noVersion = await check('files:\n  a: { path: a.md }\n', { 'a.md': 'a' });
    expect(onlyError(noVersion).code).toBe('MISSING_FIELD');
  });

  it('is one NOT_A_MANIFEST error when it is none, with a suggestion when a key is close', () => {
    const parsed = parseManifest(named, 'version: "3"\nagent:\n  x: {}\nservices: {}\n');
    expect(parsed.documents).toEqual([]);
    expect(parsed.diagnostics.map(brief)).toEqual([
      'x.yaml:1:1 NOT_A_MANIFEST x.yaml is not a manifest: its top level has "agent", "services" but none of stack, files, tools, vector_stores, assistants, skills, agents, moved; did you mean "agents" for "agent"?',
    ]);
  });
});

describe('a file reached twice', () => {
  it('is read as a manifest when named after a folder that holds it', async () => {
    const dir = await workspace({ 'a.yaml': 'version: 1\nstack: s\n', 'compose.yml': 'services: {}\n' });
    const found = await validateManifests(['.'], { cwd: dir, env: {} });
    expect(found.errors).toEqual([]);
    expect(found.manifests).toEqual(['a.yaml']);
    const named = await validateManifests(['.', 'compose.yml'], { cwd: dir, env: {} });
    expect(named.errors.map((e) => e.code)).toEqual(['NOT_A_MANIFEST']);
  });
});

describe('YAML errors', () => {
  it('one error per document that does not parse: its first, and no cascade', async () => {
    const result = await check(
      yaml`
        version: 1
        assistants:
          bot: { model: [gpt-4o, tools: [a }
          other:
            model: gpt-4o
            tools: [{ type: nope }]
      `,
      {
        // References into the broken file, a missing file, a bad value: all wait for it to parse.
        'more.yaml': yaml`
          version: 1
          agents:
            a: { model: m, tools: [missing-tool] }
          files:
            f: { path: nowhere.md }
        `,
      },
      { args: ['.'] },
    );
    expect(result.errors.map((e) => e.code)).toEqual(['YAML_SYNTAX']);
    expect(result.errors[0]?.location?.line).toBe(3);
    expect(result.errors[0]?.hint).toBeUndefined();
  });

  it('the hint points at an unquoted ${ in a flow value, never at a quoted one or a comment', () => {
    expect(bareInterpolation('    metadata: {team: ${env:TEAM}}', 23)).toEqual({
      start: 21,
      end: 32,
      hint: 'quote values that start with "${": team: "${env:TEAM}"',
    });
    expect(bareInterpolation('  tags: [a, ${env:B:-x}]', 14)?.hint).toBe(
      'quote values that start with "${": "${env:B:-x}"',
    );
    expect(bareInterpolation('  m: {team: "${env:TEAM}", x: [}', 30)).toBeUndefined();
    expect(bareInterpolation('  m: {x: [} # ${env:TEAM}', 11)).toBeUndefined();
  });

  it('an unquoted ${env:X} in a block value is fine YAML: no error', async () => {
    const result = await check('version: 1\nstack: ${env:STACK}\n', {}, { env: { STACK: 's' } });
    expect(result.errors).toEqual([]);
    expect(result.value?.stack).toBe('s');
  });
});

describe('the stack that picks a shared state', () => {
  it('is read from the manifests the folder rule finds, not from other YAML', async () => {
    const dir = await workspace({
      'docker-compose.yml': 'version: "3"\nservices: {}\n',
      'ci.yaml': 'stack: other\n',
      'infra/stack.yaml': 'version: 1\nstack: ours\n',
    });
    expect(await stackNamedBy([], dir)).toEqual({ stack: 'ours' });
    const none = await workspace({ 'docker-compose.yml': 'version: "3"\nservices: {}\n' });
    expect((await stackNamedBy([], none)).problem).toMatch(/^no manifest in the working folder: /);
    expect((await validateManifests([], { cwd: none, env: {} })).errors.map((e) => e.code)).toEqual([
      'NO_MANIFESTS',
    ]);
  });
});
