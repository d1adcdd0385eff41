/** What a manifest key may be (the schema's ResourceName). */
export const RESOURCE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

const MAX = 64;

/**
 * A manifest key for a resource found in the account: its name made into a valid key
 * ("Acme support KB" → "acme-support-kb"), or its id when the name gives nothing, made unique
 * among `taken` with a -2, -3, ... suffix. Adds the key to `taken`.
 */
export function resourceKey(name: string | null | undefined, id: string, taken: Set<string>): string {
  // An id is kept as it is (it is one already), not lower-cased into something that looks like one.
  const base = slug(name ?? '') || (RESOURCE_NAME.test(id) ? id : slug(id)) || 'resource';
  let key = base;
  for (let n = 2; taken.has(key); n += 1) {
    const suffix = `-${n}`;
    key = `${base.slice(0, MAX - suffix.length)}${suffix}`;
  }
  taken.add(key);
  return key;
}

/** Lower case, accents dropped, runs of other characters as one `-`, starting with a letter or digit. */
export function slug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, MAX)
    .replace(/[-_.]+$/, '');
}
