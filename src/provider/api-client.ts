import OpenAI from 'openai';
import { AssistantsError } from '../errors/index.js';
import { governedFetch } from './governed-fetch.js';
import { quotaGuardedFetch } from './quota.js';
import { type GovernorClock, RateGovernor } from './rate-governor.js';
import { wholeBodyFetch } from './whole-body-fetch.js';

export interface ApiClientOptions {
  /** --base-url; else OPENAI_BASE_URL from `env`; else the SDK's default. */
  baseUrl?: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Requests the SDK retries (5xx, connection errors; reads' 429s are waited out before it) before giving up. */
  maxRetries?: number;
  /** The rate governor's clock (tests); default the real one. */
  clock?: Partial<GovernorClock>;
}

export interface ApiClient {
  client: OpenAI;
  /**
   * The base URL in use, for messages: without user info, query string and fragment (see
   * endpointForMessages), and never the key.
   */
  endpoint: string;
  apiKey: string;
}

/**
 * The SDK client for the configured endpoint. The key comes from OPENAI_API_KEY only; its absence
 * is a user error raised before any request is made, and so is a base URL that no request can be
 * sent to (BASE_URL_INVALID). Every request, read or write, is paced by one RateGovernor per client
 * (see governedFetch): reads wait out rate-limit 429s there, writes' 429s go back to the writer.
 * Once the API answers that the quota is used up, the client sends nothing more (see quotaGuardedFetch).
 */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const apiKey = options.env.OPENAI_API_KEY;
  if (!apiKey) {
    throw new AssistantsError('API_KEY_MISSING', 'OPENAI_API_KEY is not set; this command reads the API', {
      hint: 'export OPENAI_API_KEY, or plan with --refresh=false to compare against the state alone',
    });
  }
  const baseURL = options.baseUrl ?? options.env.OPENAI_BASE_URL ?? undefined;
  if (baseURL) checkBaseUrl(baseURL, options.baseUrl !== undefined ? '--base-url' : 'OPENAI_BASE_URL');
  const client = new OpenAI({
    apiKey,
    ...(baseURL ? { baseURL } : {}),
    maxRetries: options.maxRetries ?? 2,
    fetch: governedFetch(quotaGuardedFetch(wholeBodyFetch(fetch)), new RateGovernor(options.clock)),
    // The SDK would read these from process.env; the CLI passes its own environment explicitly.
    organization: options.env.OPENAI_ORG_ID ?? null,
    project: options.env.OPENAI_PROJECT_ID ?? null,
  });
  return { client, endpoint: endpointForMessages(client.baseURL), apiKey };
}

/**
 * A URL as messages show it: scheme, host, port and path. The query string and the fragment may
 * carry a token (a gateway's `?api-key=…`) and the user name and password are credentials, so none
 * of them is shown. A bare `/` path is left out (`http://127.0.0.1:4010`).
 */
function endpointForMessages(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '(the configured base URL)';
  }
  const path = parsed.pathname === '/' ? '' : parsed.pathname;
  const credentials = parsed.username || parsed.password ? '[redacted]@' : '';
  return `${parsed.protocol}//${credentials}${parsed.host}${path}`;
}

/**
 * A base URL must be an http(s) URL without a user name or password: fetch refuses to send a
 * request to a URL with credentials, so such a URL would fail every call, after retries, and
 * the API is authenticated by the key alone. The messages name the setting and never echo its
 * value (it may be a token pasted into the wrong variable), except for a URL with credentials,
 * shown as endpointForMessages shows it.
 */
function checkBaseUrl(baseUrl: string, source: '--base-url' | 'OPENAI_BASE_URL'): void {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new AssistantsError(
      'BASE_URL_INVALID',
      `${source} is not a URL (its value is not shown: it may hold a secret)`,
      {
        hint: 'give the full URL of the API, such as https://api.openai.com/v1 or http://127.0.0.1:4010/v1',
      },
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AssistantsError(
      'BASE_URL_INVALID',
      `${source} must start with http:// or https:// (its value is not shown: it may hold a secret)`,
      {
        hint: 'give the full URL of the API, such as https://api.openai.com/v1',
      },
    );
  }
  if (url.username || url.password) {
    throw new AssistantsError(
      'BASE_URL_INVALID',
      `${source} holds a user name or password (${endpointForMessages(baseUrl)}); requests cannot be sent to a URL with credentials`,
      {
        hint: `remove the \`user:password@\` part from ${source}; the API is authenticated by OPENAI_API_KEY alone`,
      },
    );
  }
}
