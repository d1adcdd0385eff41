import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { validateJsonSchema } from '../../src/manifest/json-schema-validator.generated.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

describe('validators compiled at build time (schema/compile-validators.mjs)', () => {
  it('are what the schemas give today: the schemas compile in strict mode and nothing is stale', async () => {
    // --check compiles every schema as the build does and compares; it writes nothing.
    const checked = await run(process.execPath, ['schema/compile-validators.mjs', '--check'], { cwd: root })
      .then(() => ({ code: 0, stderr: '' }))
      .catch((err: { code: number; stderr: string }) => ({ code: err.code, stderr: err.stderr }));
    expect(checked).toEqual({ code: 0, stderr: '' });
  });

  it('check schemas written in manifests against the meta-schema exactly as ajv does at run time', () => {
    const samples: unknown[] = [
      { type: 'object', properties: { reason: { type: 'string' } }, required: ['reason'] },
      { type: 'strin' },
      { type: 'object', required: 'reason' },
      { type: 'object', properties: { a: { type: ['string', 'nope'] } } },
      { properties: { a: { minLength: -1 } } },
      { items: [{ type: 'string' }] },
      { anyOf: [] },
      { $defs: { a: { enum: 'x' } } },
      { properties: { a: { $ref: 7 } } },
      { type: 'object', additionalProperties: 'no' },
      { required: ['a', 'a'] },
      { custom_keyword: { anything: true } },
      true,
    ];
    for (const schema of samples) {
      const ajv = new Ajv2020({ strict: false, allErrors: false, validateSchema: false });
      const expected = ajv.validateSchema(schema as object);
      expect(validateJsonSchema(schema), JSON.stringify(schema)).toBe(expected);
      expect(validateJsonSchema.errors?.[0] ?? null, JSON.stringify(schema)).toEqual(ajv.errors?.[0] ?? null);
    }
  });
});
