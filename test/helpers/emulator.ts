import OpenAI, { toFile } from 'openai';
import { afterEach, beforeEach, expect } from 'vitest';
import { type EmulatorOptions, type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import { declaredProperties, operationOf, responseProblems, schemaValidator } from './spec-oracle.js';

export interface CheckedResponse {
  method: string;
  path: string;
  status: number;
  schema: string;
  problems: string[];
}

/**
 * Operations past the oracle's table of the 26 (`api/endpoints.md` lists them after it), with the
 * schema of their 200 response.
 */
const MORE_OPERATIONS: readonly { method: string; pattern: RegExp; schema: string }[] = [
  { method: 'POST', pattern: /^\/v1\/responses$/, schema: 'Response' },
  { method: 'POST', pattern: /^\/v1\/skills$/, schema: 'SkillResource' },
  { method: 'GET', pattern: /^\/v1\/skills$/, schema: 'SkillListResource' },
  { method: 'GET', pattern: /^\/v1\/skills\/[^/]+$/, schema: 'SkillResource' },
  { method: 'POST', pattern: /^\/v1\/skills\/[^/]+$/, schema: 'SkillResource' },
  { method: 'DELETE', pattern: /^\/v1\/skills\/[^/]+$/, schema: 'DeletedSkillResource' },
  { method: 'POST', pattern: /^\/v1\/skills\/[^/]+\/versions$/, schema: 'SkillVersionResource' },
  { method: 'GET', pattern: /^\/v1\/skills\/[^/]+\/versions$/, schema: 'SkillVersionListResource' },
  { method: 'GET', pattern: /^\/v1\/skills\/[^/]+\/versions\/[^/]+$/, schema: 'SkillVersionResource' },
  {
    method: 'DELETE',
    pattern: /^\/v1\/skills\/[^/]+\/versions\/[^/]+$/,
    schema: 'DeletedSkillVersionResource',
  },
];

function schemaOf(method: string, path: string): string | null | undefined {
  const op = operationOf(method, path);
  if (op) return op.schema;
  return MORE_OPERATIONS.find((more) => more.method === method && more.pattern.test(path))?.schema;
}

/**
 * The fields a schema made of `allOf` parts declares, over all its parts (the oracle's own check
 * for undeclared fields reads only a schema's own `properties`, and `Response` has none).
 */
function declaredByParts(name: string): Set<string> | undefined {
  const parts = (schemaValidator(name).schema as { allOf?: { $ref?: string; properties?: object }[] }).allOf;
  if (!parts) return undefined;
  const names = parts.flatMap((part) =>
    part.$ref
      ? [...(declaredProperties(part.$ref.replace('#/$defs/', '')) ?? [])]
      : Object.keys(part.properties ?? {}),
  );
  return new Set(names);
}

function undeclaredFields(schema: string, body: unknown): string[] {
  const declared = declaredByParts(schema);
  if (!declared || body === null || typeof body !== 'object') return [];
  return Object.keys(body)
    .filter((key) => !declared.has(key))
    .map((key) => `${schema}: undeclared field '${key}'`);
}

/**
 * A `fetch` for the SDK that validates every JSON response against the spec as it passes: 2xx
 * bodies against the operation's schema, errors against `ErrorResponse`.
 */
export class ResponseChecker {
  readonly seen: CheckedResponse[] = [];

  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const response = await globalThis.fetch(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    await this.check(method, url.pathname, response.clone());
    return response;
  };

  async check(method: string, path: string, response: Response): Promise<void> {
    const schema = response.status >= 400 ? 'ErrorResponse' : schemaOf(method, path);
    if (!schema) return;
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      this.seen.push({
        method,
        path,
        status: response.status,
        schema,
        problems: [`not JSON: ${text.slice(0, 80)}`],
      });
      return;
    }
    this.seen.push({
      method,
      path,
      status: response.status,
      schema,
      problems: [...responseProblems(schema, body), ...undeclaredFields(schema, body)],
    });
  }

  /** Every response seen that broke the spec (should be none). */
  failures(): CheckedResponse[] {
    return this.seen.filter((entry) => entry.problems.length > 0);
  }
}

export interface EmulatorFixture {
  emulator: RunningEmulator;
  client: OpenAI;
  checker: ResponseChecker;
  /** The origin (`http://127.0.0.1:PORT`), for control calls and raw requests. */
  origin: string;
  /** A control call: GET without a body, else a POST of the body as JSON. */
  control: (path: string, body?: unknown) => Promise<Record<string, unknown>>;
  /** A raw request to `/v1`, checked like the SDK's. */
  raw: (
    method: string,
    path: string,
    init?: { body?: unknown; headers?: Record<string, string> },
  ) => Promise<Response>;
  close: () => Promise<void>;
}

/** Starts an emulator (indexing instant unless asked) and an SDK client that checks every response. */
export async function startFixture(
  options: EmulatorOptions & { maxRetries?: number } = {},
): Promise<EmulatorFixture> {
  const emulator = await startEmulator({ ...options, config: { index_delay_ms: 0, ...options.config } });
  const checker = new ResponseChecker();
  const client = new OpenAI({
    apiKey: options.apiKey ?? 'sk-emulator-test',
    baseURL: emulator.url,
    maxRetries: options.maxRetries ?? 0,
    fetch: checker.fetch,
  });
  const origin = emulator.url.replace(/\/v1$/, '');
  return {
    emulator,
    client,
    checker,
    origin,
    control: async (path, body) => {
      // The control API takes only JSON (a text/plain POST is what a web page could send).
      const response = await fetch(`${origin}/_emulator/${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        ...(body === undefined
          ? {}
          : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      });
      return (await response.json()) as Record<string, unknown>;
    },
    raw: async (method, path, init = {}) => {
      const response = await fetch(`${emulator.url}${path}`, {
        method,
        headers: { authorization: 'Bearer sk-emulator-test', ...init.headers },
        ...(init.body === undefined
          ? {}
          : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
      });
      await checker.check(method, new URL(`${emulator.url}${path}`).pathname, response.clone());
      return response;
    },
    close: () => emulator.close(),
  };
}

/** Polls `read` until `done` holds (indexing is real time in the emulator; no fixed sleeps). */
export async function waitFor<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() - start > timeoutMs)
      throw new Error(`condition not met in ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Uploads `content` as `name` through the SDK. */
export async function upload(
  client: OpenAI,
  name: string,
  content: string,
  purpose: 'assistants' | 'user_data' = 'assistants',
) {
  return client.files.create({ file: await toFile(Buffer.from(content), name), purpose });
}

/**
 * Gives each test of the calling file a fresh emulator and SDK client, and fails the test if any
 * response broke the spec. Returns the current fixture.
 */
export function useEmulator(options: Parameters<typeof startFixture>[0] = {}): () => EmulatorFixture {
  let current: EmulatorFixture | undefined;
  beforeEach(async () => {
    current = await startFixture(options);
  });
  afterEach(async () => {
    expect(current?.checker.failures()).toEqual([]);
    await current?.close();
  });
  return () => current as EmulatorFixture;
}
