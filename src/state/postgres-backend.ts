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
import { PgConnection, type Query } from './pg-connection.js';
import { PgStateLock } from './pg-lock.js';
import { quoteSchema } from './pg-schema.js';
import type { PgTarget } from './pg-url.js';
import { parseState, planWrite, prepareWrite, storedVersion, withSerial } from './state-codec.js';
import type { StateDocument } from './state-document.js';
import type { ForceUnlockOptions, LockInfo, LockOptions, StateLock, StateStore } from './state-store.js';

/**
 * The state in PostgreSQL: a row per (stack, workspace) of the tables in pg-schema.ts, behind the
 * same contract as the file backend (state-store.ts), on one dedicated connection per store
 * (pg-connection.ts) that also holds the lock (pg-lock.ts).
 *
 * Writes compare-and-set on the serial this store last saw: a state written by another run since
 * (a lock lost, a force-unlock, two runs without a lock) is STATE_CONFLICT, never an overwrite. A
 * first write inserts, and a row another run inserted meanwhile is a conflict too. While this
 * store holds the lock, every write also checks, inside its transaction, that the lock is still
 * its own.
 */
export class PostgresStateStore implements StateStore {
  readonly location: string;
  /** The schema its tables are in. */
  readonly schema: string;
  private readonly journalLocation: string;
  private readonly connection: PgConnection;
  private readonly stateLock: PgStateLock;
  /** `"schema".` for table names. */
  private readonly in: string;
  /** The serial of the state row this store last read or wrote (0: no row); undefined before. */
  private seen: number | undefined;

  /**
   * @param options.refusal an error every use of the store fails with, before any connection is
   *   made (a stack that could not be known: the row must not be guessed)
   */
  constructor(
    target: PgTarget,
    readonly stack: string,
    readonly workspace: string,
    options: { refusal?: AssistantsError | undefined } = {},
  ) {
    this.location = `${target.display} (stack ${stack}, workspace ${workspace})`;
    this.journalLocation = `the journal of ${this.location}`;
    this.connection = new PgConnection(target, options.refusal);
    this.stateLock = new PgStateLock(this.connection, {
      schema: target.schema,
      stack,
      workspace,
      location: this.location,
    });
    this.schema = target.schema;
    this.in = `${quoteSchema(target.schema)}.`;
  }

  /** Closes the connection; a lock still held goes with its session. */
  close(): Promise<void> {
    return this.connection.close();
  }

  async read(): Promise<StateDocument | undefined> {
    return this.connection.transaction('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', async (query) => {
      const { state, journal } = await this.readStored(query);
      this.seen = state?.serial ?? 0;
      if (!journal) return state;
      return replayJournal(state, journal, { state: this.location, journal: this.journalLocation });
    });
  }

  async readJournal(): Promise<StoredJournal | undefined> {
    return this.connection.transaction('BEGIN READ ONLY', (query) => this.readJournalRows(query));
  }

  async write(doc: StateDocument): Promise<StateDocument> {
    // jsonb keeps no key order: both sides of the comparison are put in one order.
    const prepared = prepareWrite(withSortedKeys(doc));
    return this.connection.transaction('BEGIN', async (query) => {
      const { state, journal } = await this.readForWrite(query);
      const stored = journal
        ? replayJournal(state, journal, { state: this.location, journal: this.journalLocation })
        : state;
      const plan = planWrite(stored && storedVersion(withSortedKeys(stored)), prepared, this.location);
      if (!plan.changed) {
        // Unchanged, but a journal is still folded into the state.
        if (journal && stored) return this.storeRow(query, compacted(stored, journal, this.location), state);
        return stored as StateDocument;
      }
      return this.storeRow(query, plan, state);
    });
  }

  async replace(doc: StateDocument): Promise<StateDocument> {
    const prepared = prepareWrite(withSortedKeys(doc));
    return this.connection.transaction('BEGIN', async (query) => {
      const { state, journal } = await this.readForWrite(query);
      if (journal) throw journalInTheWay(this.location);
      return this.storeRow(query, withSerial(prepared, prepared.doc.serial, this.location), state);
    });
  }

