/**
 * The one ordering of names and addresses in output, state and digests: by UTF-16 code units, so
 * it is the same on every machine and locale (localeCompare is not).
 */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A record's entries sorted by key. */
export function sortedEntries<T>(record: Readonly<Record<string, T>>): [string, T][] {
  return Object.entries(record).sort(([a], [b]) => compareCodeUnits(a, b));
}
