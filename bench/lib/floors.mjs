// Lower bounds for each scenario of `npm run bench`, from first principles: the requests no tool
// can do without, and the waiting no tool can avoid with `parallelism` requests in flight.
//
// F files (the large one included), S stores, A assistants, L the emulator's latency per request,
// P requests in flight, D the indexing delay of the slowest file (the fixed delay plus its size
// times the per-MB delay), pages = each store's files listed 100 per page, batches = each store's
// files attached 2,000 per batch. Transfer time of large bodies is left out (it depends on the
// machine), so a stack with a large file sits further above its time bound.

const PAGE = 100;
const BATCH = 2000;

export function floors({ stack, latencyMs, parallelism, indexDelayMs, indexDelayPerMbMs, changed }) {
  const F = stack.stores.reduce((n, s) => n + s.files.length, 0);
  const S = stack.stores.length;
  const A = stack.assistants.length;
  const L = latencyMs / 1000;
  const pages = stack.stores.reduce((n, s) => n + Math.max(1, Math.ceil(s.files.length / PAGE)), 0);
  const batches = stack.stores.reduce((n, s) => n + Math.ceil(s.files.length / BATCH), 0);
  const largestMb = Math.max(0, ...stack.stores.flatMap((s) => s.sizes ?? [])) / 1e6;
  const D = (indexDelayMs + largestMb * indexDelayPerMbMs) / 1000;
  const smallD = indexDelayMs / 1000;
  // Reading what exists: the files, stores and assistants lists at once, then every store's files.
  const refresh = { requests: 3 + pages, seconds: L + Math.ceil(pages / parallelism) * L };
  const waves = (n) => Math.ceil(n / parallelism) * L;
  const touchedStores = new Set(changed.map((c) => c.store)).size;
  return {
    validate: { requests: 0, seconds: null },
    'first apply': {
      // Every file uploaded, every store and assistant made, every store's files attached in batches.
      requests: F + S + batches + A,
      // Uploads in waves, the last batch, indexing, then the assistants (stores are made meanwhile).
      seconds: waves(F) + L + D + L,
    },
    'no-op plan': refresh,
    'plan after touching 1 file': refresh,
    'apply after changing 10 files': {
      // New uploads, one batch per store touched, and the old files deleted (which detaches them).
      requests: refresh.requests + changed.length + touchedStores + changed.length,
      seconds: refresh.seconds + waves(changed.length) + L + smallD + waves(changed.length),
    },
    destroy: {
      // The three lists, then one delete per assistant, store and file (a store's attachments go
      // with it, so its files list is not needed).
      requests: 3 + A + S + F,
      seconds: L + waves(A) + waves(S) + waves(F),
    },
  };
}
