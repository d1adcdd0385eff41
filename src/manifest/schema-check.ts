import type { ErrorObject } from 'ajv/dist/2020.js';
import type { Diagnostic } from '../errors/index.js';
import { pointerPath, valueAt } from '../model/json-pointer.js';
import { validateManifest } from './manifest-validator.generated.js';
import { prune } from './prune.js';
import { schemaErrorWords } from './schema-error-words.js';
import type { SourceDocument, ValuePath } from './source-document.js';

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

/** One ajv error as a diagnostic, and what to remove from the value because of it. */
function toDiagnostic(
  source: SourceDocument,
  root: unknown,
  error: ErrorObject,
): { diagnostic: Diagnostic; removePath: ValuePath | undefined } {
  const { code, message, hint, at } = schemaErrorWords(source, root, error);
  const where = at ?? { path: pointerPath(error.instancePath), key: false };
  const location = source.locate(where.path, where.key ? 'key' : 'value');
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
