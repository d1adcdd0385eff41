import { expect } from 'vitest';

/** One `properties` entry of a JSON Schema: its JSON pointer and its subschema. */
export interface SchemaProperty {
  pointer: string;
  schema: Record<string, unknown>;
}

/** Every `properties` entry of every subschema, with its JSON pointer. */
export function properties(node: unknown, pointer = ''): SchemaProperty[] {
  if (node === null || typeof node !== 'object') return [];
  const out: SchemaProperty[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === 'properties' && value && typeof value === 'object') {
      for (const [name, sub] of Object.entries(value))
        out.push({ pointer: `${pointer}/properties/${name}`, schema: sub as Record<string, unknown> });
    }
    out.push(...properties(value, `${pointer}/${key}`));
  }
  return out;
}

/**
 * Asserts that every field of `schema` has a description (editors show them). A field that only
 * refers to a definition (`$ref`) is described there. Entries whose pointer matches `skip` are not
 * fields (properties inside `if` are conditions that pick a branch); `moreThan` guards against a
 * walk that finds next to nothing.
 */
export function expectEveryFieldDescribed(
  schema: Record<string, unknown>,
  { skip, moreThan }: { skip: RegExp; moreThan: number },
): void {
  const fields = properties(schema).filter((f) => !skip.test(f.pointer));
  expect(fields.length).toBeGreaterThan(moreThan);
  const undocumented = fields.filter(
    ({ schema: s }) =>
      !(typeof s.description === 'string' && s.description.length > 0) && typeof s.$ref !== 'string',
  );
  expect(undocumented.map((f) => f.pointer)).toEqual([]);
}
