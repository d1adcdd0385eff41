import type { ErrorObject } from 'ajv/dist/2020.js';
import { schemaAnnotation, show } from '../errors/ajv-words.js';
import { pointerPath, valueAt } from '../model/json-pointer.js';
import { ADDRESS_FORMS } from '../model/kinds.js';

/** Wording of state schema errors: paths as JavaScript writes them, types and values in words. */

/**
 * An ajv error against the state schema as a message for people (`resources["file.a"].attributes.bytes
 * must be an integer, not a string ("3")`), and the path and part (value or key) it points at.
 */
export function describeSchemaError(
  error: ErrorObject,
  root: unknown,
): { path: string[]; at: 'value' | 'key'; message: string } {
  const path = pointerPath(error.instancePath);
  const where = path.length === 0 ? 'the document' : showPath(path);
  const params = error.params as Record<string, unknown>;
  const value = valueAt(root, path);
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const child = [...path, key];
      if (path.length === 1 && path[0] === 'resources')
        return { path: child, at: 'key', message: `"${key}" is not a resource address (${ADDRESS_FORMS})` };
      return { path: child, at: 'key', message: `unknown key "${key}" in ${where}` };
    }
    case 'required':
      return { path, at: 'value', message: `${where} is missing "${String(params.missingProperty)}"` };
    case 'type':
      return {
        path,
        at: 'value',
        message: `${where} must be ${[params.type]
          .flat()
          .map((t) => TYPE_WORDS[String(t)] ?? String(t))
          .join(' or ')}, not ${typeName(value)}`,
      };
    case 'pattern':
      return { path, at: 'value', message: `${where} ${show(value)} ${patternProblem(error)}` };
    case 'const':
      return {
        path,
        at: 'value',
        message: `${where} must be ${JSON.stringify(params.allowedValue)}, not ${show(value)}`,
      };
    case 'enum':
      return {
        path,
        at: 'value',
        message: `${where} is ${show(value)}; expected one of: ${(params.allowedValues as unknown[]).map(String).join(', ')}`,
      };
    case 'discriminator':
      return {
        path: [...path, 'type'],
        at: 'value',
        message: `${showPath([...path, 'type'])} must be one of: code_interpreter, file_search, function`,
      };
    default:
      return { path, at: 'value', message: `${where} ${error.message ?? 'is not valid'}` };
  }
}

/** `resources["file.a"].attributes.bytes`: the path as JavaScript would write it. */
function showPath(path: readonly string[]): string {
  return path
    .map((step, i) => {
      if (/^\d+$/.test(step)) return `[${step}]`;
      if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(step)) return i === 0 ? step : `.${step}`;
      return `[${JSON.stringify(step)}]`;
    })
    .join('');
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'a boolean',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `${TYPE_WORDS[typeof value] ?? typeof value} (${show(value)})`;
}

/** What a failed pattern means: the schema says it in `x-problem`. */
function patternProblem(error: ErrorObject): string {
  return schemaAnnotation(error, 'x-problem') ?? `does not match ${String(error.params.pattern)}`;
}
