import { errorOf, finalResponse, NOT_SENT_HEADER } from './quota.js';
import { RATE_LIMIT_RETRIES, type RateGovernor } from './rate-governor.js';

type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** How many rate-limit 429s one read waits out before its 429 is handed on (not to be retried). */
export const READ_RATE_LIMIT_RETRIES = RATE_LIMIT_RETRIES;

/** The API's rate-limited route families: the first path segment of each call that names one. */
const FAMILIES: ReadonlySet<string> = new Set([
  'files',
  'vector_stores',
  'assistants',
  'responses',
  'skills',
]);

/**
 * A fetch that every request of one API client passes: it takes a slot from `governor` for the
 * URL's route family (and for the files it attaches) before sending, and hands it each answer to
 * learn from. A read (GET, HEAD: safe to repeat) that meets a rate-limit 429 waits the governor's
 * hold and goes again, up to READ_RATE_LIMIT_RETRIES times; its last 429 reaches the SDK with
 * `x-should-retry: false`, so nothing retries it again. A write's 429 is handed on at once: a
 * rate-limited create did not happen, and the writer's `send` decides (its next attempt waits here,
 * once). An answer marked `x-should-retry: false` (quota) is never repeated, and once `inner`
 * has stopped sending (quota), calls go straight to it, taking no slot.
 */
export function governedFetch(inner: Fetch & { stopped?: () => boolean }, governor: RateGovernor): Fetch {
  return async (input, init) => {
    // Nothing goes out any more (quota): the answer comes at once, without waiting for a slot.
    if (inner.stopped?.()) return inner(input, init);
    const request = input instanceof Request ? input : undefined;
    const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
    const url = new URL(request ? request.url : String(input));
    const family = routeFamily(url.pathname);
    const cost = attachCost(method, url.pathname, init?.body);
    const repeatable = method === 'GET' || method === 'HEAD';
    for (let limited = 0; ; limited++) {
      const ticket = await governor.acquire(family, cost);
      let response: Response;
      try {
        response = await inner(input, init);
      } catch (err) {
        governor.settle(ticket, undefined);
        throw err;
      }
      if (response.headers.has(NOT_SENT_HEADER)) {
        governor.settle(ticket, undefined);
        return response;
      }
      const final = response.headers.get('x-should-retry') === 'false';
      const errorType = response.status === 429 ? await errorTypeOf(response) : undefined;
      governor.settle(ticket, { status: response.status, headers: response.headers, errorType, final });
      if (response.status !== 429 || final || !repeatable || init?.signal?.aborted) return response;
      if (limited >= READ_RATE_LIMIT_RETRIES) return finalResponse(response.body, response);
      await response.body?.cancel().catch(() => {});
    }
  };
}

/**
 * The first path segment that names a known family (`/v1/vector_stores/vs_1/files`: vector_stores),
 * else the segment after `v1`: each route the API limits apart is paced apart.
 */
export function routeFamily(pathname: string): string {
  const segments = pathname.split('/').filter((segment) => segment !== '');
  const known = segments.find((segment) => FAMILIES.has(segment));
  if (known) return known;
  const v1 = segments.indexOf('v1');
  return segments[v1 + 1] ?? segments[0] ?? '';
}

/**
 * Files a request attaches to vector stores, as the org-wide attach limit counts them: a file
 * batch counts its files, a single attach 1, a store create its `file_ids`; anything else 0.
 */
export function attachCost(method: string, pathname: string, body: unknown): number {
  if (method !== 'POST') return 0;
  if (/\/vector_stores\/[^/]+\/files$/.test(pathname)) return 1;
  const batch = /\/vector_stores\/[^/]+\/file_batches$/.test(pathname);
  if (!batch && !/\/vector_stores$/.test(pathname)) return 0;
  if (typeof body !== 'string') return 0;
  let parsed: { files?: unknown; file_ids?: unknown } | null;
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    return 0;
  }
  const files = batch && Array.isArray(parsed?.files) ? parsed.files : undefined;
  const ids = Array.isArray(parsed?.file_ids) ? parsed.file_ids : undefined;
  return (files ?? ids ?? []).length;
}

/** The `type` of an error envelope's `error`, if the body is one. */
async function errorTypeOf(response: Response): Promise<string | undefined> {
  const error = errorOf(await response.clone().text()) as { type?: unknown } | null | undefined;
  return typeof error?.type === 'string' ? error.type : undefined;
}
