import { describe, expect, inject, it } from 'vitest';
import type { PgConnection } from '../../../src/state/pg-connection.js';
import { advisoryKey, ensureSchema, PG_SCHEMA_VERSION } from '../../../src/state/pg-schema.js';
import { parsePgUrl } from '../../../src/state/pg-url.js';
import {
  openPostgresStore,
  postgresUrl,
  uniqueSchema,
  withPostgresClient,
} from '../../helpers/postgres-state.js';
import { rejection } from '../../helpers/rejection.js';
import { sampleState } from '../../helpers/state-fixtures.js';

/** What the PostgreSQL backend does beyond the shared contract (store-contract.test.ts). */

const withClient = withPostgresClient;

describe('PostgresStateStore', () => {
  it('refuses a lost update: a write on top of a serial that another run has moved on', async () => {
    const schema = uniqueSchema();
    const a = openPostgresStore({ schema });
    const b = openPostgresStore({ schema });
    await a.write(sampleState());
    const readByA = await a.read();
    await b.read();
    const byB = await b.write({ ...sampleState(), stack: 'changed-by-b' });
    const error = await rejection(a.write({ ...(readByA ?? sampleState()), stack: 'changed-by-a' }));
    expect(error.code).toBe('STATE_CONFLICT');
    expect(error.message).toContain(`serial 1, now ${byB.serial}`);
    expect((await b.read())?.stack).toBe('changed-by-b');
  });

  it('runs calls made at once one transaction at a time on its one connection', async () => {
    const store = openPostgresStore();
    const first = await store.write(sampleState());
    const reads = await Promise.all([
      store.read(),
      store.write({ ...sampleState(), stack: 'renamed' }),
      store.read(),
      store.readJournal(),
      store.read(),
    ]);
    expect(reads[0]?.serial).toBe(first.serial);
    expect(reads[1]?.serial).toBe(first.serial + 1);
    expect(reads[2]?.stack).toBe('renamed');
    expect(reads[3]).toBeUndefined();
  });

  it('keeps one row per (stack, workspace): workspaces and stacks never see each other', async () => {
    const schema = uniqueSchema();
    const staging = openPostgresStore({ schema, workspace: 'staging' });
    const prod = openPostgresStore({ schema, workspace: 'prod' });
    const other = openPostgresStore({ schema, stack: 'billing', workspace: 'staging' });
    await staging.write(sampleState());
    expect(await prod.read()).toBeUndefined();
    expect(await other.read()).toBeUndefined();
    const stagingLock = await staging.lock('apply', { timeoutMs: 0 });
    // Another workspace's lock is another key: free while staging's is held.
    const prodLock = await prod.lock('apply', { timeoutMs: 0 });
    await Promise.all([stagingLock.release(), prodLock.release()]);
    await prod.write(sampleState({ lineage: '11111111-1111-4111-8111-111111111111' }));
    expect(await staging.workspaces()).toEqual(['prod', 'staging']);
    expect(await other.workspaces()).toEqual([]);
  });

  it('names the holder from another session, and ends that session only with force-unlock --force', async () => {
    const schema = uniqueSchema();
    const holder = openPostgresStore({ schema });
    const other = openPostgresStore({ schema });
    await holder.write(sampleState());
    await holder.read();
    const lock = await holder.lock('apply', { timeoutMs: 0 });
    const locked = await rejection(other.lock('plan', { timeoutMs: 100, pollMs: 20 }));
    expect(locked.code).toBe('STATE_LOCKED');
    expect(locked.message).toContain(`running "apply" since ${lock.info.created}; lock id ${lock.info.id}`);

    const alive = await rejection(other.forceUnlock(lock.info.id));
    expect(alive.code).toBe('LOCK_HOLDER_ALIVE');
    expect(alive.hint).toContain('--force');
    expect(await other.forceUnlock(lock.info.id, { force: true })).toEqual(lock.info);
    expect(other.unlockNote(lock.info)).toContain('ended the database session');

    // The holder's session is gone: its next write fails, and writes nothing.
    const failed = await rejection(holder.write({ ...sampleState(), stack: 'after-unlock' }));
    expect(failed.code).toBe('STATE_BACKEND_UNAVAILABLE');
    expect((await other.read())?.stack).toBe('support');
    const next = await other.lock('apply', { timeoutMs: 0 });
    await next.release();
  });

  it('frees the lock of a session that ended without releasing it; the label left behind names no one', async () => {
    const schema = uniqueSchema();
    const dying = openPostgresStore({ schema });
    const lock = await dying.lock('apply', { timeoutMs: 0 });
    await dying.close();
    const other = openPostgresStore({ schema });
    const next = await other.lock('apply', { timeoutMs: 0 });
    expect(next.info.id).not.toBe(lock.info.id);
    await next.release();
    // force-unlock of the dead run's id: nothing holds it any more.
    const gone = await rejection(other.forceUnlock(lock.info.id));
    expect(gone.code).toBe('LOCK_NOT_FOUND');
  });

  it('creates its schema once, even when several first runs race, and refuses one a newer version migrated', async () => {
    const schema = uniqueSchema();
    const stores = Array.from({ length: 5 }, () => openPostgresStore({ schema }));
    expect(await Promise.all(stores.map((store) => store.read()))).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    await withClient(async (client) => {
      const rows = await client.query(`SELECT version FROM ${schema}.migrations ORDER BY version`);
      expect(rows.rows.map((row) => row.version)).toEqual([PG_SCHEMA_VERSION]);
      await ensureSchema(client, schema);
      await client.query(`INSERT INTO ${schema}.migrations (version) VALUES ($1)`, [PG_SCHEMA_VERSION + 1]);
    });
    const newer = await rejection(openPostgresStore({ schema }).read());
    expect(newer.code).toBe('STATE_VERSION_UNSUPPORTED');
    expect(newer.message).toContain(`version ${PG_SCHEMA_VERSION + 1}`);
  });

  it('keys locks by schema too: the same stack and workspace in two schemas lock apart', async () => {
    expect(advisoryKey('a', 'support', 'default')).not.toBe(advisoryKey('b', 'support', 'default'));
    const one = await openPostgresStore({ schema: uniqueSchema() }).lock('apply', { timeoutMs: 0 });
    const two = await openPostgresStore({ schema: uniqueSchema() }).lock('apply', { timeoutMs: 0 });
    await Promise.all([one.release(), two.release()]);
  });

  it('reports an unreachable server as STATE_BACKEND_UNAVAILABLE, without its password', async () => {
    const target = parsePgUrl('postgres://someone:very-secret-pw@127.0.0.1:1/db', {});
    const { PostgresStateStore } = await import('../../../src/state/postgres-backend.js');
    const store = new PostgresStateStore(target, 'support', 'default');
    const error = await rejection(store.read());
    expect(error.code).toBe('STATE_BACKEND_UNAVAILABLE');
    expect(`${error.message} ${error.hint}`).not.toContain('very-secret-pw');
    expect(error.message).toContain('postgres://127.0.0.1:1/db');
    await store.close();
  });
});

