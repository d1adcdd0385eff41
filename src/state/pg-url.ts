import { AssistantsError } from '../errors/index.js';
import { safeDecode } from '../util/safe-decode.js';

/**
 * A `postgres://` state location, taken apart: what the `pg` client connects with, the schema the
 * tool's tables live in, and how messages show it. The password comes from the URL or PGPASSWORD
 * and appears in none of what is shown; `display` has no password and no query.
 */
export interface PgTarget {
  /** The connection string for the client (password included), without the tool's own query parameters. */
  connectionString: string;
  /** From the URL, else PGPASSWORD (for redaction: it is already in the connection string). */
  password: string | undefined;
  /** `?schema=NAME`, default `assistants_iac`. */
  schema: string;
  /** `?stack=NAME`: the stack's row when no manifest names it (state commands run elsewhere). */
  stack: string | undefined;
  /** `postgres://host:port/db`, for messages (no user: output treats `user@` as a credential). */
  display: string;
}

export const DEFAULT_PG_SCHEMA = 'assistants_iac';

/** A schema name that needs no escaping once quoted, and that PostgreSQL lets users create. */
const SCHEMA_NAME = /^(?!pg_)[a-z_][a-z0-9_]{0,62}$/;

/** Whether a `--state` value selects the PostgreSQL backend. */
export function isPostgresUrl(state: string): boolean {
  return /^postgres(ql)?:\/\//i.test(state);
}

/** Parses a `--state postgres://…` value; a malformed one is STATE_URL_INVALID (without its password). */
export function parsePgUrl(text: string, env: Readonly<Record<string, string | undefined>>): PgTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid('it is not a URL', 'postgres://USER@HOST:5432/DATABASE');
  }
  if (!url.hostname) throw invalid('it names no host', 'postgres://USER@HOST:5432/DATABASE');
  const schema = url.searchParams.get('schema') ?? DEFAULT_PG_SCHEMA;
  if (!SCHEMA_NAME.test(schema))
    throw invalid(
      `the schema "${schema}" is not a plain lower-case name`,
      'letters a-z, digits and _, at most 63, not starting with a digit or pg_',
    );
  const stack = url.searchParams.get('stack') ?? undefined;
  url.searchParams.delete('schema');
  url.searchParams.delete('stack');
  const password = url.password ? safeDecode(url.password) : env.PGPASSWORD || undefined;
  // Into the URL the client gets, so that PGPASSWORD is read from the environment this run was
  // given (the client itself would read the process's).
  if (password !== undefined && !url.password) url.password = encodeURIComponent(password);
  const shown = new URL(url.toString());
  shown.username = '';
  shown.password = '';
  shown.search = '';
  shown.hash = '';
  return { connectionString: url.toString(), password, schema, stack, display: shown.toString() };
}

/**
 * A `--state` value as a saved plan may record it: a URL without its password (in the user part
 * or as `password=`), a path as given.
 */
export function stateWithoutPassword(state: string): string {
  if (!isPostgresUrl(state)) return state;
  try {
    const url = new URL(state);
    url.password = '';
    url.searchParams.delete('password');
    return url.toString();
  } catch {
    return state.replace(/\/\/[^@/]*@/, '//');
  }
}

function invalid(problem: string, hint: string): AssistantsError {
  return new AssistantsError('STATE_URL_INVALID', `the PostgreSQL state URL is not usable: ${problem}`, {
    hint,
  });
}
