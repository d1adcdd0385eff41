import { execFileSync } from 'node:child_process';
import path from 'node:path';

const SCRIPT = path.resolve(import.meta.dirname, '../../bench/make-stack.mjs');

/**
 * Writes a benchmark stack (bench/make-stack.mjs) of `files` files in `stores` stores into `dir`,
 * with one sparse file of `bigMb` MB (10^6 bytes) when given.
 */
export function makeStack(
  dir: string,
  size: { files: number; stores: number; assistants: number; bigMb?: number },
): void {
  execFileSync(process.execPath, [
    SCRIPT,
    dir,
    '--files',
    String(size.files),
    '--stores',
    String(size.stores),
    '--assistants',
    String(size.assistants),
    '--big-mb',
    String(size.bigMb ?? 0),
  ]);
}

/** Requests made between two readings of the emulator's stats, by route; routes with none left out. */
export function requestDelta(
  before: Readonly<Record<string, number>>,
  after: Readonly<Record<string, number>>,
): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after)
      .map(([route, n]) => [route, n - (before[route] ?? 0)] as const)
      .filter(([, n]) => n > 0),
  );
}
