import type { ErrorObject } from 'ajv/dist/2020.js';
import { pointerPath, valueAt } from '../model/json-pointer.js';
import { ApiError, quoteList } from './api-error.js';

/** `/tools/0/function/name` → `tools[0].function.name`, the API's way of naming a parameter. */
export function paramOf(instancePath: string, child?: string): string {
  const parts = instancePath.split('/').slice(1);
  if (child !== undefined) parts.push(child);
  let out = '';
  for (const raw of parts) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(part) ? `[${part}]` : out === '' ? part : `.${part}`;
  }
  return out;
}

/** The API's words for JSON types: "a decimal", "an integer", "a string", ... */
function typeWord(type: string): string {
  const words: Record<string, string> = {
    number: 'a decimal',
    integer: 'an integer',
    string: 'a string',
    object: 'an object',
    array: 'an array',
    boolean: 'a boolean',
    null: 'null',
  };
  return words[type] ?? type;
}

function typeOfValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

const WRAPPERS = new Set(['anyOf', 'oneOf', 'allOf', 'if', 'then', 'else', 'not', 'propertyNames']);

/**
 * Picks the error the API would report from ajv's list and words it as the API does (messages
 * and `code` values follow the live API's 400s). The most specific finding wins: the deepest
 * path, then a constraint over a bare type mismatch (a nullable field reports its string rule,
 * not "expected null"), unless it is an enum that no value of the sent type meets. Type and enum
 * findings at one path are merged across union branches.
 */
export function schemaErrorToApiError(
  errors: readonly ErrorObject[],
  body: unknown,
  resolveRef: (ref: string) => unknown = () => undefined,
): ApiError | undefined {
  const findings = errors.filter((error) => !WRAPPERS.has(error.keyword));
  if (findings.length === 0) return undefined;
  const depth = (error: ErrorObject) => error.instancePath.split('/').length;
  const deepest = Math.max(...findings.map(depth));
  const here = findings.filter((error) => depth(error) === deepest);
  const chosen =
    here.find((error) => error.keyword !== 'type' && !enumOfOtherType(error, body)) ??
    here.find((error) => error.keyword === 'type') ??
    (here[0] as ErrorObject);
  const path = chosen.instancePath;
  const param = paramOf(path);
  const value = valueAt(body, pointerPath(path));
  const p = chosen.params as Record<string, unknown>;

  switch (chosen.keyword) {
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const name = paramOf(path, String(p.additionalProperty ?? p.unevaluatedProperty));
      return new ApiError(400, `Unknown parameter: '${name}'.`, { param: name, code: 'unknown_parameter' });
    }
    case 'required': {
      const name = paramOf(path, String(p.missingProperty));
      return new ApiError(400, `Missing required parameter: '${name}'.`, {
        param: name,
        code: 'missing_required_parameter',
      });
    }
    case 'type': {
      const expected = here
        .filter((error) => error.keyword === 'type')
        .flatMap((error) => String((error.params as { type: string }).type).split(','))
        .filter((type) => type !== 'null');
      const words = [...new Set(expected)].map(typeWord).join(' or ');
      return new ApiError(
        400,
        `Invalid type for '${param}': expected ${words}, but got ${typeWord(typeOfValue(value))} instead.`,
        { param, code: 'invalid_type' },
      );
    }
    case 'enum':
    case 'const':
    case 'discriminator': {
      const allowed =
        chosen.keyword === 'discriminator'
          ? discriminatorValues(chosen, resolveRef)
          : here.flatMap((error) => {
              const q = error.params as { allowedValues?: unknown[]; allowedValue?: unknown };
              return q.allowedValues ?? (q.allowedValue === undefined ? [] : [q.allowedValue]);
            });
      const shown = chosen.keyword === 'discriminator' ? String(p.tagValue ?? '') : String(value);
      const name = chosen.keyword === 'discriminator' ? paramOf(path, String(p.tag)) : param;
      const supported =
        allowed.length > 0 ? ` Supported values are: ${quoteList([...new Set(allowed)])}.` : '';
      return new ApiError(400, `Invalid value: '${shown}'.${supported}`, {
        param: name,
        code: 'invalid_value',
      });
    }
    case 'maxLength':
    case 'minLength': {
      const above = chosen.keyword === 'maxLength';
      if (chosen.propertyName !== undefined) return keyTooLong(param, Number(p.limit), chosen.propertyName);
      const length = typeof value === 'string' ? [...value].length : 0;
      return new ApiError(
        400,
        `Invalid '${param}': string too ${above ? 'long' : 'short'}. Expected a string with ${above ? 'maximum' : 'minimum'} length ${String(p.limit)}, but got a string with length ${length} instead.`,
        { param, code: above ? 'string_above_max_length' : 'string_below_min_length' },
      );
    }
    case 'maxItems':
    case 'minItems': {
      const above = chosen.keyword === 'maxItems';
      const length = Array.isArray(value) ? value.length : 0;
      return new ApiError(
        400,
        `Invalid '${param}': array too ${above ? 'long' : 'short'}. Expected an array with ${above ? 'maximum' : 'minimum'} length ${String(p.limit)}, but got an array with length ${length} instead.`,
        { param, code: above ? 'array_above_max_length' : 'array_below_min_length' },
      );
    }
    case 'maximum':
    case 'minimum':
    case 'exclusiveMaximum':
    case 'exclusiveMinimum': {
      const isInteger = (chosen.parentSchema as { type?: string } | undefined)?.type === 'integer';
      return outOfRange(param, isInteger, String(p.comparison), Number(p.limit), value);
    }
    case 'maxProperties':
      return tooManyProperties(param, Number(p.limit), value);
    default:
      return new ApiError(400, `Invalid '${param}': ${chosen.message ?? 'invalid value'}.`, {
        param,
        code: 'invalid_value',
      });
  }
}

