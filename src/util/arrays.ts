/**
 * Appends every item of `items` to `target`. Not `target.push(...items)`: a spread passes each item
 * as an argument, and a list of a store's members or a stack's resources (200,000) is more
 * arguments than a call takes (RangeError: Maximum call stack size exceeded).
 */
export function pushAll<T>(target: T[], items: Iterable<T>): void {
  for (const item of items) target.push(item);
}
