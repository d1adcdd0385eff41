import { setTimeout as delay } from 'node:timers/promises';
import type { ApiClient } from './api-client.js';
import type { ApiWriter } from './api-writer.js';
import { assistantWriter } from './writer-assistants.js';
import { fileWriter } from './writer-files.js';
import type { WriterContext } from './writer-retry.js';
import { skillWriter } from './writer-skills.js';
import { storeFileWriter } from './writer-store-files.js';
import { storeWriter } from './writer-stores.js';

/** Retries after the first attempt of a call, unless told otherwise. */
export const DEFAULT_WRITER_RETRIES = 6;

export interface SdkWriterOptions {
  /** Retries after the first attempt (default 6). */
  retries?: number;
  /** Waits between attempts; injectable so tests need not wait. */
  sleep?: (ms: number) => Promise<void>;
  /** Milliseconds since the epoch; when a create started, to find what a lost attempt made. */
  now?: () => number;
  /** 0 <= x < 1, the jitter of backoff (default Math.random). */
  random?: () => number;
}

/**
 * The ApiWriter over the official SDK. Every call goes with the SDK's own retries off
 * (`maxRetries: 0`) through the client's fetch, which paces it (see governedFetch); connection
 * errors, 408, 409, 429 and 5xx are retried here: 429s when the fetch's hold is over, others after
 * `retry-after-ms` / `retry-after`, else a backoff from 0.5 s to 8 s. A create whose answer was
 * lost is looked for before it is sent again, so it is never made twice (see writer-retry.ts).
 * Deletes of what is already gone succeed. Failures are AssistantsErrors naming the call.
 *
 * One writer should serve a whole apply: the ids its creates handed out are what keeps two
 * identical uploads from both claiming the same file.
 */
export function sdkWriter(api: ApiClient, options: SdkWriterOptions = {}): ApiWriter {
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  const now = options.now ?? Date.now;
  const ctx: WriterContext = {
    api,
    retries: options.retries ?? DEFAULT_WRITER_RETRIES,
    sleep,
    now,
    random: options.random ?? Math.random,
    claimed: new Set(),
    locks: new Map(),
  };
  return {
    ...fileWriter(ctx),
    ...storeWriter(ctx),
    ...storeFileWriter(ctx),
    ...assistantWriter(ctx),
    ...skillWriter(ctx),
  };
}