  async appendJournal(on: JournalBase, events: readonly JournalEvent[]): Promise<number> {
    if (events.length === 0) return on.serial;
    // Copied before the first await: the caller may change what the events hold once this returns.
    const copies = structuredClone(events) as JournalEvent[];
    return this.connection.transaction('BEGIN', async (query) => {
      const { state, journal } = await this.versionForAppend(query);
      const { base, next } = checkAppend(on, journal, state, this.journalLocation);
      // Checked as a read checks them, before anything is stored: a value the state could not hold
      // never reaches the table.
      eventLines(copies, next, base);
      if (!journal)
        await this.insertOnce(
          query,
          `INSERT INTO ${this.in}journals (stack, workspace, lineage, base_stack, base_serial) VALUES ($1, $2, $3, $4, $5)`,
          [this.stack, this.workspace, base.lineage, base.stack, base.serial],
        );
      for (const [index, event] of copies.entries())
        await this.insertOnce(
          query,
          `INSERT INTO ${this.in}journal_events (stack, workspace, seq, event) VALUES ($1, $2, $3, $4::jsonb)`,
          [this.stack, this.workspace, next + index, JSON.stringify(event)],
        );
      return base.serial + next - 1 + copies.length;
    });
  }

  async compact(doc: StateDocument): Promise<StateDocument> {
    return this.connection.transaction('BEGIN', async (query) => {
      const { state, journal } = await this.readForWrite(query);
      if (!journal) return doc;
      return this.storeRow(query, compacted(doc, journal, this.location), state);
    });
  }

  lock(operation: string, options: LockOptions): Promise<StateLock> {
    return this.stateLock.take(operation, options);
  }

  forceUnlock(id: string, options: ForceUnlockOptions = {}): Promise<LockInfo> {
    return this.stateLock.forceUnlock(id, options.force === true);
  }

  unlockNote(holder: LockInfo): string {
    return this.stateLock.unlockNote(holder);
  }

  /** The workspaces of this stack that have a state or a journal, sorted. */
  async workspaces(): Promise<string[]> {
    const rows = await this.connection.exclusive((query) =>
      query(
        `SELECT workspace FROM ${this.in}states WHERE stack = $1 UNION SELECT workspace FROM ${this.in}journals WHERE stack = $1 ORDER BY 1`,
        [this.stack],
      ),
    );
    return rows.rows.map((row) => row.workspace as string);
  }

  /** Where else a state of `lineage` is kept (`stack/workspace`), if anywhere. */
  async lineageElsewhere(lineage: string): Promise<string | undefined> {
    const rows = await this.connection.exclusive((query) =>
      query(
        `SELECT stack, workspace FROM ${this.in}states WHERE lineage = $1 AND NOT (stack = $2 AND workspace = $3) LIMIT 1`,
        [lineage, this.stack, this.workspace],
      ),
    );
    const row = rows.rows[0] as { stack: string; workspace: string } | undefined;
    return row && `stack ${row.stack}, workspace ${row.workspace}`;
  }

  /** Removes this workspace's state and journal (the caller holds the lock; the label goes on release). */
  async drop(): Promise<void> {
    await this.connection.transaction('BEGIN', async (query) => {
      await this.readForWrite(query);
      for (const table of ['journals', 'states'])
        await query(`DELETE FROM ${this.in}${table} WHERE stack = $1 AND workspace = $2`, [
          this.stack,
          this.workspace,
        ]);
    });
    this.seen = 0;
  }

  /** The stored state and journal, the row locked, after checking that no other run wrote it since. */
  private async readForWrite(query: Query): Promise<Stored> {
    const stored = await this.readStored(query, { forUpdate: true });
    await this.checkUnchanged(query, stored.state?.serial ?? 0);
    return stored;
  }

  /**
   * What an append checks its events against, the row locked: the state's lineage and serial and
   * the journal's base and length. Neither the document nor an earlier event is read: apply
   * appends after every call, and reading them all back each time would grow with the run.
   */
  private async versionForAppend(query: Query): Promise<{
    state: { lineage: string; serial: number } | undefined;
    journal: StoredJournal | undefined;
  }> {
    const key = [this.stack, this.workspace];
    const rows = await query(
      `SELECT lineage, serial FROM ${this.in}states WHERE stack = $1 AND workspace = $2 FOR UPDATE`,
      key,
    );
    const row = rows.rows[0] as { lineage: string; serial: string } | undefined;
    const state = row && { lineage: row.lineage, serial: Number(row.serial) };
    await this.checkUnchanged(query, state?.serial ?? 0);
    const heads = await query(
      `SELECT lineage, base_stack, base_serial, (SELECT count(*) FROM ${this.in}journal_events e WHERE e.stack = $1 AND e.workspace = $2)::int AS events
       FROM ${this.in}journals WHERE stack = $1 AND workspace = $2`,
      key,
    );
    const head = heads.rows[0] as
      | { lineage: string; base_stack: string; base_serial: string; events: number }
      | undefined;
    if (!head) return { state, journal: undefined };
    const base = { lineage: head.lineage, stack: head.base_stack, serial: Number(head.base_serial) };
    // checkAppend counts the events; their content is not needed (as the file backend does).
    return { state, journal: { base, events: new Array(head.events) } };
  }

