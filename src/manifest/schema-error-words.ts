import type { ErrorObject } from 'ajv/dist/2020.js';
import { schemaAnnotation, show } from '../errors/ajv-words.js';
import type { ErrorCode } from '../errors/index.js';
import { pointerPath, valueAt } from '../model/json-pointer.js';
import { counted } from '../util/words.js';
import { describeField, describePath } from './describe.js';
import type { SourceDocument, ValuePath } from './source-document.js';
import { didYouMeanSuffix } from './suggest.js';
import { codePointLength } from './text-length.js';

/** What an ajv error of the manifest schema says to a person, one handler per keyword. */

/** An ajv error with what every handler reads of it. */
export interface SchemaErrorContext {
  source: SourceDocument;
  error: ErrorObject;
  path: ValuePath;
  /** The value the error is about (undefined for a missing one). */
  value: unknown;
  /** The field in words (`vector_stores.kb.name`). */
  where: string;
  params: Record<string, unknown>;
  /** The schema's `x-hint` for it, if any. */
  hint: string | undefined;
}

export interface SchemaErrorWords {
  code: ErrorCode;
  message: string;
  hint?: string | undefined;
  /** What the location points at: by default the value at the error's path. */
  at?: { path: ValuePath; key: boolean };
}

type Handler = (context: SchemaErrorContext) => SchemaErrorWords;

/** The words of one error; a keyword without a handler is described by ajv's own message. */
export function schemaErrorWords(
  source: SourceDocument,
  root: unknown,
  error: ErrorObject,
): SchemaErrorWords {
  const path = pointerPath(error.instancePath);
  const context: SchemaErrorContext = {
    source,
    error,
    path,
    value: valueAt(root, path),
    where: describeField(path),
    params: error.params as Record<string, unknown>,
    hint: schemaAnnotation(error, 'x-hint'),
  };
  const handler = HANDLERS[error.keyword];
  if (handler) return handler(context);
  return {
    code: 'INVALID_VALUE',
    message: `${context.where} ${error.message ?? 'is not valid'}`,
    hint: context.hint,
  };
}

const type: Handler = ({ source, path, value, where, params, hint }) => {
  const wanted = Array.isArray(params.type) ? params.type : [params.type];
  const message = `${where} must be ${expectedTypes(params.type)}, not ${typeName(value)}`;
  if (value === null)
    return { code: 'TYPE_MISMATCH', message, hint: 'the value is empty: give one, or remove the key' };
  if (wanted.includes('string') && (typeof value === 'number' || typeof value === 'boolean'))
    return {
      code: 'TYPE_MISMATCH',
      message,
      hint: `put the value in quotes to make it a string: "${source.sourceText(path) ?? String(value)}"`,
    };
  return { code: 'TYPE_MISMATCH', message, hint };
};

const required: Handler = ({ path, params, hint }) => ({
  code: 'MISSING_FIELD',
  message: `${describePath(path)} is missing the required field "${String(params.missingProperty)}"`,
  hint,
  at: { path, key: path.length > 0 },
});

const additionalProperties: Handler = ({ error, path, params }) => {
  const key = String(params.additionalProperty);
  const parent = (error.parentSchema ?? {}) as Record<string, unknown>;
  const known = Object.keys((parent.properties as object) ?? {});
  // Keys of a sibling shape: a {file: ...} member may have been meant as a {glob: ...} one.
  const alternatives = Array.isArray(parent['x-alternatives']) ? parent['x-alternatives'].map(String) : [];
  const place = path.length === 0 ? 'at the top level' : `in ${describePath(path)}`;
  return {
    code: 'UNKNOWN_KEY',
    message: `unknown key "${key}" ${place}${didYouMeanSuffix(key, [...known, ...alternatives])}`,
    hint: known.length > 0 ? `known keys: ${known.join(', ')}` : undefined,
    at: { path: [...path, key], key: true },
  };
};

