import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { MANIFEST_SCHEMA_URL } from '../../src/manifest/schema-check.js';
import { expectEveryFieldDescribed } from '../helpers/schema-properties.js';

const root = path.resolve(import.meta.dirname, '../..');

async function loadSchema(): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(MANIFEST_SCHEMA_URL, 'utf8')) as Record<string, unknown>;
}

describe('schema/manifest.schema.json', () => {
  // That it compiles in strict mode is checked where it is compiled (schema-validators.test.ts).
  it('is JSON Schema 2020-12', async () => {
    const schema = await loadSchema();
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(new Ajv2020().validateSchema(schema)).toBe(true);
  });

  it('describes every field (editors show the descriptions)', async () => {
    // Properties inside `if` are conditions that pick a branch, not fields.
    expectEveryFieldDescribed(await loadSchema(), { skip: /\/if\//, moreThan: 60 });
  });

  it('states the API limits it enforces', async () => {
    const schema = await loadSchema();
    const at = (pointer: string) =>
      pointer
        .split('/')
        .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], schema);
    const limits: Record<string, number> = {
      '$defs/Assistant/properties/name/maxLength': 256,
      '$defs/Assistant/properties/description/maxLength': 512,
      '$defs/Instructions/then/maxLength': 256_000,
      '$defs/Assistant/properties/tools/maxItems': 128,
      '$defs/Assistant/properties/temperature/minimum': 0,
      '$defs/Assistant/properties/temperature/maximum': 2,
      '$defs/Assistant/properties/top_p/minimum': 0,
      '$defs/Assistant/properties/top_p/maximum': 1,
      '$defs/StaticChunking/properties/static/properties/max_chunk_size_tokens/minimum': 100,
      '$defs/StaticChunking/properties/static/properties/max_chunk_size_tokens/maximum': 4096,
      '$defs/ExpiresAfter/properties/days/minimum': 1,
      '$defs/ExpiresAfter/properties/days/maximum': 365,
      '$defs/Attributes/maxProperties': 16,
      '$defs/Attributes/propertyNames/maxLength': 64,
      '$defs/Attributes/additionalProperties/maxLength': 512,
      '$defs/Metadata/propertyNames/maxLength': 64,
      '$defs/Metadata/additionalProperties/maxLength': 512,
      '$defs/ToolResources/properties/file_search/properties/vector_stores/maxItems': 1,
      '$defs/FileSearchTool/properties/file_search/properties/max_num_results/maximum': 50,
    };
    expect(Object.fromEntries(Object.keys(limits).map((p) => [p, at(p)]))).toEqual(limits);
  });
});

describe('examples', () => {
  it('each starts with the yaml-language-server $schema comment pointing at the schema', async () => {
    const dir = path.join(root, 'examples');
    // examples/ci holds a CI workflow, not a manifest.
    const manifests = (await readdir(dir, { recursive: true })).filter(
      (f) => /\.ya?ml$/.test(f) && !f.startsWith('ci'),
    );
    expect(manifests.length).toBeGreaterThanOrEqual(5);
    for (const manifest of manifests) {
      const first = (await readFile(path.join(dir, manifest), 'utf8')).split('\n')[0] ?? '';
      const match = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
      expect(match, manifest).not.toBeNull();
      const target = path.resolve(dir, path.dirname(manifest), match?.[1] ?? '');
      expect(target, manifest).toBe(path.join(root, 'schema/manifest.schema.json'));
    }
  });
});
