import OpenAI from 'openai';
import { AssistantsError } from '../errors/index.js';
import { redactSecrets } from '../errors/redact.js';
import { NOT_SENT_HEADER, quotaCode } from './quota.js';

/** What a call was doing, for messages: `GET /vector_stores`. */
export interface ApiOperation {
  method: string;
  path: string;
}

/** A wrong base URL (most often one without `/v1`) answers 404 on every path, /assistants included. */
const CHECK_BASE_URL = 'check that --base-url / OPENAI_BASE_URL is right (it usually ends in `/v1`)';

const SUNSET_HINT =
  `if this endpoint should serve Assistants, ${CHECK_BASE_URL}. ` +
  'Otherwise: OpenAI sunset the Assistants API on 2026-08-26; files and vector stores still work there. ' +
  'Run `assistants migrate` to turn the assistants into `agents:` (Responses API requests over the same ' +
  'files and vector stores), then remove the assistants from the manifests (and from the state with ' +
  '`assistants state rm`); or point --base-url / OPENAI_BASE_URL at a server that still serves ' +
  'Assistants v2, such as `assistants emulator`.';

const SKILLS_HINT =
  `if this endpoint should serve skills, ${CHECK_BASE_URL}. ` +
  'Otherwise it is a server without the skills API (OpenAI serves it at /v1/skills): remove the skills ' +
  'from the manifests (and from the state with `assistants state rm`), or point --base-url / ' +
  'OPENAI_BASE_URL at a server that serves them, such as `assistants emulator`.';

/**
 * Turns what the SDK throws into an AssistantsError that says which call failed and what to do.
 * A 404 from the assistants list means the endpoint no longer serves Assistants (the sunset) or
 * the base URL is wrong; a 404 on `/skills` itself (list or create) that names no parameter means
 * the endpoint serves no skills (SKILLS_UNSUPPORTED), or a wrong base URL; a 404 from another list
 * (`GET /files`, `GET /vector_stores`) can only mean a wrong base URL, since those lists exist on
 * every endpoint.
 */
export function toApiError(err: unknown, operation: ApiOperation, endpoint: string, apiKey?: string) {
  if (err instanceof AssistantsError) return err;
  const call = `${operation.method} ${operation.path}`;
  if (err instanceof OpenAI.APIConnectionError) {
    const cause = deepestMessage(err);
    return new AssistantsError(
      'API_UNREACHABLE',
      `cannot reach the API at ${endpoint} (${call}): ${redactSecrets(cause, apiKey)}`,
      { hint: 'check --base-url / OPENAI_BASE_URL and the network', cause: err },
    );
  }
  if (err instanceof OpenAI.APIError) {
    const detail = redactSecrets(apiMessage(err), apiKey);
    const quota = quotaCode(err.error);
    if (quota) return quotaError(err, call, endpoint, detail, quota);
    if (err.status === 401 || err.status === 403) {
      return new AssistantsError(
        'API_UNAUTHORIZED',
        `the API at ${endpoint} refused the key (${err.status}) on ${call}: ${detail}`,
        { hint: 'check OPENAI_API_KEY (and the project it belongs to)', cause: err },
      );
    }
    // A 404 that names a parameter of the request is about an id the request sends (a vector store
    // or file that does not exist), not about the endpoint: that is not the sunset.
    if (err.status === 404 && operation.path.startsWith('/assistants') && !err.param) {
      return new AssistantsError(
        'ASSISTANTS_SUNSET',
        `the endpoint ${endpoint} does not serve the Assistants API (${call} answered 404: ${detail}); ` +
          `if it should, ${CHECK_BASE_URL}`,
        { hint: SUNSET_HINT, cause: err },
      );
    }
    if (err.status === 404 && operation.path === '/skills' && !err.param) {
      return new AssistantsError(
        'SKILLS_UNSUPPORTED',
        `the endpoint ${endpoint} does not serve skills (${call} answered 404: ${detail}); ` +
          `if it should, ${CHECK_BASE_URL}`,
        { hint: SKILLS_HINT, cause: err },
      );
    }
    if (err.status === 404 && isListCall(operation)) {
      return new AssistantsError('API_ERROR', `${call} failed with 404 at ${endpoint}: ${detail}`, {
        hint: `the API always serves this list, so the endpoint is likely wrong: ${CHECK_BASE_URL}`,
        cause: err,
      });
    }
    return new AssistantsError('API_ERROR', `${call} failed with ${err.status ?? 'an error'}: ${detail}`, {
      ...(err.status === 404 && err.param
        ? { hint: `${err.param} names something the API does not have: check the ids in the manifests` }
        : {}),
      cause: err,
    });
  }
  return new AssistantsError('INTERNAL', err instanceof Error ? err.message : String(err), {
    kind: 'internal',
    cause: err,
  });
}

const QUOTA_HINT =
  'the quota of the project or organisation that the key belongs to is used up, and waiting does not ' +
  'clear it: check its plan, billing, credit balance and spend limits (in the platform settings), then ' +
  'run again. Nothing is lost: the state records what this run did, and the next run goes on from there.';

/**
 * API_QUOTA_EXCEEDED: a quota or billing answer (see quota.ts). The call that met it says what the
 * API answered; the calls that the client then did not send say so.
 */
function quotaError(
  err: InstanceType<typeof OpenAI.APIError>,
  call: string,
  endpoint: string,
  detail: string,
  code: string,
): AssistantsError {
  if (err.headers?.get(NOT_SENT_HEADER)) {
    return new AssistantsError(
      'API_QUOTA_EXCEEDED',
      `${call} was not sent: the API at ${endpoint} answered an earlier call that the quota is used up (${code})`,
      { hint: 'see the call the API refused for quota: its hint says what to do', cause: err },
    );
  }
  return new AssistantsError(
    'API_QUOTA_EXCEEDED',
    `${call} was refused by the API at ${endpoint} for quota (${err.status} ${code}): ${detail}`,
    { hint: QUOTA_HINT, cause: err },
  );
}

/** A read of a whole collection (`GET /files`), as opposed to one resource or a store's files. */
function isListCall(operation: ApiOperation): boolean {
  return operation.method === 'GET' && /^\/[a-z_]+$/.test(operation.path);
}

/** The server's own message when the body had one, else the SDK's. */
function apiMessage(err: InstanceType<typeof OpenAI.APIError>): string {
  const body = err.error as { message?: unknown } | undefined;
  return typeof body?.message === 'string' ? body.message : err.message;
}

/** fetch wraps the reason ("connect ECONNREFUSED ...") in "fetch failed": report the innermost. */
function deepestMessage(err: Error): string {
  let current: unknown = err;
  let message = err.message;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    message = current.message;
    current = current.cause;
  }
  return message;
}
