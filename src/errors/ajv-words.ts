import type { ErrorObject } from 'ajv/dist/2020.js';

/**
 * Pieces shared by the wording of schema errors for people (manifest and state). What differs
 * between the two (type names, path formatting) stays with each: the manifest speaks of YAML
 * mappings and lists, the state of JSON objects and arrays.
 */

/** A value shown inside a message: JSON, cut short. */
export function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * A string annotation (such as `x-hint` or `x-problem`) of the schema an error failed against, or
 * undefined. The validator must be compiled with `verbose: true`, which gives errors their
 * `parentSchema`.
 */
export function schemaAnnotation(error: ErrorObject, keyword: `x-${string}`): string | undefined {
  const annotation = (error.parentSchema as Record<string, unknown> | undefined)?.[keyword];
  return typeof annotation === 'string' ? annotation : undefined;
}
