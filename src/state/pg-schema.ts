import { createHash } from 'node:crypto';
import type { ClientBase } from 'pg';
import { AssistantsError } from '../errors/index.js';

/**
 * The tables of the PostgreSQL backend, created and migrated by the tool itself, in one schema
 * (`assistants_iac` unless the URL says `?schema=`). Migrations are numbered and only ever added:
 * a database migrated by a newer assistants-iac is refused rather than written in a shape this
 * one does not know.
 *
 * - `states`: one row per (stack, workspace), the document as jsonb beside its lineage and serial;
 *   writes compare-and-set on the serial.
 * - `journals` and `journal_events`: the journal of a running apply, appended one small row per
 *   event, so that recording a call never rewrites the document.
 * - `locks`: who holds the advisory lock of a (stack, workspace), so STATE_LOCKED can name them.
 *   The lock itself is the session-level advisory lock; this row is only its label.
 */
const MIGRATIONS: readonly { version: number; sql: (schema: string) => string }[] = [
  // `s` is the schema's name quoted (see quoteSchema).
  {
    version: 1,
    sql: (s) => `
      CREATE TABLE ${s}.states (
        stack text NOT NULL,
        workspace text NOT NULL,
        lineage text NOT NULL,
        serial bigint NOT NULL,
        document jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (stack, workspace)
      );
      CREATE TABLE ${s}.journals (
        stack text NOT NULL,
        workspace text NOT NULL,
        lineage text NOT NULL,
        base_stack text NOT NULL,
        base_serial bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (stack, workspace)
      );
      CREATE TABLE ${s}.journal_events (
        stack text NOT NULL,
        workspace text NOT NULL,
        seq integer NOT NULL,
        event jsonb NOT NULL,
        PRIMARY KEY (stack, workspace, seq),
        FOREIGN KEY (stack, workspace) REFERENCES ${s}.journals ON DELETE CASCADE
      );
      CREATE TABLE ${s}.locks (
        stack text NOT NULL,
        workspace text NOT NULL,
        lock_id text NOT NULL,
        info jsonb NOT NULL,
        backend_pid integer NOT NULL,
        PRIMARY KEY (stack, workspace)
      );`,
  },
];

export const PG_SCHEMA_VERSION = MIGRATIONS.length;

/**
 * The schema's name as an SQL identifier: quoted, so that a name that is also a keyword (`user`)
 * means the schema. pg-url.ts admits only lower-case letters, digits and `_`: nothing to escape.
 */
export function quoteSchema(schema: string): string {
  return `"${schema}"`;
}

/**
 * A 64-bit advisory lock key for `parts`, as the decimal text of a signed bigint. The schema is
 * always one of the parts, so two schemas in one database never share a lock.
 */
export function advisoryKey(...parts: string[]): string {
  const digest = createHash('sha256').update(JSON.stringify(parts)).digest();
  return digest.readBigInt64BE(0).toString();
}

/**
 * Brings `schema` to the newest version. A database already there costs one query and takes no
 * lock, so runs on other states never wait on it; otherwise the migrations run in one transaction
 * under a transaction-level advisory lock of the schema, so two first runs do not race.
 */
export async function ensureSchema(client: ClientBase, name: string): Promise<void> {
  const schema = quoteSchema(name);
  if ((await schemaVersion(client, schema)) === PG_SCHEMA_VERSION) return;
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [advisoryKey(name, 'migrations')]);
    // CREATE SCHEMA IF NOT EXISTS needs CREATE on the database even when the schema exists: a
    // schema made beforehand for a role without that right is only looked up.
    const exists = await client.query<{ found: string | null }>('SELECT to_regnamespace($1) AS found', [
      schema,
    ]);
    if (!exists.rows[0]?.found) await client.query(`CREATE SCHEMA ${schema}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${schema}.migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const at = await schemaVersion(client, schema);
    for (const migration of MIGRATIONS.slice(at ?? 0)) {
      await client.query(migration.sql(schema));
      await client.query(`INSERT INTO ${schema}.migrations (version) VALUES ($1)`, [migration.version]);
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/**
 * The version of `schema` (quoted): undefined when it has no migrations table yet; a newer one is
 * refused.
 */
async function schemaVersion(client: ClientBase, schema: string): Promise<number | undefined> {
  const table = await client.query<{ found: string | null }>('SELECT to_regclass($1) AS found', [
    `${schema}.migrations`,
  ]);
  if (!table.rows[0]?.found) return undefined;
  const result = await client.query<{ version: number | null }>(
    `SELECT max(version) AS version FROM ${schema}.migrations`,
  );
  const version = result.rows[0]?.version ?? 0;
  if (version > PG_SCHEMA_VERSION)
    throw new AssistantsError(
      'STATE_VERSION_UNSUPPORTED',
      `the PostgreSQL schema ${schema} is at version ${version}; this assistants-iac knows up to version ${PG_SCHEMA_VERSION}`,
      { hint: 'a newer assistants-iac migrated it: upgrade to that version to use this state' },
    );
  return version;
}
