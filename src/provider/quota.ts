/**
 * Not every 429 is a rate limit. OpenAI answers 429 with error type `insufficient_quota` when the
 * project or organisation has no credit left or reached a spend or usage limit; waiting does not
 * clear it, and the spec says such 429s may come without Retry-After. OpenAI's help pages list the
 * codes that go with that type (credit_balance_exhausted, organization_usage_limit_exceeded,
 * organization_spend_limit_exceeded, project_spend_limit_exceeded); billing_hard_limit_reached and
 * billing_not_active are the older codes of the same cases (a hard spend limit; billing not set
 * up). Rate limits proper (`rate_limit_exceeded`, or no code) are not in the list.
 */
const QUOTA_ERROR_CODES: ReadonlySet<string> = new Set([
  'insufficient_quota',
  'credit_balance_exhausted',
  'organization_usage_limit_exceeded',
  'organization_spend_limit_exceeded',
  'project_spend_limit_exceeded',
  'billing_hard_limit_reached',
  'billing_not_active',
]);

/** Marks a response this client made up instead of sending a request (see `quotaGuardedFetch`). */
export const NOT_SENT_HEADER = 'x-assistants-iac-not-sent';

/**
 * The quota code an API error body (`{type, code, ...}`, the `error` member of the envelope)
 * carries in its `code` or `type`, if any.
 */
export function quotaCode(error: unknown): string | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const { code, type } = error as { code?: unknown; type?: unknown };
  for (const value of [code, type]) {
    if (typeof value === 'string' && QUOTA_ERROR_CODES.has(value)) return value;
  }
  return undefined;
}

type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** What the first quota answer said, replayed for every later call. */
interface QuotaAnswer {
  status: number;
  statusText: string;
  headers: [string, string][];
  body: string;
}

/**
 * A fetch for one API client that stops at the first quota answer. That answer reaches the SDK
 * with `x-should-retry: false`, so neither the SDK's own retries (the reader's) nor the writer's
 * retry it. From then on nothing more is sent: every later call gets the same answer at once,
 * marked with NOT_SENT_HEADER, since with the quota used up each would fail the same way, and
 * a run must stop, not spend minutes being refused call by call. Other answers pass untouched.
 */
export function quotaGuardedFetch(inner: Fetch = (input, init) => fetch(input, init)): GuardedFetch {
  let stopped: QuotaAnswer | undefined;
  const guarded: Fetch = async (input, init) => {
    if (stopped) return replay(stopped, true);
    const response = await inner(input, init);
    // Quota answers are 429s; a hard spend limit has also been reported as a 400.
    if (response.status < 400) return response;
    const body = await response.clone().text();
    if (!quotaCode(errorOf(body))) return response;
    stopped = {
      status: response.status,
      statusText: response.statusText,
      headers: [...response.headers.entries()],
      body,
    };
    return replay(stopped, false);
  };
  return Object.assign(guarded, { stopped: () => stopped !== undefined });
}

/** A fetch that can say it sends nothing any more (`stopped`: a quota answer came). */
export type GuardedFetch = Fetch & { stopped(): boolean };

function replay(answer: QuotaAnswer, notSent: boolean): Response {
  const response = finalResponse(answer.body, answer);
  if (notSent) response.headers.set(NOT_SENT_HEADER, 'quota');
  return response;
}

/**
 * An answer with `body` and the status and headers of `like`, marked `x-should-retry: false` so
 * that neither the SDK nor a writer tries the call again (lengths and encodings dropped: the body
 * is handed on as it is).
 */
export function finalResponse(
  body: ConstructorParameters<typeof Response>[0],
  like: { status: number; statusText: string; headers: Headers | [string, string][] },
): Response {
  const headers = new Headers(like.headers);
  headers.set('x-should-retry', 'false');
  headers.delete('content-length');
  headers.delete('content-encoding');
  return new Response(body, { status: like.status, statusText: like.statusText, headers });
}

/** The `error` member of an error envelope, or undefined when the body is not one. */
export function errorOf(body: string): unknown {
  try {
    return (JSON.parse(body) as { error?: unknown } | null)?.error;
  } catch {
    return undefined;
  }
}
