import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { AssistantsError } from '../errors/index.js';
import { withSortedKeys } from '../util/sorted-keys.js';
import {
  eventLines,
  headerLine,
  type JournalBase,
  type JournalEvent,
  parseJournal,
  replayJournal,
  type StoredJournal,
} from './journal-log.js';
import { checkAppend, compactedWrite, journalInTheWay } from './journal-rules.js';
import { describeHolder, lockedError, lockNotFoundError, newLockInfo, parseLockInfo } from './lock-info.js';
import { advisoryKey, ensureSchema } from './pg-schema.js';
import type { PgTarget } from './pg-url.js';
import { parseState, planWrite, prepareWrite, storedVersion, withSerial } from './state-codec.js';
import type { StateDocument } from './state-document.js';
import {
  DEFAULT_LOCK_POLL_MS,
  type ForceUnlockOptions,
  type LockInfo,
  type LockOptions,
  type StateLock,
  type StateStore,
} from './state-store.js';

/** How long a connection attempt may take before the run stops with STATE_BACKEND_UNAVAILABLE. */
const CONNECT_TIMEOUT_MS = 15_000;

/** One query's text and parameters. */
type Query = (sql: string, params?: unknown[]) => Promise<pg.QueryResult>;

/** The lock this store holds: its label, the advisory key, and the server session that took it. */
interface HeldLock {
  info: LockInfo;
  key: string;
  backendPid: number;
}

/**
 * The state in PostgreSQL: a row per (stack, workspace) of the tables in pg-schema.ts, behind the
 * same contract as the file backend (state-store.ts).
 *
 * One dedicated connection per store, opened on first use and kept until `close()`: the advisory
 * lock is a session lock, so it lives exactly as long as this connection. A holder killed with
 * SIGKILL, or cut off by the network, loses its session and with it the lock; the next run takes
 * the lock without force-unlock, and settles the journal the dead run left.
 *
 * Writes compare-and-set on the serial this store last saw: a state written by another run since
 * (a lock lost, a force-unlock, two runs without a lock) is STATE_CONFLICT, never an overwrite.
 * While this store holds the lock, every write also checks, inside its transaction, that it runs
 * in the session that holds the lock and that the lock's label is still this run's: behind a
 * transaction-mode pooler neither holds, and that is refused rather than trusted.
 */
