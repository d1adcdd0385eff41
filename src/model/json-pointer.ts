/**
 * The steps of a JSON pointer (RFC 6901), as ajv writes them in `instancePath`: `''` is the root
 * ([]), `/tools/0/a~1b` is ['tools', '0', 'a/b']. Each step is unescaped (`~1` to `/`, then `~0` to
 * `~`, in that order so that `~01` reads as `~1`). Array indexes stay strings.
 */
export function pointerPath(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((step) => step.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * The value at `path` inside `root` (an object key or an array index per step), or undefined where
 * a step is missing or leads through something that is not an object or array.
 */
export function valueAt(root: unknown, path: readonly string[]): unknown {
  let node = root;
  for (const step of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[step];
  }
  return node;
}