const oneOf: Handler = ({ error, value, where, params, hint }) => {
  const allowed = (error.keyword === 'enum' ? params.allowedValues : [params.allowedValue]) as unknown[];
  const suffix = typeof value === 'string' ? didYouMeanSuffix(value, allowed.map(String)) : '';
  const message =
    allowed.length === 1
      ? `${where} must be ${show(allowed[0])}, not ${show(value)}`
      : `${where} is ${show(value)}; expected one of: ${allowed.map(String).join(', ')}${suffix}`;
  return { code: 'INVALID_VALUE', message, hint };
};

const length: Handler = ({ error, path, value, where, params, hint }) => {
  const key = error.propertyName;
  if (key !== undefined)
    return {
      code: 'OUT_OF_RANGE',
      message:
        error.keyword === 'minLength'
          ? `${where} has an empty key`
          : `key "${key}" in ${where} is ${key.length} characters long; keys may be at most ${params.limit}`,
      hint,
      at: { path: [...path, key], key: true },
    };
  const count = typeof value === 'string' ? codePointLength(value) : 0;
  const message =
    error.keyword === 'minLength' && params.limit === 1
      ? `${where} must not be empty`
      : `${where} is ${count.toLocaleString('en-US')} characters long; the ${error.keyword === 'maxLength' ? 'limit' : 'minimum'} is ${Number(params.limit).toLocaleString('en-US')}`;
  return { code: 'OUT_OF_RANGE', message, hint };
};

const bound: Handler = ({ error, value, where, params, hint }) => {
  const side = error.keyword.toLowerCase().includes('max') ? 'at most' : 'at least';
  return {
    code: 'OUT_OF_RANGE',
    message: `${where} is ${String(value)}; it must be ${side} ${String(params.limit)}`,
    hint,
  };
};

const items: Handler = ({ error, value, where, params, hint }) => {
  const count = Array.isArray(value) ? value.length : 0;
  const message =
    error.keyword === 'maxItems'
      ? `${where} has ${count} items; at most ${String(params.limit)} allowed`
      : `${where} must have at least ${counted(Number(params.limit), 'item')}`;
  return { code: 'OUT_OF_RANGE', message, hint };
};

const entries: Handler = ({ error, value, where, params, hint }) => {
  const count = value !== null && typeof value === 'object' ? Object.keys(value).length : 0;
  const message =
    error.keyword === 'maxProperties'
      ? `${where} has ${count} entries; at most ${String(params.limit)} allowed`
      : `${where} must have at least ${String(params.limit)} entries`;
  return { code: 'OUT_OF_RANGE', message, hint };
};

const pattern: Handler = ({ error, path, value, where, params, hint }) => {
  const wanted = hint ?? `it must match ${String(params.pattern)}`;
  const name = error.propertyName;
  if (name !== undefined)
    return {
      code: 'INVALID_NAME',
      message: `"${name}" is not a valid name in ${where}`,
      hint: wanted,
      at: { path: [...path, name], key: true },
    };
  return {
    code: 'INVALID_VALUE',
    message: `${where} ${show(value)} is not of the allowed form`,
    hint: wanted,
  };
};

const HANDLERS: Readonly<Record<string, Handler>> = {
  type,
  required,
  additionalProperties,
  enum: oneOf,
  const: oneOf,
  maxLength: length,
  minLength: length,
  maximum: bound,
  minimum: bound,
  exclusiveMaximum: bound,
  exclusiveMinimum: bound,
  maxItems: items,
  minItems: items,
  maxProperties: entries,
  minProperties: entries,
  pattern,
};

function typeName(value: unknown): string {
  if (value === null) return 'empty (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `a string (${show(value)})`;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return `${String(value)}, which is not a finite number`;
    return Number.isInteger(value) ? `an integer (${value})` : `a number (${value})`;
  }
  return `a ${typeof value} (${String(value)})`;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'a boolean',
  object: 'a mapping',
  array: 'a list',
  null: 'null',
};

function expectedTypes(type: unknown): string {
  const list = (Array.isArray(type) ? type : [type]).map((t) => TYPE_WORDS[String(t)] ?? String(t));
  return list.length > 1 ? `${list.slice(0, -1).join(', ')} or ${list.at(-1)}` : (list[0] ?? 'valid');
}