export class PostgresStateStore implements StateStore {
  readonly location: string;
  private readonly journalLocation: string;
  private connecting: Promise<pg.Client> | undefined;
  /** The error that broke the connection, if one did: every later call fails with it. */
  private broken: AssistantsError | undefined;
  private held: HeldLock | undefined;
  /** The serial of the state row this store last read or wrote (0: no row); undefined before. */
  private seen: number | undefined;
  /** The last transaction begun, which the next one waits for. */
  private transactions: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly target: PgTarget,
    readonly stack: string,
    readonly workspace: string,
  ) {
    this.location = `${target.display} (stack ${stack}, workspace ${workspace})`;
    this.journalLocation = `the journal of ${this.location}`;
  }

  /** Closes the connection; a lock still held goes with it. */
  async close(): Promise<void> {
    const connecting = this.connecting;
    this.connecting = undefined;
    this.held = undefined;
    if (!connecting) return;
    const client = await connecting.catch(() => undefined);
    await client?.end().catch(() => undefined);
  }

  async read(): Promise<StateDocument | undefined> {
    return this.inTransaction('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', async (query) => {
      const { state, journal } = await this.readStored(query);
      this.seen = state?.serial ?? 0;
      if (!journal) return state;
      return replayJournal(state, journal, { state: this.location, journal: this.journalLocation });
    });
  }

  async readJournal(): Promise<StoredJournal | undefined> {
    return this.inTransaction('BEGIN READ ONLY', (query) => this.readJournalRows(query));
  }

  async write(doc: StateDocument): Promise<StateDocument> {
    // jsonb keeps no key order: both sides of the comparison are put in one order.
    const prepared = prepareWrite(withSortedKeys(doc));
    return this.inTransaction('BEGIN', async (query) => {
      const { state, journal } = await this.readStored(query, { forUpdate: true });
      await this.checkStillOurs(query, state?.serial ?? 0);
      const stored = journal
        ? replayJournal(state, journal, { state: this.location, journal: this.journalLocation })
        : state;
      const plan = planWrite(stored && storedVersion(withSortedKeys(stored)), prepared, this.location);
      if (!plan.changed) {
        // Unchanged, but a journal is still folded into the state.
        if (journal && stored) return this.storeRow(query, compacted(stored, journal, this.location));
        return stored as StateDocument;
      }
      return this.storeRow(query, plan);
    });
  }

  async replace(doc: StateDocument): Promise<StateDocument> {
    const prepared = prepareWrite(withSortedKeys(doc));
    return this.inTransaction('BEGIN', async (query) => {
      const { state, journal } = await this.readStored(query, { forUpdate: true });
      if (journal) throw journalInTheWay(this.location);
      await this.checkStillOurs(query, state?.serial ?? 0);
      return this.storeRow(query, withSerial(prepared, prepared.doc.serial, this.location));
    });
  }

  async appendJournal(on: JournalBase, events: readonly JournalEvent[]): Promise<number> {
    if (events.length === 0) return on.serial;
    // Copied before the first await: the caller may change what the events hold once this returns.
    const copies = structuredClone(events) as JournalEvent[];
    return this.inTransaction('BEGIN', async (query) => {
      const { state, journal } = await this.readStored(query, { forUpdate: true });
      await this.checkStillOurs(query, state?.serial ?? 0);
      const { base, next } = checkAppend(on, journal, state, this.journalLocation);
      // Checked as a read checks them, before anything is stored: a value the state could not hold
      // never reaches the table.
      eventLines(copies, next, base);
      if (!journal)
        await query(
          `INSERT INTO ${this.schema}.journals (stack, workspace, lineage, base_stack, base_serial) VALUES ($1, $2, $3, $4, $5)`,
          [this.stack, this.workspace, base.lineage, base.stack, base.serial],
        );
      for (const [index, event] of copies.entries())
        await query(
          `INSERT INTO ${this.schema}.journal_events (stack, workspace, seq, event) VALUES ($1, $2, $3, $4::jsonb)`,
          [this.stack, this.workspace, next + index, JSON.stringify(event)],
        );
      return base.serial + next - 1 + copies.length;
    });
  }

  async compact(doc: StateDocument): Promise<StateDocument> {
    return this.inTransaction('BEGIN', async (query) => {
      const { state, journal } = await this.readStored(query, { forUpdate: true });
      if (!journal) return doc;
      await this.checkStillOurs(query, state?.serial ?? 0);
      return this.storeRow(query, compacted(doc, journal, this.location));
    });
  }

  async lock(operation: string, options: LockOptions): Promise<StateLock> {
    const pollMs = Math.max(1, options.pollMs ?? DEFAULT_LOCK_POLL_MS);
    const started = Date.now();
    const deadline = started + Math.max(0, options.timeoutMs);
    const key = advisoryKey(this.target.schema, this.stack, this.workspace);
    const query = await this.queryFn();
    for (;;) {
      // Advisory locks nest within a session: a second lock() of this store waits as any other.
      const got = this.held ? undefined : await query('SELECT pg_try_advisory_lock($1) AS got', [key]);
      if (got?.rows[0]?.got === true) return this.labelLock(query, operation, key);
      const remaining = deadline - Date.now();
      if (remaining <= 0)
        throw lockedError(this.location, await this.holder(query, key), Date.now() - started);
      await sleep(Math.min(pollMs, remaining));
    }
  }

  async forceUnlock(id: string, options: ForceUnlockOptions = {}): Promise<LockInfo> {
    const query = await this.queryFn();
    const key = advisoryKey(this.target.schema, this.stack, this.workspace);
    const label = await this.label(query);
    const holderPid = await this.holderPid(query, key);
    const current = label && label.backendPid === holderPid ? label.info : undefined;
    if (label?.info.id !== id) throw lockNotFoundError(this.location, id, current);
    if (this.held?.info.id === id) {
      // This store's own session holds it: let go of it here rather than end our own session.
      await this.release(this.held.info);
      return label.info;
    }
    if (holderPid !== undefined && holderPid === label.backendPid) {
      if (!options.force)
        throw new AssistantsError(
          'LOCK_HOLDER_ALIVE',
          `${this.location} is locked by ${describeHolder(label.info)}, and its database session (server pid ${holderPid}) is still connected: the lock was left in place`,
          {
            hint: `let that run finish, or stop it; if it hangs, \`assistants force-unlock ${id} --force\` terminates its session, which ends the lock (the run's next state write then fails)`,
          },
        );
      const ended = await query('SELECT pg_terminate_backend($1) AS ended', [holderPid]);
      if (ended.rows[0]?.ended !== true)
        throw new AssistantsError(
          'STATE_BACKEND_UNAVAILABLE',
          `could not terminate the session (server pid ${holderPid}) that holds the lock of ${this.location}`,
          {
            hint: "the database role needs to be the same as the holder's, or a member of pg_signal_backend",
          },
        );
      this.terminated = holderPid;
    }
    await query(`DELETE FROM ${this.schema}.locks WHERE stack = $1 AND workspace = $2 AND lock_id = $3`, [
      this.stack,
      this.workspace,
      id,
    ]);
    return label.info;
  }

  /** The server pid of the session that `forceUnlock` terminated, if it did. */
  terminated: number | undefined;

  /** What force-unlock says after removing a lock. */
  unlockNote(holder: LockInfo): string | undefined {
    if (this.terminated !== undefined)
      return `terminated the database session (server pid ${this.terminated}) of ${holder.who} (pid ${holder.pid}, "${holder.operation}" since ${holder.created}): that run's next state write fails, and the next run settles its journal`;
    return `the session that held it had already ended; its label was removed`;
  }

  /** The workspaces of this stack that have a state or a journal, sorted. */
  async workspaces(): Promise<string[]> {
    const query = await this.queryFn();
    const rows = await query(
      `SELECT workspace FROM ${this.schema}.states WHERE stack = $1 UNION SELECT workspace FROM ${this.schema}.journals WHERE stack = $1 ORDER BY 1`,
      [this.stack],
    );
    return rows.rows.map((row) => row.workspace as string);
  }

  /** Removes this workspace's state, journal and lock label (the caller holds the lock). */
  async drop(): Promise<void> {
    await this.inTransaction('BEGIN', async (query) => {
      for (const table of ['journals', 'states'])
        await query(`DELETE FROM ${this.schema}.${table} WHERE stack = $1 AND workspace = $2`, [
          this.stack,
          this.workspace,
        ]);
    });
  }

  /** The schema its tables are in. */
  get schema(): string {
    return this.target.schema;
  }

  /** The state row and the journal, as stored (nothing replayed). */
  private async readStored(
    query: Query,
    options: { forUpdate?: boolean } = {},
  ): Promise<{ state: StateDocument | undefined; journal: StoredJournal | undefined }> {
    const rows = await query(
      `SELECT serial, document::text AS text FROM ${this.schema}.states WHERE stack = $1 AND workspace = $2${options.forUpdate ? ' FOR UPDATE' : ''}`,
      [this.stack, this.workspace],
    );
    const row = rows.rows[0] as { serial: string; text: string } | undefined;
    const state = row ? parseState(row.text, { file: this.location, hint: CORRUPT_HINT }) : undefined;
    if (state && String(state.serial) !== row?.serial)
      throw new AssistantsError(
        'STATE_CORRUPT',
        `${this.location}: the row's serial ${row?.serial} differs from its document's ${state.serial}`,
        { hint: CORRUPT_HINT },
      );
    return { state, journal: await this.readJournalRows(query) };
  }

  private async readJournalRows(query: Query): Promise<StoredJournal | undefined> {
    const heads = await query(
      `SELECT lineage, base_stack, base_serial FROM ${this.schema}.journals WHERE stack = $1 AND workspace = $2`,
      [this.stack, this.workspace],
    );
    const head = heads.rows[0] as { lineage: string; base_stack: string; base_serial: string } | undefined;
    if (!head) return undefined;
    const events = await query(
      `SELECT seq, event::text AS event FROM ${this.schema}.journal_events WHERE stack = $1 AND workspace = $2 ORDER BY seq`,
      [this.stack, this.workspace],
    );
    const base = { lineage: head.lineage, stack: head.base_stack, serial: Number(head.base_serial) };
    // Put back into the log's text form, so it is read with every check the file's log gets.
    const lines = events.rows.map((row) => `{"seq":${row.seq},${(row.event as string).slice(1)}\n`);
    return parseJournal(headerLine(base) + lines.join(''), this.journalLocation) ?? { base, events: [] };
  }

  /**
   * Stores `doc` as the state row, as `text`, and folds the journal away, in the caller's
   * transaction. A row that another run inserted meanwhile is STATE_CONFLICT.
   */
  private async storeRow(
    query: Query,
    { doc, text }: { doc: StateDocument; text: string },
  ): Promise<StateDocument> {
    await query(
      `INSERT INTO ${this.schema}.states (stack, workspace, lineage, serial, document) VALUES ($1, $2, $3, $4, $5::jsonb)
       ON CONFLICT (stack, workspace) DO UPDATE SET lineage = EXCLUDED.lineage, serial = EXCLUDED.serial, document = EXCLUDED.document, updated_at = now()`,
      [this.stack, this.workspace, doc.lineage, doc.serial, text],
    );
    await query(`DELETE FROM ${this.schema}.journals WHERE stack = $1 AND workspace = $2`, [
      this.stack,
      this.workspace,
    ]);
    this.seen = doc.serial;
    return doc;
  }

  /**
   * Refuses a write when the state row moved on since this store saw it, and, while this store
   * holds the lock, when the lock is no longer this run's (see the class comment).
   */
  private async checkStillOurs(query: Query, serial: number): Promise<void> {
    if (this.seen !== undefined && serial !== this.seen)
      throw new AssistantsError(
        'STATE_CONFLICT',
        `${this.location} was written by another run since this one read it (serial ${this.seen}, now ${serial}); nothing was overwritten`,
        { hint: 'run again: the next run reads the state as it is now and plans from there' },
      );
    if (!this.held) return;
    const label = await this.label(query);
    const pid = (await query('SELECT pg_backend_pid() AS pid')).rows[0]?.pid as number;
    if (pid !== this.held.backendPid || label?.info.id !== this.held.info.id)
      throw new AssistantsError(
        'STATE_CONFLICT',
        `${this.location}: this run no longer holds the state lock (${label ? `now held by ${describeHolder(label.info)}` : 'it was removed'}); nothing was written`,
        {
          hint: 'a force-unlock, or a pooler that moved this connection to another server session: run again once no other run is active',
        },
      );
  }

  /** Records who took the lock, once the session holds it; refuses a transaction-mode pooler. */
  private async labelLock(query: Query, operation: string, key: string): Promise<StateLock> {
    const [hi, lo] = lockParts(key);
    const mine = await query(
      `SELECT pg_backend_pid() AS pid, EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = pg_backend_pid() AND classid = $1::oid AND objid = $2::oid AND objsubid = 1) AS held`,
      [hi, lo],
    );
    const backendPid = mine.rows[0]?.pid as number;
    // A second connection that lands in the same server session shares it with this one: that is
    // a pooler handing sessions out per transaction (most reuse the session just freed, so one
    // look is enough to see it).
    const shared = mine.rows[0]?.held !== true || (await this.probeSessionPid()) === backendPid;
    if (shared) {
      await query('SELECT pg_advisory_unlock($1)', [key]).catch(() => undefined);
      throw new AssistantsError(
        'STATE_BACKEND_UNSUPPORTED',
        `${this.location}: this connection does not keep one server session (the lock taken by one statement is not its own in the next, or another connection was handed the same session); this looks like a transaction-mode connection pooler`,
        {
          hint: 'session locks need one server session per client: connect directly, or through a pooler in session mode (for PgBouncer, pool_mode = session, often on another port)',
        },
      );
    }
    const info = newLockInfo(operation);
    await query(
      `INSERT INTO ${this.schema}.locks (stack, workspace, lock_id, info, backend_pid) VALUES ($1, $2, $3, $4::jsonb, $5)
       ON CONFLICT (stack, workspace) DO UPDATE SET lock_id = EXCLUDED.lock_id, info = EXCLUDED.info, backend_pid = EXCLUDED.backend_pid`,
      [this.stack, this.workspace, info.id, JSON.stringify(info), backendPid],
    );
    this.held = { info, key, backendPid };
    return { info, release: () => this.release(info) };
  }

  private async release(info: LockInfo): Promise<void> {
    const held = this.held;
    if (held?.info.id !== info.id) return;
    this.held = undefined;
    // A broken connection has lost its session, and the lock with it: nothing is left to release.
    if (this.broken) return;
    const query = await this.queryFn();
    await query(`DELETE FROM ${this.schema}.locks WHERE stack = $1 AND workspace = $2 AND lock_id = $3`, [
      this.stack,
      this.workspace,
      info.id,
    ]);
    await query('SELECT pg_advisory_unlock($1)', [held.key]);
  }

  /** The lock's label, whoever wrote it (it may outlive a session that died). */
  private async label(query: Query): Promise<{ info: LockInfo; backendPid: number } | undefined> {
    const rows = await query(
      `SELECT info::text AS info, backend_pid FROM ${this.schema}.locks WHERE stack = $1 AND workspace = $2`,
      [this.stack, this.workspace],
    );
    const row = rows.rows[0] as { info: string; backend_pid: number } | undefined;
    const info = row && parseLockInfo(row.info);
    return info && row ? { info, backendPid: row.backend_pid } : undefined;
  }

  /** The server pid of the session holding the advisory lock now, if any. */
  private async holderPid(query: Query, key: string): Promise<number | undefined> {
    const [hi, lo] = lockParts(key);
    const rows = await query(
      `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = $1::oid AND objid = $2::oid AND objsubid = 1 LIMIT 1`,
      [hi, lo],
    );
    return rows.rows[0]?.pid as number | undefined;
  }

  /** Who holds the lock, when its label belongs to the session holding it (else unknown). */
  private async holder(query: Query, key: string): Promise<LockInfo | undefined> {
    const label = await this.label(query);
    const pid = await this.holderPid(query, key);
    return label && label.backendPid === pid ? label.info : undefined;
  }

  /**
   * Runs `work` in a transaction of this store's one connection. Transactions are run one after
   * another: two at once on one connection would interleave their statements into one.
   */
  private inTransaction<T>(begin: string, work: (query: Query) => Promise<T>): Promise<T> {
    const run = this.transactions.then(() => this.transaction(begin, work));
    this.transactions = run.catch(() => undefined);
    return run;
  }

  private async transaction<T>(begin: string, work: (query: Query) => Promise<T>): Promise<T> {
    const query = await this.queryFn();
    await query(begin);
    try {
      const result = await work(query);
      await query('COMMIT');
      return result;
    } catch (err) {
      if (!this.broken) await query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  /** A query function on this store's connection, errors turned into AssistantsErrors. */
  private async queryFn(): Promise<Query> {
    const client = await this.connection();
    return async (sql, params) => {
      if (this.broken) throw this.broken;
      try {
        return await client.query(sql, params);
      } catch (err) {
        throw this.broken ?? backendError(err, this.target, sql);
      }
    };
  }

  /** The server pid a new, separate connection gets; closed at once. */
  private async probeSessionPid(): Promise<number | undefined> {
    const client = this.newClient();
    client.on('error', () => undefined);
    try {
      await client.connect();
      return (await client.query('SELECT pg_backend_pid() AS pid')).rows[0]?.pid as number | undefined;
    } catch (err) {
      throw backendError(err, this.target);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  private newClient(): pg.Client {
    return new pg.Client({
      connectionString: this.target.connectionString,
      application_name: 'assistants-iac',
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      keepAlive: true,
    });
  }

  private connection(): Promise<pg.Client> {
    if (this.broken) return Promise.reject(this.broken);
    this.connecting ??= this.connect();
    return this.connecting;
  }

  private async connect(): Promise<pg.Client> {
    const client = this.newClient();
    // Without a listener, a connection dropped between queries would end the process.
    client.on('error', (err) => {
      this.broken ??= backendError(err, this.target);
    });
    try {
      await client.connect();
      await ensureSchema(client, this.target.schema);
    } catch (err) {
      await client.end().catch(() => undefined);
      this.connecting = undefined;
      throw err instanceof AssistantsError ? err : backendError(err, this.target);
    }
    client.on('end', () => {
      this.broken ??= new AssistantsError(
        'STATE_BACKEND_UNAVAILABLE',
        `the connection to ${this.target.display} ended`,
      );
    });
    return client;
  }
}

const CORRUPT_HINT =
  'the row was changed outside assistants-iac; `assistants state push FILE` replaces it with a good document (an older one from `state pull` kept by CI, say)';

/** What a compaction of `journal` into `doc` stores (see compactedWrite). */
function compacted(
  doc: StateDocument,
  journal: StoredJournal,
  location: string,
): { doc: StateDocument; text: string } {
  const events = journal.events.length;
  return compactedWrite(doc, { ...journal, events }, `the journal of ${location}`, location).written;
}

/** The two 32-bit halves of a bigint advisory key, as pg_locks shows them (classid, objid). */
function lockParts(key: string): [string, string] {
  const unsigned = BigInt.asUintN(64, BigInt(key));
  return [(unsigned >> 32n).toString(), (unsigned & 0xffffffffn).toString()];
}

/** An error from the client or the server as STATE_BACKEND_UNAVAILABLE, naming no password. */
function backendError(err: unknown, target: PgTarget, sql?: string): AssistantsError {
  if (err instanceof AssistantsError) return err;
  const e = err as Error & { code?: string };
  const code = e.code ? ` (${e.code})` : '';
  // admin_shutdown: pg_terminate_backend, which is what force-unlock --force sends.
  if (e.code === '57P01')
    return new AssistantsError(
      'STATE_BACKEND_UNAVAILABLE',
      `the server ended this run's session with the PostgreSQL state at ${target.display}${code}: another run's force-unlock --force, or an administrator; its lock went with it`,
      { hint: 'the calls this run made are in the journal: the next run settles them', cause: err },
    );
  const during = sql ? ` during "${sql.trim().split(/\s+/).slice(0, 3).join(' ')} …"` : '';
  return new AssistantsError(
    'STATE_BACKEND_UNAVAILABLE',
    `the PostgreSQL state at ${target.display} failed${during}: ${e.message}${code}`,
    {
      hint: "check the URL, that the server is reachable from here, and the role's password (PGPASSWORD) and rights (it creates the schema on first use); a run cut off here has its calls in the journal, which the next run settles",
      cause: err,
    },
  );
}
