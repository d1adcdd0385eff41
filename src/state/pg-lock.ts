import { setTimeout as sleep } from 'node:timers/promises';
import { AssistantsError } from '../errors/index.js';
import { describeHolder, lockedError, lockNotFoundError, newLockInfo, parseLockInfo } from './lock-info.js';
import type { PgConnection, Query } from './pg-connection.js';
import { advisoryKey, quoteSchema } from './pg-schema.js';
import { DEFAULT_LOCK_POLL_MS, type LockInfo, type LockOptions, type StateLock } from './state-store.js';

/**
 * How long a run that found the lock taken waits for its holder's label to appear: the holder
 * takes the lock first and writes who it is in the next statement.
 */
const LABEL_GRACE_MS = 2_000;

/** Whose lock: one state, in one schema. */
export interface PgLockScope {
  schema: string;
  stack: string;
  workspace: string;
  /** How messages name the state. */
  location: string;
}

/**
 * The lock of one PostgreSQL state: a session-level advisory lock on a hash of (schema, stack,
 * workspace), held by the store's own connection, so it ends with that session (a run killed, a
 * connection the server sees closed). Beside it, a label row in `locks` says who holds it, for
 * STATE_LOCKED and force-unlock; a label only counts while the session it names holds the lock.
 */
export class PgStateLock {
  private readonly key: string;
  private readonly parts: [string, string];
  private readonly table: string;
  private held: { info: LockInfo; backendPid: number } | undefined;
  private sessionChecked = false;
  /** The server pid of the session that forceUnlock ended, if it ended one. */
  private terminated: number | undefined;

  constructor(
    private readonly connection: PgConnection,
    private readonly scope: PgLockScope,
  ) {
    this.key = advisoryKey(scope.schema, scope.stack, scope.workspace);
    // pg_locks shows a bigint key as two 32-bit halves: classid (high), objid (low).
    const unsigned = BigInt.asUintN(64, BigInt(this.key));
    this.parts = [(unsigned >> 32n).toString(), (unsigned & 0xffffffffn).toString()];
    this.table = `${quoteSchema(scope.schema)}.locks`;
  }

