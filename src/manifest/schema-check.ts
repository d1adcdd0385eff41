import type { ErrorObject } from 'ajv/dist/2020.js';
import { schemaAnnotation, show } from '../errors/ajv-words.js';
import type { Diagnostic, ErrorCode } from '../errors/index.js';
import { pointerPath, valueAt } from '../model/json-pointer.js';
import { describeField, describePath } from './describe.js';
import { validateManifest } from './manifest-validator.generated.js';
import { prune } from './prune.js';
import type { SourceDocument, ValuePath } from './source-document.js';
import { didYouMeanSuffix } from './suggest.js';
import { codePointLength } from './text-length.js';

/** Where the manifest schema lives: `schema/` at the package root, two folders above this module. */
export const MANIFEST_SCHEMA_URL = new URL('../../schema/manifest.schema.json', import.meta.url);

/**
 * Validates one document against the manifest schema and turns ajv's errors into located
 * diagnostics with messages for people. Wrapper errors (`if`, `propertyNames`) and the echo of a
 * union type check are dropped so that each problem is reported once.
 *
 * It also returns `value` with every rejected part removed (and `alsoRemove` too), pruned again
 * until the schema accepts what is left: semantic rules then read values of the declared types and
 * still check every part that is valid, so all errors are reported in one run.
 */
export function checkSchema(
  source: SourceDocument,
  value: unknown,
  alsoRemove: readonly ValuePath[] = [],
): { diagnostics: Diagnostic[]; value: unknown } {
  // Compiled when the package is built (schema/compile-validators.mjs): nothing is compiled here.
  const validate = validateManifest;
  if (validate(value) && alsoRemove.length === 0) return { diagnostics: [], value };
  // A value already reported (an unset ${env:...}) is not reported again for its shape.
  const found = relevantErrors(validate.errors ?? [])
    .filter((error) => !alsoRemove.some((p) => startsWith(pointerPath(error.instancePath), p)))
    .map((error) => toDiagnostic(source, value, error));
  let remaining = prune(value, [...alsoRemove, ...found.map((f) => f.removePath).filter(isDefined)]);
  // Each round removes at least one value, so this ends; the bound is a guard against defects.
  for (let round = 0; round < 64 && remaining !== undefined && !validate(remaining); round++) {
    const current = remaining;
    // Holes left by earlier rounds read as `undefined` items to ajv; they are gone already.
    const paths = (validate.errors ?? [])
      .filter((e) => valueAt(current, pointerPath(e.instancePath)) !== undefined)
      .map(removalPath)
      .filter(isDefined);
    if (paths.length === 0) break;
    remaining = prune(remaining, paths);
  }
  return { diagnostics: found.map((f) => f.diagnostic), value: remaining };
}

const isDefined = <T>(x: T | undefined): x is T => x !== undefined;

function startsWith(path: ValuePath, prefix: ValuePath): boolean {
  return prefix.length <= path.length && prefix.every((step, i) => String(step) === String(path[i]));
}

/**
 * What to remove for an error: the offending value; for an unknown or badly named key, that key;
 * for a missing field, the object lacking it. The top level is never removed for a missing field
 * (a missing `version` must not hide the rest of the document).
 */
function removalPath(error: ErrorObject): ValuePath | undefined {
  if (error.keyword === 'if' || error.keyword === 'propertyNames') return undefined;
  const path = pointerPath(error.instancePath);
  if (error.propertyName !== undefined) return [...path, error.propertyName];
  if (error.keyword === 'additionalProperties') return [...path, String(error.params.additionalProperty)];
  if (error.keyword === 'required') return path.length === 0 ? undefined : path;
  return path;
}

function relevantErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const unionTypeAt = new Set(
    errors.filter((e) => e.keyword === 'type' && Array.isArray(e.params.type)).map((e) => e.instancePath),
  );
  const seen = new Set<string>();
  return errors.filter((e) => {
    if (e.keyword === 'if' || e.keyword === 'propertyNames') return false;
    // `type: [string, object]` fails, then the else-branch repeats "must be object": keep the first.
    if (e.keyword === 'type' && !Array.isArray(e.params.type) && unionTypeAt.has(e.instancePath))
      return false;
    const key = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}|${e.propertyName ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

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

/** One ajv error as a diagnostic, and what to remove from the value because of it. */
function toDiagnostic(
  source: SourceDocument,
  root: unknown,
  error: ErrorObject,
): { diagnostic: Diagnostic; removePath: ValuePath | undefined } {
  const path = pointerPath(error.instancePath);
  const value = valueAt(root, path);
  const where = describeField(path);
  const params = error.params as Record<string, unknown>;
  let code: ErrorCode = 'INVALID_VALUE';
  let message: string;
  let hint = schemaAnnotation(error, 'x-hint');
  let at: { path: ValuePath; key: boolean } = { path, key: false };

  switch (error.keyword) {
    case 'type': {
      code = 'TYPE_MISMATCH';
      message = `${where} must be ${expectedTypes(params.type)}, not ${typeName(value)}`;
      const wanted = Array.isArray(params.type) ? params.type : [params.type];
      if (value === null) hint = 'the value is empty: give one, or remove the key';
      else if (wanted.includes('string') && (typeof value === 'number' || typeof value === 'boolean'))
        hint = `put the value in quotes to make it a string: "${source.sourceText(path) ?? String(value)}"`;
      break;
    }
    case 'required': {
      code = 'MISSING_FIELD';
      message = `${describePath(path)} is missing the required field "${String(params.missingProperty)}"`;
      at = { path, key: path.length > 0 };
      break;
    }
    case 'additionalProperties': {
      code = 'UNKNOWN_KEY';
      const key = String(params.additionalProperty);
      const parent = (error.parentSchema ?? {}) as Record<string, unknown>;
      const known = Object.keys((parent.properties as object) ?? {});
      // Keys of a sibling shape: a {file: ...} member may have been meant as a {glob: ...} one.
      const alternatives = Array.isArray(parent['x-alternatives'])
        ? parent['x-alternatives'].map(String)
        : [];
      const place = path.length === 0 ? 'at the top level' : `in ${describePath(path)}`;
      message = `unknown key "${key}" ${place}${didYouMeanSuffix(key, [...known, ...alternatives])}`;
      hint = known.length > 0 ? `known keys: ${known.join(', ')}` : undefined;
      at = { path: [...path, key], key: true };
      break;
    }
    case 'enum':
    case 'const': {
      const allowed = (error.keyword === 'enum' ? params.allowedValues : [params.allowedValue]) as unknown[];
      const suffix = typeof value === 'string' ? didYouMeanSuffix(value, allowed.map(String)) : '';
      message =
        allowed.length === 1
          ? `${where} must be ${show(allowed[0])}, not ${show(value)}`
          : `${where} is ${show(value)}; expected one of: ${allowed.map(String).join(', ')}${suffix}`;
      break;
    }
    case 'maxLength':
    case 'minLength': {
      if (error.propertyName !== undefined) {
        code = 'OUT_OF_RANGE';
        const key = error.propertyName;
        message =
          error.keyword === 'minLength'
            ? `${where} has an empty key`
            : `key "${key}" in ${where} is ${key.length} characters long; keys may be at most ${params.limit}`;
        at = { path: [...path, key], key: true };
        break;
      }
      code = 'OUT_OF_RANGE';
      const length = typeof value === 'string' ? codePointLength(value) : 0;
      message =
        error.keyword === 'minLength' && params.limit === 1
          ? `${where} must not be empty`
          : `${where} is ${length.toLocaleString('en-US')} characters long; the ${error.keyword === 'maxLength' ? 'limit' : 'minimum'} is ${Number(params.limit).toLocaleString('en-US')}`;
      break;
    }
    case 'maximum':
    case 'minimum':
    case 'exclusiveMaximum':
    case 'exclusiveMinimum': {
      code = 'OUT_OF_RANGE';
      const bound = error.keyword.toLowerCase().includes('max') ? 'at most' : 'at least';
      message = `${where} is ${String(value)}; it must be ${bound} ${String(params.limit)}`;
      break;
    }
    case 'maxItems':
    case 'minItems': {
      code = 'OUT_OF_RANGE';
      const count = Array.isArray(value) ? value.length : 0;
      message =
        error.keyword === 'maxItems'
          ? `${where} has ${count} items; at most ${String(params.limit)} allowed`
          : `${where} must have at least ${String(params.limit)} item(s)`;
      break;
    }
    case 'maxProperties':
    case 'minProperties': {
      code = 'OUT_OF_RANGE';
      const count = value !== null && typeof value === 'object' ? Object.keys(value).length : 0;
      message =
        error.keyword === 'maxProperties'
          ? `${where} has ${count} entries; at most ${String(params.limit)} allowed`
          : `${where} must have at least ${String(params.limit)} entries`;
      break;
    }
    case 'pattern': {
      if (error.propertyName !== undefined) {
        code = 'INVALID_NAME';
        message = `"${error.propertyName}" is not a valid name in ${where}`;
        at = { path: [...path, error.propertyName], key: true };
      } else {
        message = `${where} ${show(value)} is not of the allowed form`;
      }
      hint = hint ?? `it must match ${String(params.pattern)}`;
      break;
    }
    default:
      message = `${where} ${error.message ?? 'is not valid'}`;
  }

  const location = source.locate(at.path, at.key ? 'key' : 'value');
  return {
    diagnostic: {
      severity: 'error',
      code,
      message,
      location,
      excerpt: source.lineText(location.line),
      ...(hint ? { hint } : {}),
    },
    removePath: removalPath(error),
  };
}
