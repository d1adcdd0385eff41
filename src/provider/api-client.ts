import OpenAI from 'openai';
import { AssistantsError } from '../errors/index.js';

export interface ApiClientOptions {
  /** --base-url; else OPENAI_BASE_URL from `env`; else the SDK's default. */
  baseUrl?: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Requests the SDK retries (429, 5xx, connection errors) before giving up. */
  maxRetries?: number;
}

export interface ApiClient {
  client: OpenAI;
  /** The base URL in use, for messages (never holds the key). */
  endpoint: string;
  apiKey: string;
}

/**
 * The SDK client for the configured endpoint. The key comes from OPENAI_API_KEY only; its absence
 * is a user error raised before any request is made.
 */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const apiKey = options.env.OPENAI_API_KEY;
  if (!apiKey) {
    throw new AssistantsError('API_KEY_MISSING', 'OPENAI_API_KEY is not set; this command reads the API', {
      hint: 'export OPENAI_API_KEY, or plan with --refresh=false to compare against the state alone',
    });
  }
  const baseURL = options.baseUrl ?? options.env.OPENAI_BASE_URL ?? undefined;
  const client = new OpenAI({
    apiKey,
    ...(baseURL ? { baseURL } : {}),
    maxRetries: options.maxRetries ?? 2,
    // The SDK would read these from process.env; the CLI passes its own environment explicitly.
    organization: options.env.OPENAI_ORG_ID ?? null,
    project: options.env.OPENAI_PROJECT_ID ?? null,
  });
  return { client, endpoint: client.baseURL, apiKey };
}