  /** Takes the lock for `operation`, waiting as LockOptions say, then STATE_LOCKED naming the holder. */
  async take(operation: string, options: LockOptions): Promise<StateLock> {
    const pollMs = Math.max(1, options.pollMs ?? DEFAULT_LOCK_POLL_MS);
    const started = Date.now();
    const deadline = started + Math.max(0, options.timeoutMs);
    if (!this.sessionChecked) await this.checkSessionKept();
    for (;;) {
      // Advisory locks nest within a session: a second take() by this store waits as any other.
      if (!this.held && (await this.tryLock())) return this.label(operation);
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        const holder = await this.holderWithin(LABEL_GRACE_MS);
        // Let go of meanwhile: one more try rather than a STATE_LOCKED naming nobody.
        if (holder === 'free' && !this.held && (await this.tryLock())) return this.label(operation);
        throw lockedError(this.scope.location, holder === 'free' ? undefined : holder, Date.now() - started);
      }
      await sleep(Math.min(pollMs, remaining));
    }
  }

  /**
   * Inside a write's transaction: refuses when this store took the lock and it is no longer its
   * own (a force-unlock took it away, or a pooler moved the connection to another session).
   */
  async checkStillHeld(query: Query): Promise<void> {
    if (!this.held) return;
    const rows = await query(
      `SELECT pg_backend_pid() AS pid, (SELECT info::text FROM ${this.table} WHERE stack = $1 AND workspace = $2) AS info`,
      [this.scope.stack, this.scope.workspace],
    );
    const row = rows.rows[0] as { pid: number; info: string | null } | undefined;
    const label = row?.info ? parseLockInfo(row.info) : undefined;
    if (row?.pid === this.held.backendPid && label?.id === this.held.info.id) return;
    throw new AssistantsError(
      'STATE_CONFLICT',
      `${this.scope.location}: this run no longer holds the state lock (${label ? `now held by ${describeHolder(label)}` : 'it was removed'}); nothing was written`,
      {
        hint: 'a force-unlock, or a pooler that moved this connection to another server session: run again once no other run is active',
      },
    );
  }

  /** Removes the lock carrying `id`; a holder whose session is still connected only with `force`. */
  async forceUnlock(id: string, force: boolean): Promise<LockInfo> {
    const { label, holderPid } = await this.connection.exclusive(async (query) => ({
      label: await this.labelRow(query),
      holderPid: await this.holderPid(query),
    }));
    const current = label && label.backendPid === holderPid ? label.info : undefined;
    if (label?.info.id !== id) throw lockNotFoundError(this.scope.location, id, current);
    if (this.held?.info.id === id) {
      // This store's own session holds it: let go of it here rather than end our own session.
      await this.release(this.held.info);
      return label.info;
    }
    if (holderPid !== undefined && holderPid === label.backendPid) {
      if (!force)
        throw new AssistantsError(
          'LOCK_HOLDER_ALIVE',
          `${this.scope.location} is locked by ${describeHolder(label.info)}, and its database session (server pid ${holderPid}) is still connected: the lock was left in place`,
          {
            hint: `let that run finish, or stop it; if it hangs, \`assistants force-unlock ${id} --force\` ends its session, which ends the lock (the run's next state write then fails)`,
          },
        );
      await this.endSession(holderPid);
    }
    await this.connection.exclusive((query) =>
      query(`DELETE FROM ${this.table} WHERE stack = $1 AND workspace = $2 AND lock_id = $3`, [
        this.scope.stack,
        this.scope.workspace,
        id,
      ]),
    );
    return label.info;
  }

  /** What force-unlock says after removing `holder`'s lock. */
  unlockNote(holder: LockInfo): string {
    if (this.terminated !== undefined)
      return `ended the database session (server pid ${this.terminated}) of ${holder.who} (pid ${holder.pid}, "${holder.operation}" since ${holder.created}): that run's next state write fails, and the next run settles its journal`;
    return 'the session that held it had already ended; its label was removed';
  }

  /** Ends the holder's session. `false` from the server: it ended meanwhile, which is as good. */
  private async endSession(pid: number): Promise<void> {
    try {
      await this.connection.exclusive((query) => query('SELECT pg_terminate_backend($1) AS ended', [pid]));
    } catch (err) {
      if ((err as { cause?: { code?: string } }).cause?.code !== '42501') throw err;
      throw new AssistantsError(
        'LOCK_HOLDER_ALIVE',
        `${this.scope.location}: this role may not end the session (server pid ${pid}) that holds the lock`,
        {
          hint: "run force-unlock as the holder's role, or as a member of pg_signal_backend (a superuser's session only a superuser may end)",
          cause: err,
        },
      );
    }
    this.terminated = pid;
  }

  /**
   * Refuses a connection that does not keep its own server session: a second connection that is
   * handed this one's session shows a pooler giving sessions out per transaction (poolers reuse
   * the session just freed first). Checked before the lock is taken, so that a lock is never left
   * in a session nobody holds.
   */
  private async checkSessionKept(): Promise<void> {
    const own = await this.connection.exclusive(
      async (query) => (await query('SELECT pg_backend_pid() AS pid')).rows[0]?.pid as number,
    );
    if ((await this.connection.probeSessionPid()) === own) throw poolerError(this.scope.location);
    this.sessionChecked = true;
  }

  private async tryLock(): Promise<boolean> {
    const got = await this.connection.exclusive((query) =>
      query('SELECT pg_try_advisory_lock($1) AS got', [this.key]),
    );
    return got.rows[0]?.got === true;
  }

  /** Writes who holds the lock, once this session is seen to hold it. */
  private label(operation: string): Promise<StateLock> {
    return this.connection.exclusive(async (query) => {
      const mine = await query(
        `SELECT pg_backend_pid() AS pid, EXISTS (SELECT 1 FROM pg_locks WHERE ${LOCK_ROW} AND pid = pg_backend_pid()) AS held`,
        this.parts,
      );
      const backendPid = mine.rows[0]?.pid as number;
      if (mine.rows[0]?.held !== true) {
        await query('SELECT pg_advisory_unlock($1)', [this.key]).catch(() => undefined);
        throw poolerError(this.scope.location);
      }
      const info = newLockInfo(operation);
      await query(
        `INSERT INTO ${this.table} (stack, workspace, lock_id, info, backend_pid) VALUES ($1, $2, $3, $4::jsonb, $5)
         ON CONFLICT (stack, workspace) DO UPDATE SET lock_id = EXCLUDED.lock_id, info = EXCLUDED.info, backend_pid = EXCLUDED.backend_pid`,
        [this.scope.stack, this.scope.workspace, info.id, JSON.stringify(info), backendPid],
      );
      this.held = { info, backendPid };
      return { info, release: () => this.release(info) };
    });
  }

  private async release(info: LockInfo): Promise<void> {
    if (this.held?.info.id !== info.id) return;
    this.held = undefined;
    // A broken connection has lost its session, and the lock with it: nothing is left to release.
    if (this.connection.isBroken) return;
    await this.connection.exclusive(async (query) => {
      await query(`DELETE FROM ${this.table} WHERE stack = $1 AND workspace = $2 AND lock_id = $3`, [
        this.scope.stack,
        this.scope.workspace,
        info.id,
      ]);
      await query('SELECT pg_advisory_unlock($1)', [this.key]);
    });
  }

  /** The label, whoever wrote it (it outlives a session that died without releasing). */
  private async labelRow(query: Query): Promise<{ info: LockInfo; backendPid: number } | undefined> {
    const rows = await query(
      `SELECT info::text AS info, backend_pid FROM ${this.table} WHERE stack = $1 AND workspace = $2`,
      [this.scope.stack, this.scope.workspace],
    );
    const row = rows.rows[0] as { info: string; backend_pid: number } | undefined;
    const info = row && parseLockInfo(row.info);
    return info && row ? { info, backendPid: row.backend_pid } : undefined;
  }

  /** The server pid of the session holding the lock now, if any. */
  private async holderPid(query: Query): Promise<number | undefined> {
    const rows = await query(`SELECT pid FROM pg_locks WHERE ${LOCK_ROW} LIMIT 1`, this.parts);
    return rows.rows[0]?.pid as number | undefined;
  }

  /**
   * Who holds the lock: its label, once the label names the session that holds it ('free' when no
   * session holds it any more). A holder that has just taken the lock writes its label a statement
   * later: waited for, up to `graceMs`.
   */
  private async holderWithin(graceMs: number): Promise<LockInfo | 'free' | undefined> {
    const until = Date.now() + graceMs;
    for (;;) {
      const found = await this.connection.exclusive(async (query) => {
        const pid = await this.holderPid(query);
        if (pid === undefined) return 'free' as const;
        const label = await this.labelRow(query);
        return label && label.backendPid === pid ? label.info : undefined;
      });
      if (found || Date.now() >= until) return found;
      await sleep(50);
    }
  }
}

/** The granted advisory lock of one bigint key ($1, $2: its halves) in this database. */
const LOCK_ROW =
  "locktype = 'advisory' AND granted AND classid = $1::oid AND objid = $2::oid AND objsubid = 1 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())";

function poolerError(location: string): AssistantsError {
  return new AssistantsError(
    'STATE_BACKEND_UNSUPPORTED',
    `${location}: this connection does not keep one server session (another connection was handed the same session, or the lock taken by one statement was not its own in the next); this looks like a transaction-mode connection pooler`,
    {
      hint: 'session locks need one server session per client: connect directly, or through a pooler in session mode (for PgBouncer, pool_mode = session, often on another port)',
    },
  );
}
