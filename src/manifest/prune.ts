import type { ValuePath } from './source-document.js';

/**
 * A copy of `value` without the values at `paths`: mapping keys are deleted, sequence items become
 * holes (so the indexes of their neighbours, and thus their source locations, stay the same;
 * `forEach` and `map` skip holes). Paths below an already removed value are ignored.
 */
export function prune(value: unknown, paths: readonly ValuePath[]): unknown {
  if (paths.some((p) => p.length === 0)) return undefined;
  const copy = structuredClone(value);
  for (const path of paths) {
    let parent: unknown = copy;
    for (const step of path.slice(0, -1)) {
      if (parent === null || typeof parent !== 'object') break;
      parent = (parent as Record<string, unknown>)[String(step)];
    }
    if (parent === null || typeof parent !== 'object') continue;
    // `delete` on an array leaves a hole: exactly what keeps neighbouring indexes stable.
    delete (parent as Record<string, unknown>)[String(path[path.length - 1])];
  }
  return copy;
}
