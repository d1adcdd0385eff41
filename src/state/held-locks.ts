import { readFileSync, rmSync } from 'node:fs';
import { parseLockInfo } from './lock-info.js';

/** Lock files this process holds now: path → the id written in it. */
const held = new Map<string, string>();

/** Records that this process took the lock file `file` under `id` (the local backend calls it). */
export function noteLockTaken(file: string, id: string): void {
  held.set(file, id);
}

/** Records that this process no longer holds `file` under `id` (released, or found taken over). */
export function noteLockReleased(file: string, id: string): void {
  if (held.get(file) === id) held.delete(file);
}

/**
 * Removes, synchronously, every lock file this process holds, each only while it still carries this
 * process's id (force-unlock and another run may have replaced it). For an exit that cannot wait for
 * the asynchronous release: a second Ctrl-C, or a signal that ends the process. The state itself needs
 * nothing here: its writes are atomic, and calls not yet confirmed stay in its journal for the next
 * run. Never throws: a lock it cannot remove is left for the usual reclaim (same host, dead holder).
 */
export function releaseHeldLocksSync(): void {
  for (const [file, id] of held) {
    try {
      if (parseLockInfo(readFileSync(file, 'utf8'))?.id === id) rmSync(file, { force: true });
    } catch {
      // see above
    }
  }
  held.clear();
}