  /** STATE_CONFLICT when the row moved on since this store saw it, or the lock is no longer ours. */
  private async checkUnchanged(query: Query, serial: number): Promise<void> {
    if (this.seen !== undefined && serial !== this.seen) throw conflict(this.location, this.seen, serial);
    await this.stateLock.checkStillHeld(query);
  }

  /** The state row and the journal, as stored (nothing replayed). */
  private async readStored(query: Query, options: { forUpdate?: boolean } = {}): Promise<Stored> {
    const rows = await query(
      `SELECT serial, document::text AS text FROM ${this.in}states WHERE stack = $1 AND workspace = $2${options.forUpdate ? ' FOR UPDATE' : ''}`,
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
      `SELECT lineage, base_stack, base_serial FROM ${this.in}journals WHERE stack = $1 AND workspace = $2`,
      [this.stack, this.workspace],
    );
    const head = heads.rows[0] as { lineage: string; base_stack: string; base_serial: string } | undefined;
    if (!head) return undefined;
    const events = await query(
      `SELECT seq, event::text AS event FROM ${this.in}journal_events WHERE stack = $1 AND workspace = $2 ORDER BY seq`,
      [this.stack, this.workspace],
    );
    const base = { lineage: head.lineage, stack: head.base_stack, serial: Number(head.base_serial) };
    // Put back into the log's text form, so it is read with every check the file's log gets.
    const lines = events.rows.map((row) => `{"seq":${row.seq},${(row.event as string).slice(1)}\n`);
    return parseJournal(headerLine(base) + lines.join(''), this.journalLocation) ?? { base, events: [] };
  }

  /**
   * Stores `doc` (as `text`) in place of `before`, the row as read with FOR UPDATE, and folds the
   * journal away, in the caller's transaction: an UPDATE of that serial, or, with no row before,
   * an INSERT that fails if another run inserted one meanwhile.
   */
  private async storeRow(
    query: Query,
    { doc, text }: { doc: StateDocument; text: string },
    before: StateDocument | undefined,
  ): Promise<StateDocument> {
    const values = [this.stack, this.workspace, doc.lineage, doc.serial, text];
    if (before) {
      const updated = await query(
        `UPDATE ${this.in}states SET lineage = $3, serial = $4, document = $5::jsonb, updated_at = now() WHERE stack = $1 AND workspace = $2 AND serial = $6`,
        [...values, before.serial],
      );
      if (updated.rowCount !== 1) throw conflict(this.location, before.serial, undefined);
    } else {
      await this.insertOnce(
        query,
        `INSERT INTO ${this.in}states (stack, workspace, lineage, serial, document) VALUES ($1, $2, $3, $4, $5::jsonb)`,
        values,
      );
    }
    await query(`DELETE FROM ${this.in}journals WHERE stack = $1 AND workspace = $2`, [
      this.stack,
      this.workspace,
    ]);
    this.seen = doc.serial;
    return doc;
  }

  /** An INSERT whose row another run may have inserted meanwhile: that is STATE_CONFLICT. */
  private async insertOnce(query: Query, sql: string, values: unknown[]): Promise<void> {
    try {
      await query(sql, values);
    } catch (err) {
      if ((err as { cause?: { code?: string } }).cause?.code === '23505')
        throw conflict(this.location, this.seen ?? 0, undefined);
      throw err;
    }
  }
}

interface Stored {
  state: StateDocument | undefined;
  journal: StoredJournal | undefined;
}

const CORRUPT_HINT =
  'the row was changed outside assistants-iac; `assistants state push FILE` replaces it with a good document (an older one from `state pull` kept by CI, say)';

function conflict(location: string, seen: number, now: number | undefined): AssistantsError {
  return new AssistantsError(
    'STATE_CONFLICT',
    `${location} was written by another run since this one read it (serial ${seen}${now === undefined ? '' : `, now ${now}`}); nothing was overwritten`,
    { hint: 'run again: the next run reads the state as it is now and plans from there' },
  );
}

/** What a compaction of `journal` into `doc` stores (see compactedWrite). */
function compacted(
  doc: StateDocument,
  journal: StoredJournal,
  location: string,
): { doc: StateDocument; text: string } {
  const events = journal.events.length;
  return compactedWrite(doc, { ...journal, events }, `the journal of ${location}`, location).written;
}
