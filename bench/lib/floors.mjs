// Lower bounds for each scenario of `npm run bench`, from first principles: the requests no tool
// can do without, and the waiting no tool can avoid with `parallelism` requests in flight and,
// where the emulator limits a route family, the rate it allows.
//
// F files (the large one included), S stores, A assistants, L the emulator's latency per request,
// P requests in flight, D the indexing delay of the slowest file (the fixed delay plus its size
// times the per-MB delay), pages = each store's files listed 100 per page, batches = each store's
// files attached 2,000 per batch; the files list gives 10,000 a page, the stores and assistants
// lists 100. Transfer time of large bodies is left out (it depends on the machine), so a stack
// with a large file sits further above its time bound.
//
// A rate limit of R requests a minute on a family is the emulator's (and the API's) bucket: it
// holds one second's share, c = max(1, ceil(R / 60)), full at the start, and refills at R / 60 a
// second. So the n-th request of that family cannot go before (n - c) / (R / 60) seconds, and is
// answered L later: 600 uploads at 300/min take at least (600 - 5) / 5 = 119 s.

const PAGE = 100;
const FILES_PAGE = 10_000;
const BATCH = 2000;

/**
 * The earliest second by which `n` requests of one family can all be answered, with `parallelism`
 * in flight and at most `perMinute` a minute (0 or undefined: no limit).
 */
export function familyTime(n, { latencyMs, parallelism, perMinute }) {
  const L = latencyMs / 1000;
  if (n === 0) return 0;
  const waves = Math.ceil(n / parallelism) * L;
  if (!perMinute) return waves;
  const capacity = Math.max(1, Math.ceil(perMinute / 60));
  return Math.max(waves, Math.max(0, n - capacity) / (perMinute / 60) + L);
}

/**
 * Bounds per scenario: `{ requests, seconds }`. `rateLimits`: requests a minute per route family
 * (`files`, `vector_stores`, `assistants`; a missing family is unlimited).
 */
export function floors({
  stack,
  latencyMs,
  parallelism,
  indexDelayMs,
  indexDelayPerMbMs,
  changed,
  rateLimits = {},
}) {
  const F = stack.stores.reduce((n, s) => n + s.files.length, 0);
  const S = stack.stores.length;
  const A = stack.assistants.length;
  const L = latencyMs / 1000;
  const pages = stack.stores.reduce((n, s) => n + Math.max(1, Math.ceil(s.files.length / PAGE)), 0);
  const filePages = Math.max(1, Math.ceil(F / FILES_PAGE));
  const listPages = Math.max(1, Math.ceil(S / PAGE)) + Math.max(1, Math.ceil(A / PAGE));
  const batches = stack.stores.reduce((n, s) => n + Math.ceil(s.files.length / BATCH), 0);
  const largestMb = Math.max(0, ...stack.stores.flatMap((s) => s.sizes ?? [])) / 1e6;
  const D = (indexDelayMs + largestMb * indexDelayPerMbMs) / 1000;
  const smallD = indexDelayMs / 1000;
  const time = (family, n) => familyTime(n, { latencyMs, parallelism, perMinute: rateLimits[family] });
  // Reading what exists: the files, stores and assistants lists at once (the files list page after
  // page), then every store's files.
  const refresh = {
    requests: filePages + listPages + pages,
    seconds: Math.max(filePages * L, L + Math.ceil(pages / parallelism) * L),
  };
  const waves = (n) => Math.ceil(n / parallelism) * L;
  const touchedStores = new Set(changed.map((c) => c.store)).size;
  return {
    validate: { requests: 0, seconds: null },
    'first apply': {
      // Every file uploaded, every store and assistant made, every store's files attached in batches.
      requests: F + S + batches + A,
      // Uploads (stores are made meanwhile), the last batch, indexing, then the assistants.
      seconds: Math.max(time('files', F), time('vector_stores', S)) + L + D + time('assistants', A),
    },
    'no-op plan': refresh,
    'plan after touching 1 file': refresh,
    'apply after changing 10 files': {
      // New uploads, one batch per store touched, and the old files deleted (which detaches them).
      requests: refresh.requests + changed.length + touchedStores + changed.length,
      seconds: refresh.seconds + waves(changed.length) + L + smallD + waves(changed.length),
    },
    destroy: {
      // The lists, then one delete per assistant, store and file (a store's attachments go with
      // it, so its files list is not needed).
      requests: filePages + listPages + A + S + F,
      seconds: L + time('assistants', A) + time('vector_stores', S) + time('files', F),
    },
  };
}
