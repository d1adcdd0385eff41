import { AssistantsError } from '../errors/index.js';
import type { ApiWriter, BatchStatus } from '../provider/api-writer.js';

export interface WaitOptions {
  /** Give up after this long (--wait-timeout). */
  timeoutMs: number;
  /** Stop polling (not an error) when this aborts: a SIGINT lets apply save and leave. */
  stop?: AbortSignal;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export const FIRST_POLL_MS = 500;
export const MAX_POLL_MS = 5000;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The next wait: the server's `openai-poll-after-ms` when it gives one, else the last wait × 1.5;
 * always within 0.1 s .. 5 s, so a slow store is not hammered and a fast one is not kept waiting.
 */
export function nextPollDelay(previousMs: number | undefined, pollAfterMs: number | undefined): number {
  const wanted = pollAfterMs ?? (previousMs === undefined ? FIRST_POLL_MS : previousMs * 1.5);
  return Math.min(MAX_POLL_MS, Math.max(100, Math.round(wanted)));
}

/**
 * Polls a file batch until no file is in progress, reporting the counts after each poll. Our own
 * loop rather than the SDK's helpers (which sleep 5 s by default and, in 6.x, spin on `cancelled`).
 * Returns the last status; undefined when stopped. Throws WAIT_TIMEOUT past the deadline.
 */
export async function waitForBatch(
  writer: Pick<ApiWriter, 'retrieveFileBatch'>,
  storeId: string,
  batchId: string,
  onProgress: (status: BatchStatus) => void,
  options: WaitOptions,
): Promise<BatchStatus | undefined> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const deadline = now() + options.timeoutMs;
  let delay: number | undefined;
  for (;;) {
    if (options.stop?.aborted) return undefined;
    const status = await writer.retrieveFileBatch(storeId, batchId);
    onProgress(status);
    if (status.status !== 'in_progress') return status;
    delay = nextPollDelay(delay, status.pollAfterMs);
    if (now() + delay > deadline) {
      throw new AssistantsError(
        'WAIT_TIMEOUT',
        `vector store ${storeId}: ${status.counts.in_progress} of ${status.counts.total} files still indexing after the --wait-timeout`,
        { hint: 'raise --wait-timeout, or apply with --no-wait and let a later plan show the outcome' },
      );
    }
    await sleep(delay);
  }
}
