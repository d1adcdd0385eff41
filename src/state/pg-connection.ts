import pg from 'pg';
import { AssistantsError } from '../errors/index.js';
import { ensureSchema } from './pg-schema.js';
import type { PgTarget } from './pg-url.js';

/** How long a connection attempt may take before the run stops with STATE_BACKEND_UNAVAILABLE. */
const CONNECT_TIMEOUT_MS = 15_000;
/**
 * How long one statement may take. Every statement the backend sends is small (a lock is waited
 * for by polling, never by a blocking call), so one that takes this long is a network that
 * stopped answering without closing.
 */
const QUERY_TIMEOUT_MS = 60_000;
/** TCP keepalive after this much silence, so a dead peer is noticed in seconds, not hours. */
const KEEPALIVE_MS = 10_000;
/** How long `close()` waits for a polite goodbye before it drops the socket. */
const CLOSE_TIMEOUT_MS = 2_000;

/** One statement: its text and parameters. */
export type Query = (sql: string, params?: unknown[]) => Promise<pg.QueryResult>;

/**
 * A store's one connection to PostgreSQL, opened on first use (and the schema brought up to date
 * then), kept until `close()`. Work on it runs one piece at a time (`exclusive`): two
 * transactions at once on one connection would interleave their statements into one. Errors from
 * the client or the server become STATE_BACKEND_UNAVAILABLE (or a sharper code), naming the
 * server without user or password; once the connection broke, every later call fails with that.
 */
export class PgConnection {
  private connecting: Promise<pg.Client> | undefined;
  private broken: AssistantsError | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  /** @param refusal an error every use fails with, instead of connecting */
  constructor(
    readonly target: PgTarget,
    private readonly refusal?: AssistantsError,
  ) {}

  /** Whether the connection broke (its session, and any lock it held, are gone). */
  get isBroken(): boolean {
    return this.broken !== undefined;
  }

  /** Runs `work` with the connection to itself: nothing else is sent until it ends. */
  exclusive<T>(work: (query: Query) => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => work(await this.queryFn()));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Runs `work` in a transaction begun with `begin`, exclusively; rolled back if it throws. */
  transaction<T>(begin: string, work: (query: Query) => Promise<T>): Promise<T> {
    return this.exclusive(async (query) => {
      await query(begin);
      try {
        const result = await work(query);
        await query('COMMIT');
        return result;
      } catch (err) {
        if (!this.broken) await query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
  }

  /** The server pid that a new, separate connection gets; that connection is closed at once. */
  async probeSessionPid(): Promise<number | undefined> {
    try {
      const client = this.newClient();
      client.on('error', () => undefined);
      try {
        await client.connect();
        return (await client.query('SELECT pg_backend_pid() AS pid')).rows[0]?.pid as number | undefined;
      } finally {
        await endWithin(client);
      }
    } catch (err) {
      throw backendError(err, this.target);
    }
  }

  /** Closes the connection; a lock it holds goes with its session. */
  async close(): Promise<void> {
    const connecting = this.connecting;
    this.connecting = undefined;
    const client = await connecting?.catch(() => undefined);
    if (client) await endWithin(client);
  }

  private async queryFn(): Promise<Query> {
    if (this.refusal) throw this.refusal;
    if (this.broken) throw this.broken;
    this.connecting ??= this.connect();
    const client = await this.connecting;
    return async (sql, params) => {
      if (this.broken) throw this.broken;
      try {
        return await client.query(sql, params);
      } catch (err) {
        // A statement the network stopped answering stays queued in the client: the connection is
        // given up, so that what comes after fails at once instead of waiting its own timeout.
        if ((err as Error).message === 'Query read timeout') {
          this.broken ??= backendError(err, this.target, sql);
          dropSocket(client);
        }
        throw this.broken ?? backendError(err, this.target, sql);
      }
    };
  }

  private async connect(): Promise<pg.Client> {
    let client: pg.Client | undefined;
    try {
      client = this.newClient();
      // Without a listener, a connection dropped between statements would end the process.
      client.on('error', (err) => {
        this.broken ??= backendError(err, this.target);
      });
      await client.connect();
      await ensureSchema(client, this.target.schema);
    } catch (err) {
      if (client) await endWithin(client);
      this.connecting = undefined;
      throw backendError(err, this.target);
    }
    client.on('end', () => {
      this.broken ??= new AssistantsError(
        'STATE_BACKEND_UNAVAILABLE',
        `the connection to the PostgreSQL state at ${this.target.display} ended`,
      );
    });
    return client;
  }

  /** A client for the target (the constructor itself may throw: a missing sslrootcert file, say). */
  private newClient(): pg.Client {
    return new pg.Client({
      connectionString: this.target.connectionString,
      application_name: 'assistants-iac',
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      query_timeout: QUERY_TIMEOUT_MS,
      keepAlive: true,
      keepAliveInitialDelayMillis: KEEPALIVE_MS,
    });
  }
}

/** Ends `client`, and drops its socket when the server does not answer the goodbye in time. */
async function endWithin(client: pg.Client): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), CLOSE_TIMEOUT_MS);
  });
  const ended = await Promise.race([
    client.end().then(
      () => 'ended' as const,
      () => 'ended' as const,
    ),
    late,
  ]);
  clearTimeout(timer);
  if (ended === 'late') dropSocket(client);
}

/** Destroys a client's socket (not part of pg's typings; there on every connected client). */
function dropSocket(client: pg.Client): void {
  (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
}

/** SQLSTATE classes and codes that deserve their own words. */
function sqlstateWords(code: string | undefined): { problem: string; hint: string } | undefined {
  if (code === '57P01')
    return {
      problem:
        "the server ended this run's session (another run's force-unlock --force, or an administrator); its lock went with it",
      hint: 'the calls this run made are in the journal: the next run settles them',
    };
  if (code?.startsWith('28'))
    return {
      problem: 'the server refused the login',
      hint: 'check the user in the URL and the password (in the URL, or PGPASSWORD)',
    };
  if (code === '42501')
    return {
      problem: 'the role lacks a right it needs',
      hint: 'it needs CONNECT on the database, and CREATE on it until the schema exists (or a schema made for it beforehand: CREATE SCHEMA assistants_iac AUTHORIZATION ROLE)',
    };
  if (code === '53300')
    return {
      problem: 'the server has no connection left for this role',
      hint: 'a command that takes the state lock opens a second, short connection to check for a transaction-mode pooler: allow the role two connections (and the server some to spare)',
    };
  if (code?.startsWith('08') || code === '57P03')
    return {
      problem: 'the connection failed',
      hint: 'check the host and port, and that the server accepts connections from here',
    };
  return undefined;
}

/** An error from the client or the server as an AssistantsError naming no user or password. */
export function backendError(err: unknown, target: PgTarget, sql?: string): AssistantsError {
  if (err instanceof AssistantsError) return err;
  const e = err as Error & { code?: string };
  const code = e.code ? ` (${e.code})` : '';
  const during = sql ? ` during "${sql.trim().split(/\s+/).slice(0, 3).join(' ')} …"` : '';
  const words = sqlstateWords(e.code);
  return new AssistantsError(
    'STATE_BACKEND_UNAVAILABLE',
    `the PostgreSQL state at ${target.display} failed${during}: ${words ? `${words.problem}: ` : ''}${e.message}${code}`,
    {
      hint:
        words?.hint ??
        "check the URL, that the server is reachable from here, and the role's password (PGPASSWORD) and rights; a run cut off here has its calls in the journal, which the next run settles",
      cause: err,
    },
  );
}
