/**
 * A copy of `value` with the keys of every plain object in it (prototype Object or none) sorted;
 * arrays keep their order, and everything else (undefined included) is kept as it is. Equal values
 * then give equal JSON: for digests, and for stores that keep no key order (PostgreSQL's jsonb),
 * so that the same content always reads back as the same text.
 */
export function withSortedKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => withSortedKeys(item)) as T;
  if (value === null || typeof value !== 'object') return value;
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  const copy: Record<string, unknown> = {};
  // The default sort of strings is by UTF-16 code units: compareCodeUnits' order (model/order.ts).
  for (const key of Object.keys(value).sort())
    copy[key] = withSortedKeys((value as Record<string, unknown>)[key]);
  return copy as T;
}
