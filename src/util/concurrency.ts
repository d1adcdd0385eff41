/** Helpers for running async work a few at a time; they know nothing of the API. */

/**
 * Runs `work` over `items` with at most `limit` calls in flight; results keep the order of `items`.
 * The first failure rejects once every started call has settled, so none is left running.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < items.length && !failure) {
      const index = next++;
      try {
        results[index] = await work(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure) throw failure.error;
  return results;
}

/** Runs one call under a limiter (see `limiter`). */
export type Limited = <R>(work: () => Promise<R>) => Promise<R>;

/**
 * At most `limit` calls in flight across every caller; the others wait their turn, first come first
 * served. For work that holds a slot only while it calls, not while it waits between calls (a
 * store's indexing is polled, and the waits of many stores overlap).
 */
export function limiter(limit: number): Limited {
  let active = 0;
  // A queue read from `head`: shift() copies the array on every call, which is quadratic when
  // 100,000 calls wait at once (every membership update of a large stack).
  let waiting: (() => void)[] = [];
  let head = 0;
  return async (work) => {
    if (active < limit) active += 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await work();
    } finally {
      // A waiting call takes the slot over; otherwise it is free again.
      const next = waiting[head];
      if (next) {
        head += 1;
        // Taken calls are dropped once they are half the queue (amortised O(1) a call), so a queue
        // that never empties does not keep every call it served.
        if (head * 2 >= waiting.length) {
          waiting = waiting.slice(head);
          head = 0;
        }
        next();
      } else active -= 1;
    }
  };
}
