import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, inject } from 'vitest';
import { headerLine } from '../../src/state/journal-log.js';
import { parsePgUrl } from '../../src/state/pg-url.js';
import { PostgresStateStore } from '../../src/state/postgres-backend.js';

/** A schema of its own for one test: its tables, and its advisory locks, are nobody else's. */
export function uniqueSchema(): string {
  return `t_${randomBytes(6).toString('hex')}`;
}

/** The test server's URL with `schema` (and any other query parameters). */
export function postgresUrl(schema: string, extra = ''): string {
  return `${inject('postgresUrl')}?schema=${schema}${extra}`;
}

/** Runs `work` with a connection of its own to the test server, closed afterwards. */
export async function withPostgresClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(inject('postgresUrl'));
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const opened: PostgresStateStore[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
});

/** A PostgreSQL store on the test server, closed after the test. */
export function openPostgresStore(
  options: { schema?: string; stack?: string; workspace?: string } = {},
): PostgresStateStore {
  const target = parsePgUrl(postgresUrl(options.schema ?? uniqueSchema()), {});
  const store = new PostgresStateStore(target, options.stack ?? 'support', options.workspace ?? 'default');
  opened.push(store);
  return store;
}

/**
 * The rows behind a PostgreSQL store, read and written beside it on a connection of their own:
 * the journal as the text of a log (what the file backend would hold), and a mark that changes
 * whenever the state row is rewritten.
 */
export function postgresRows(store: PostgresStateStore) {
  const where = 'stack = $1 AND workspace = $2';
  const key = [store.stack, store.workspace];
  const withClient = withPostgresClient;
  return {
    raw: async (): Promise<string | undefined> => {
      const journal = await store.readJournal();
      if (!journal) return undefined;
      const events = journal.events.map(
        (event, index) => `${JSON.stringify({ seq: index + 1, ...event })}\n`,
      );
      return headerLine(journal.base) + events.join('');
    },
    /** Replaces the journal with the log `text` (its lines must be JSON). */
    setRaw: (text: string) =>
      withClient(async (client) => {
        const [head, ...lines] = text
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line));
        await client.query(`DELETE FROM ${store.schema}.journals WHERE ${where}`, key);
        await client.query(
          `INSERT INTO ${store.schema}.journals (stack, workspace, lineage, base_stack, base_serial) VALUES ($1, $2, $3, $4, $5)`,
          [...key, head.lineage, head.stack, head.serial],
        );
        for (const { seq, ...event } of lines)
          await client.query(
            `INSERT INTO ${store.schema}.journal_events (stack, workspace, seq, event) VALUES ($1, $2, $3, $4)`,
            [...key, seq, JSON.stringify(event)],
          );
      }),
    stateWrites: () =>
      withClient(async (client) => {
        const rows = await client.query(
          `SELECT xmin::text || ':' || serial AS mark FROM ${store.schema}.states WHERE ${where}`,
          key,
        );
        return rows.rows[0]?.mark as string | undefined;
      }),
  };
}
