/**
 * A copy of `value` with the keys of every plain object in it in sorted order; arrays keep their
 * order, and everything else (undefined included) is kept as it is. For stores that do not keep
 * key order (PostgreSQL's jsonb), so that the same content always reads back as the same text.
 */
export function withSortedKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => withSortedKeys(item)) as T;
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype)
    return value;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort())
    copy[key] = withSortedKeys((value as Record<string, unknown>)[key]);
  return copy as T;
}
