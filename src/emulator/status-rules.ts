import type { BatchRecord, VectorStoreFileRecord, VectorStoreRecord } from './records.js';

/**
 * How statuses follow from the records and the clock, in one place. Nothing here changes state:
 * statuses are derived when read, so indexing "finishes" by time passing (or the clock moving)
 * without timers, and a restarted emulator carries on where it stopped.
 */

export type FileStatus = 'in_progress' | 'completed' | 'cancelled' | 'failed';

export interface FileCounts {
  in_progress: number;
  completed: number;
  failed: number;
  cancelled: number;
  total: number;
}

export function memberStatus(member: VectorStoreFileRecord, nowMs: number): FileStatus {
  if (member.cancelled) return 'cancelled';
  if (nowMs < member.readyAtMs) return 'in_progress';
  return member.failure ? 'failed' : 'completed';
}

export function countStatuses(statuses: readonly FileStatus[]): FileCounts {
  const counts: FileCounts = { in_progress: 0, completed: 0, failed: 0, cancelled: 0, total: 0 };
  for (const status of statuses) {
    counts[status] += 1;
    counts.total += 1;
  }
  return counts;
}

/** Unix seconds at which the store expires: `days` after it was last active; null without a policy. */
export function storeExpiresAt(store: VectorStoreRecord): number | null {
  if (!store.expiresAfter) return null;
  return Math.floor(store.lastActiveAtMs / 1000) + store.expiresAfter.days * 86_400;
}

export function isStoreExpired(store: VectorStoreRecord, nowMs: number): boolean {
  if (store.expired) return true;
  const expiresAt = storeExpiresAt(store);
  return expiresAt !== null && nowMs / 1000 >= expiresAt;
}

/** `expired` wins; otherwise in progress while any file is, else completed. */
export function storeStatus(
  store: VectorStoreRecord,
  counts: FileCounts,
  nowMs: number,
): 'expired' | 'in_progress' | 'completed' {
  if (isStoreExpired(store, nowMs)) return 'expired';
  return counts.in_progress > 0 ? 'in_progress' : 'completed';
}

/** A batch is cancelled if asked, in progress while a file is, failed if every file failed. */
export function batchStatus(batch: BatchRecord, counts: FileCounts): FileStatus {
  if (batch.cancelled) return 'cancelled';
  if (counts.in_progress > 0) return 'in_progress';
  if (counts.total > 0 && counts.failed === counts.total) return 'failed';
  return 'completed';
}

/**
 * The `openai-poll-after-ms` hint: half the indexing delay, between 50 ms and 5 s, so a client
 * that honours it polls a few times per file rather than hammering or oversleeping.
 */
export function pollAfterMs(indexDelayMs: number): number {
  return Math.min(5000, Math.max(50, Math.ceil(indexDelayMs / 2)));
}
