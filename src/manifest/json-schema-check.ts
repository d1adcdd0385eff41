import { createRequire } from 'node:module';
import { pointerPath } from '../model/json-pointer.js';
import { validateJsonSchema } from './json-schema-validator.generated.js';
import type { ValuePath } from './source-document.js';

/** A problem inside a user-supplied JSON Schema, at a path relative to the schema's root. */
export interface SchemaProblem {
  path: ValuePath;
  message: string;
}

/** ajv itself, loaded the first time a manifest holds a schema: most never do. */
const loadAjv = () => createRequire(import.meta.url)('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');

/**
 * Whether a JSON Schema written in a manifest (function parameters, a response schema) compiles:
 * first against the JSON Schema meta-schema (a validator compiled at build time, with the options
 * of the instance below), then by compiling it (which catches bad `$ref`s). Unknown keywords are
 * allowed, as the API allows them. A `$schema` naming another draft is set aside: the API does not
 * read it, and most of what those drafts say compiles the same. Returns the first problem, or
 * undefined.
 */
export function compileProblem(written: Record<string, unknown>): SchemaProblem | undefined {
  const { $schema: _draft, ...schema } = written;
  try {
    if (!validateJsonSchema(schema)) {
      const error = validateJsonSchema.errors?.[0];
      if (error) {
        const allowed = error.params.allowedValues as unknown[] | undefined;
        const detail = allowed ? `${error.message} (${allowed.map(String).join(', ')})` : error.message;
        return { path: stepsOf(error.instancePath), message: `${error.instancePath || '/'} ${detail}` };
      }
    }
    // A fresh instance per schema: schemas may reuse an `$id`, which one shared instance rejects.
    const { Ajv2020 } = loadAjv();
    new Ajv2020({ strict: false, allErrors: false, validateSchema: false }).compile(schema);
  } catch (err) {
    return { path: [], message: err instanceof Error ? err.message : String(err) };
  }
  return undefined;
}

/** The steps of a JSON pointer, with array indexes as numbers (as source documents locate them). */
function stepsOf(pointer: string): ValuePath {
  return pointerPath(pointer).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

const SUBSCHEMA_MAPS = ['properties', '$defs', 'definitions', 'patternProperties'] as const;
const SUBSCHEMA_LISTS = ['anyOf', 'allOf', 'oneOf', 'prefixItems'] as const;

/**
 * Breaches of the rules of strict mode (Structured Outputs): the root is an object; every object
 * schema sets `additionalProperties: false` and lists each of its properties in `required`.
 */
export function strictProblems(schema: Record<string, unknown>): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  if (schema.type !== 'object') problems.push({ path: [], message: 'the root must be {type: object}' });

  const visit = (node: unknown, path: ValuePath): void => {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return;
    const s = node as Record<string, unknown>;
    const isObject = s.type === 'object' || (Array.isArray(s.type) && s.type.includes('object'));
    if (isObject || (s.properties !== undefined && typeof s.properties === 'object')) {
      if (s.additionalProperties !== false)
        problems.push({ path, message: 'an object schema must set additionalProperties: false' });
      const props = s.properties && typeof s.properties === 'object' ? Object.keys(s.properties) : [];
      const required = Array.isArray(s.required) ? s.required.map(String) : [];
      const missing = props.filter((p) => !required.includes(p));
      if (missing.length > 0)
        problems.push({
          path,
          message: `every property must be required (use a null type for optional ones); not required: ${missing.join(', ')}`,
        });
    }
    for (const key of SUBSCHEMA_MAPS) {
      const map = s[key];
      if (map && typeof map === 'object' && !Array.isArray(map))
        for (const [name, sub] of Object.entries(map)) visit(sub, [...path, key, name]);
    }
    for (const key of SUBSCHEMA_LISTS) {
      const list = s[key];
      if (!Array.isArray(list)) continue;
      for (let i = 0; i < list.length; i++) visit(list[i], [...path, key, i]);
    }
    if (s.items !== undefined) visit(s.items, [...path, 'items']);
  };
  visit(schema, []);
  return problems;
}
