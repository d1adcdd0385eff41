import { createHash } from 'node:crypto';
import { compareCodeUnits } from './order.js';

/**
 * A skill's content hash: sha256 over its files' relative paths and content hashes, sorted by path,
 * so that it changes when a file is added, removed, renamed or edited, and only then. Built from
 * each file's own sha256 (which the hash cache keeps by path, size and mtime), so a plan of an
 * unchanged folder reads no file.
 */
export function skillContentHash(files: readonly { relativePath: string; sha256: string }[]): string {
  const hash = createHash('sha256');
  const sorted = [...files].sort((a, b) => compareCodeUnits(a.relativePath, b.relativePath));
  for (const file of sorted) hash.update(`${file.relativePath}\u0000${file.sha256}\n`);
  return hash.digest('hex');
}

/** Version numbers (strings, as the API writes them), newest first. */
export function newestFirst(a: string, b: string): number {
  return Number(b) - Number(a);
}

/**
 * The key of a skill's content hash among the plan's hashes (which are keyed by file name): a NUL
 * cannot be in a file's name, so the two never meet.
 */
export function skillHashKey(name: string): string {
  return `\u0000skill:${name}`;
}
