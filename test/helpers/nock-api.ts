import nock from 'nock';
import { afterEach, beforeEach } from 'vitest';

/** Port 9 (discard) on loopback: if nock ever let a request through, it would fail, not reach a server. */
export const NOCK_ORIGIN = 'http://127.0.0.1:9';
export const NOCK_BASE_URL = `${NOCK_ORIGIN}/v1`;

/**
 * Blocks the network for each test of the calling file and records every request nock saw but no
 * interceptor matched (each one is a request the code under test should not have made). Returns
 * that list; it is emptied after each test.
 */
export function useNock(): string[] {
  const unmatched: string[] = [];
  const onNoMatch = (req: { method?: string; href?: string; path?: string }) =>
    unmatched.push(`${req.method ?? '?'} ${String(req.href ?? req.path)}`);
  beforeEach(() => {
    nock.disableNetConnect();
    nock.emitter.on('no match', onNoMatch);
  });
  afterEach(() => {
    nock.emitter.removeListener('no match', onNoMatch);
    nock.cleanAll();
    nock.enableNetConnect();
    unmatched.length = 0;
  });
  return unmatched;
}

/** The error body OpenAI sends with a 429 when the project is out of credit: type and code both say so. */
export const QUOTA_BODY = {
  error: {
    message: 'You exceeded your current quota, please check your plan and billing details.',
    type: 'insufficient_quota',
    param: null,
    code: 'insufficient_quota',
  },
};

/** An empty page of a list endpoint, as the API sends it. */
export const EMPTY_LIST = { object: 'list', data: [], first_id: null, last_id: null, has_more: false };

/**
 * A nock reply function that records each request it answers as `METHOD /path` in `seen` (the query
 * left out), then answers with what `answer` gives for it.
 */
export function recording<T>(seen: string[], answer: (uri: string) => T) {
  return function (this: { req: { method: string } }, uri: string): T {
    seen.push(`${this.req.method} ${uri.split('?')[0]}`);
    return answer(uri);
  };
}