/**
 * The 400 for a number outside its range (`comparison` is `<=`, `<`, `>=` or `>`); prose limits
 * that the schema leaves out are worded the same.
 */
export function outOfRange(
  param: string,
  isInteger: boolean,
  comparison: string,
  limit: number,
  value: unknown,
): ApiError {
  const above = comparison.startsWith('<');
  const kind = isInteger ? 'integer' : 'decimal';
  return new ApiError(
    400,
    `Invalid '${param}': ${kind} ${above ? 'above maximum' : 'below minimum'} value. Expected a value ${comparison} ${limit}, but got ${String(value)} instead.`,
    { param, code: `${kind}_${above ? 'above_max' : 'below_min'}_value` },
  );
}

/**
 * An enum none of whose values has the type of the value sent (a number for a list of model
 * names): the mismatch is of type, and is reported as one rather than by listing the values.
 */
function enumOfOtherType(error: ErrorObject, body: unknown): boolean {
  if (error.keyword !== 'enum') return false;
  const value = valueAt(body, pointerPath(error.instancePath));
  const allowed = (error.params as { allowedValues?: unknown[] }).allowedValues ?? [];
  const kind = (v: unknown) => (typeof v === 'number' ? 'number' : typeOfValue(v));
  return allowed.length > 0 && !allowed.some((option) => kind(option) === kind(value));
}

/** The 400 for an object with too many keys (metadata and attributes share it). */
export function tooManyProperties(param: string, limit: number, value: unknown): ApiError {
  const count = value && typeof value === 'object' ? Object.keys(value).length : 0;
  return new ApiError(
    400,
    `Invalid '${param}': too many properties. Expected an object with at most ${limit} properties, but got an object with ${count} properties instead.`,
    { param, code: 'object_above_max_properties' },
  );
}

/** The 400 for a key longer than its object allows (metadata and attributes share it). */
export function keyTooLong(param: string, limit: number, key: string): ApiError {
  return new ApiError(
    400,
    `Invalid '${param}': key '${key}' too long. Expected a key with maximum length ${limit}, but got a key with length ${[...key].length} instead.`,
    { param, code: 'string_above_max_length' },
  );
}

/** The tags a discriminated `oneOf` accepts: each branch's enum (or const) of the tag property. */
function discriminatorValues(error: ErrorObject, resolveRef: (ref: string) => unknown): unknown[] {
  const tag = String((error.params as { tag?: string }).tag);
  const branches = ((error.parentSchema as { oneOf?: { $ref?: string }[] } | undefined)?.oneOf ?? []).map(
    (branch) => (branch.$ref ? resolveRef(branch.$ref) : branch),
  ) as { properties?: Record<string, { enum?: unknown[]; const?: unknown }> }[];
  return branches.flatMap((branch) => {
    const property = branch?.properties?.[tag];
    return property?.enum ?? (property && 'const' in property ? [property.const] : []);
  });
}