describe('parsePgUrl', () => {
  it('takes the schema and stack out of the URL, the password from PGPASSWORD when the URL has none', () => {
    const target = parsePgUrl(
      'postgres://ci@db.internal:6432/infra?schema=team_a&stack=support&sslmode=require',
      {
        PGPASSWORD: 'p@ss word',
      },
    );
    expect(target.schema).toBe('team_a');
    expect(target.stack).toBe('support');
    expect(target.password).toBe('p@ss word');
    expect(target.display).toBe('postgres://db.internal:6432/infra');
    const url = new URL(target.connectionString);
    expect(decodeURIComponent(url.password)).toBe('p@ss word');
    expect(url.searchParams.get('sslmode')).toBe('require');
    expect(url.searchParams.has('schema')).toBe(false);
  });

  it('refuses a schema name that is not plain, and a URL without a host', () => {
    expect(() => parsePgUrl('postgres://h/db?schema=x;drop', {})).toThrow(/not a plain lower-case name/);
    expect(() => parsePgUrl('postgres:///db', {})).toThrow(/names no host/);
  });
});

describe('PostgresStateStore, races and refusals', () => {
  it('refuses a first write when another run inserted the row meanwhile (never an overwrite)', async () => {
    const schema = uniqueSchema();
    const store = openPostgresStore({ schema });
    expect(await store.read()).toBeUndefined();
    await withClient(async (client) => {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO ${schema}.states (stack, workspace, lineage, serial, document) VALUES ('support', 'default', $1, 1, $2::jsonb)`,
        [sampleState().lineage, JSON.stringify({ ...sampleState(), serial: 1, stack: 'first' })],
      );
      const writing = rejection(store.write({ ...sampleState(), stack: 'second' }));
      // Commit only once the store's INSERT waits on the uncommitted row.
      for (let waited = 0; waited < 5000; waited += 20) {
        const blocked = await client.query(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'assistants-iac' AND wait_event_type = 'Lock'",
        );
        if (blocked.rows[0]?.n > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await client.query('COMMIT');
      const error = await writing;
      expect(error.code).toBe('STATE_CONFLICT');
      // Found by the INSERT, not by the serial read before it (which saw no row).
      expect(error.message).not.toContain(', now ');
    });
    const other = openPostgresStore({ schema });
    expect((await other.read())?.stack).toBe('first');
  });

  it('refuses to replace a state whose journal holds an unfinished run', async () => {
    const store = openPostgresStore();
    const doc = await store.write(sampleState());
    await store.appendJournal(doc, [{ settled: [], stack: 'support' }]);
    const error = await rejection(store.replace({ ...sampleState(), serial: 9 }));
    expect(error.code).toBe('STATE_PUSH_REFUSED');
    expect((await store.read())?.serial).toBe(doc.serial + 1);
  });

  it('says the login was refused, without the password or a user@ in the URL shown', async () => {
    const url = new URL(inject('postgresUrl'));
    url.password = 'not-the-Password-42';
    const store = new (await import('../../../src/state/postgres-backend.js')).PostgresStateStore(
      parsePgUrl(url.toString(), {}),
      'support',
      'default',
    );
    const error = await rejection(store.read());
    await store.close();
    expect(error.code).toBe('STATE_BACKEND_UNAVAILABLE');
    expect(error.message).toContain('the server refused the login');
    const everything = `${error.message} ${error.hint} ${String(error.stack)}`;
    expect(everything).not.toContain('not-the-Password-42');
    expect(everything).not.toMatch(/postgres:\/\/[^/\s]*@/);
  });
});

describe('PostgresStateStore, refusals of the environment', () => {
  it('refuses a connection whose second connection is handed the same server session (a transaction-mode pooler)', async () => {
    const store = openPostgresStore();
    // What such a pooler does: the probe's "new" connection gets the session just freed, this one's.
    const connection = (store as unknown as { connection: PgConnection }).connection;
    connection.probeSessionPid = () =>
      connection.exclusive(async (query) => (await query('SELECT pg_backend_pid() AS pid')).rows[0]?.pid);
    const error = await rejection(store.lock('apply', { timeoutMs: 0 }));
    expect(error.code).toBe('STATE_BACKEND_UNSUPPORTED');
    expect(error.hint).toContain('pool_mode = session');
    // Refused before locking: nothing is held, by this session or any.
    const other = openPostgresStore({ schema: store.schema });
    const lock = await other.lock('apply', { timeoutMs: 0 });
    await lock.release();
  });

  it("force-unlock --force by a role that may not end the holder's session says which right it needs", async () => {
    const schema = uniqueSchema();
    const holder = openPostgresStore({ schema });
    const lock = await holder.lock('apply', { timeoutMs: 0 });
    const role = `limited_${schema}`;
    await withClient(async (client) => {
      await client.query(`CREATE ROLE ${role} LOGIN PASSWORD 'limited-pw-123'`);
      await client.query(`GRANT USAGE ON SCHEMA ${schema} TO ${role}`);
      await client.query(`GRANT ALL ON ALL TABLES IN SCHEMA ${schema} TO ${role}`);
    });
    const url = new URL(postgresUrl(schema));
    url.username = role;
    url.password = 'limited-pw-123';
    const { PostgresStateStore } = await import('../../../src/state/postgres-backend.js');
    const limited = new PostgresStateStore(parsePgUrl(url.toString(), {}), 'support', 'default');
    const error = await rejection(limited.forceUnlock(lock.info.id, { force: true }));
    await limited.close();
    expect(error.code).toBe('LOCK_HOLDER_ALIVE');
    expect(error.hint).toContain('pg_signal_backend');
    await lock.release();
  });
});
