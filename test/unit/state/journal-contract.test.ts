import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../../src/state/journal-log.js';
import { LocalStateStore } from '../../../src/state/local-backend.js';
import { MemoryStateStore } from '../../../src/state/memory-backend.js';
import { emptyState, type PendingOperation, type StateDocument } from '../../../src/state/state-document.js';
import type { StateStore } from '../../../src/state/state-store.js';
import { openPostgresStore, postgresRows } from '../../helpers/postgres-state.js';
import { rejection } from '../../helpers/rejection.js';
import { LINEAGE, sampleResources, sampleState } from '../../helpers/state-fixtures.js';
import { workspace } from '../../helpers/workspace.js';

/**
 * The journal log part of the StateStore contract, against the file backend and the fake alike,
 * with access to the log's raw text (what a crash or a hand edit leaves there).
 */
interface Opened {
  store: StateStore;
  /** The log's text, undefined when there is none. */
  raw(): Promise<string | undefined>;
  setRaw(text: string): Promise<void>;
  /** How many whole-document writes the state has had. */
  stateWrites(): Promise<string | undefined>;
}

const backends: [string, () => Promise<Opened>][] = [
  [
    'LocalStateStore',
    async () => {
      const store = new LocalStateStore(path.join(await workspace({}), '.assistants/state.json'));
      const raw = () => readFile(store.journalPath, 'utf8').catch(() => undefined);
      return {
        store,
        raw,
        setRaw: (text) => writeFile(store.journalPath, text),
        stateWrites: () => readFile(store.file, 'utf8').catch(() => undefined),
      };
    },
  ],
  [
    'MemoryStateStore',
    async () => {
      const store = new MemoryStateStore();
      return {
        store,
        raw: async () => store.journalText,
        setRaw: async (text) => {
          store.journalText = text;
        },
        stateWrites: async () => JSON.stringify(store.history),
      };
    },
  ],
  [
    'PostgresStateStore',
    async () => {
      const store = openPostgresStore();
      return { store, ...postgresRows(store) };
    },
  ],
];

const op = (id: string, address = `file.${id}`): PendingOperation => ({
  id,
  address,
  kind: 'file',
  operation: 'create',
  started_at: '2026-01-01T00:00:00.000Z',
  match: { filename: `${id}.md`, bytes: 3 },
});

const handbook = () => sampleResources()['file.handbook'] as NonNullable<StateDocument['resources'][string]>;

/** A started call, then its result: the two events apply appends for one upload. */
const upload = (id: string): JournalEvent[] => [
  { started: [op(id)] },
  { settled: [id], recorded: { [`file.${id}`]: { ...handbook(), id: `file-${id}` } } },
];

const base = (doc: StateDocument) => ({ lineage: doc.lineage, stack: doc.stack, serial: doc.serial });

describe.each(backends)('%s (journal log contract)', (name, open) => {
  // PostgreSQL appends each event as a row in a transaction: a torn, garbled or half-compacted log
  // cannot be stored there, so the tests of reading one are the text logs' alone.
  const textLog = name !== 'PostgresStateStore';
  it('appends without rewriting the state; read() replays the log, and its serial counts the events', async () => {
    const { store, raw, stateWrites } = await open();
    const doc = await store.write(sampleState());
    const before = await stateWrites();
    const serial = await store.appendJournal(base(doc), upload('a'));
    expect(serial).toBe(doc.serial + 2);
    expect(await stateWrites()).toBe(before);
    expect((await raw())?.split('\n').filter(Boolean)).toHaveLength(3); // the base, then one line per event
    const read = await store.read();
    expect(read?.serial).toBe(doc.serial + 2);
    expect(read?.resources['file.a']?.id).toBe('file-a');
    expect(read?.pending).toEqual([]);
    expect((await store.readJournal())?.events).toEqual(upload('a'));
  });

  it('compact writes the state the log makes, with its serial, and removes the log', async () => {
    const { store, raw } = await open();
    const doc = await store.write(sampleState());
    const serial = await store.appendJournal(base(doc), upload('a'));
    await store.appendJournal({ ...base(doc), serial }, [{ started: [op('b')] }]);
    const made = (await store.read()) as StateDocument;
    const written = await store.compact(made);
    expect(written.serial).toBe(doc.serial + 3);
    expect(await raw()).toBeUndefined();
    expect(await store.read()).toEqual(made);
    // Nothing to fold: nothing happens.
    expect(await store.compact(made)).toBe(made);
  });

  it('keeps a first run that died before any state was written: the log alone makes the state', async () => {
    const { store } = await open();
    const serial = await store.appendJournal({ lineage: LINEAGE, stack: 'support', serial: 0 }, [
      { started: [op('a')] },
    ]);
    expect(serial).toBe(1);
    const read = await store.read();
    expect(read).toMatchObject({ lineage: LINEAGE, stack: 'support', serial: 1 });
    expect(read?.pending.map((p) => p.id)).toEqual(['a']);
  });

  it.skipIf(!textLog)(
    'reads a log whose last line was torn by a crash up to its last whole line',
    async () => {
      const { store, raw, setRaw } = await open();
      const doc = await store.write(sampleState());
      await store.appendJournal(base(doc), upload('a'));
      const text = (await raw()) as string;
      await setRaw(`${text}{"seq":3,"started":[{"id":"b","addr`);
      const read = await store.read();
      expect(read?.serial).toBe(doc.serial + 2);
      expect(read?.pending).toEqual([]);
      // And folds it: the torn line is gone with the log.
      await store.compact(read as StateDocument);
      expect(await raw()).toBeUndefined();
    },
  );

  it.skipIf(!textLog)('refuses a garbled line, naming the log and the line (never skips it)', async () => {
    const { store, raw, setRaw } = await open();
    const doc = await store.write(sampleState());
    await store.appendJournal(base(doc), upload('a'));
    const lines = ((await raw()) as string).split('\n');
    await setRaw([lines[0], 'not json', lines[2], ''].join('\n'));
    const garbage = await rejection(store.read());
    expect(garbage.code).toBe('STATE_JOURNAL_CORRUPT');
    expect(garbage.location?.line).toBe(2);
    expect(garbage.message).toContain('line 2');

    await setRaw([lines[0], lines[2], ''].join('\n'));
    const gap = await rejection(store.read());
    expect(gap.code).toBe('STATE_JOURNAL_CORRUPT');
    expect(gap.message).toContain('expected event number 1, found 2');

    await setRaw([lines[0], '{"seq":1,"recorded":{"file.x":{"kind":"file","id":""}}}', ''].join('\n'));
    const shape = await rejection(store.read());
    expect(shape.code).toBe('STATE_JOURNAL_CORRUPT');
    expect(shape.location?.line).toBe(2);
  });

  it('refuses a log written on top of another lineage, or of a serial the state is not at', async () => {
    const { store, raw, setRaw } = await open();
    const doc = await store.write(sampleState());
    await store.appendJournal(base(doc), upload('a'));
    const text = (await raw()) as string;
    await setRaw(text.replace(LINEAGE, '00000000-0000-4000-8000-000000000000'));
    const lineage = await rejection(store.read());
    expect(lineage.code).toBe('STATE_JOURNAL_MISMATCH');
    expect(lineage.message).toContain('lineage');

    await setRaw(text.replace(`"serial":${doc.serial}}`, `"serial":${doc.serial + 5}}`));
    const serial = await rejection(store.read());
    expect(serial.code).toBe('STATE_JOURNAL_MISMATCH');
    expect(serial.message).toContain(`serial ${doc.serial + 5}`);
  });

  it.skipIf(!textLog)(
    'ignores a log a compaction marked, once the state has the serial it names (a crash before the log was removed)',
    async () => {
      const { store, raw, setRaw } = await open();
      const doc = await store.write(sampleState());
      const serial = await store.appendJournal(base(doc), upload('a'));
      const text = (await raw()) as string;
      const made = (await store.read()) as StateDocument;
      await store.compact(made);
      await setRaw(`${text}{"compacted":${serial}}\n`);
      expect(await store.read()).toEqual(made);
      // A marked log whose compaction did not reach the state is replayed as before.
      await setRaw(`${text}{"compacted":${serial + 7}}\n`);
      const error = await rejection(store.read());
      expect(error.code).toBe('STATE_JOURNAL_MISMATCH');
    },
  );

  it('write() compares with the state the log makes, and folds the log away', async () => {
    const { store, raw } = await open();
    const doc = await store.write(sampleState());
    const serial = await store.appendJournal(base(doc), upload('a'));
    const made = (await store.read()) as StateDocument;
    const same = await store.write(made);
    expect(same.serial).toBe(serial);
    expect(await raw()).toBeUndefined();
    const serial2 = await store.appendJournal(base(same), [{ started: [op('b')] }]);
    const changed = await store.write({ ...made, stack: 'renamed' });
    expect(changed.serial).toBe(serial2 + 1);
    expect(await raw()).toBeUndefined();
    expect((await store.read())?.pending.map((p) => p.id)).toEqual([]);
  });

  it('refuses to append on top of a state the events were not computed from, or what the state cannot hold', async () => {
    const { store, raw } = await open();
    const doc = await store.write(sampleState());
    const stale = await rejection(store.appendJournal({ ...base(doc), serial: doc.serial + 1 }, upload('a')));
    expect(stale.code).toBe('STATE_WRITE_FAILED');
    const other = await rejection(store.appendJournal({ ...base(doc), lineage: 'x' }, upload('a')));
    expect(other.code).toBe('STATE_WRITE_FAILED');
    const bad = await rejection(
      store.appendJournal(base(doc), [
        { recorded: { 'file.x': { ...handbook(), id: undefined as unknown as string } } },
      ]),
    );
    expect(bad.code).toBe('STATE_WRITE_FAILED');
    expect(await raw()).toBeUndefined();
    expect(await store.read()).toEqual(doc);
  });

  it('reads without writing: a leftover log is replayed in memory and left where it is', async () => {
    const { store, raw, stateWrites } = await open();
    const doc = await store.write(emptyState(LINEAGE, 'support'));
    await store.appendJournal(base(doc), upload('a'));
    const [log, state] = [await raw(), await stateWrites()];
    await store.read();
    await store.readJournal();
    expect(await raw()).toBe(log);
    expect(await stateWrites()).toBe(state);
  });
});

describe('LocalStateStore journal file', () => {
  it('lives beside the state as state.journal, mode 0600, and the backup keeps the state a run began from', async () => {
    const dir = await workspace({});
    const store = new LocalStateStore(path.join(dir, '.assistants/state.json'));
    expect(store.journalPath).toBe(path.join(dir, '.assistants/state.journal'));
    const doc = await store.write(sampleState());
    const before = await readFile(store.file, 'utf8');
    const run = new LocalStateStore(store.file);
    const serial = await run.appendJournal(base(doc), upload('a'));
    const { statSync } = await import('node:fs');
    expect(statSync(store.journalPath).mode & 0o777).toBe(0o600);
    await run.compact({ ...((await run.read()) as StateDocument), serial });
    expect(existsSync(store.journalPath)).toBe(false);
    expect(await readFile(`${store.file}.backup`, 'utf8')).toBe(before);
  });

  it('a new run folds a log an earlier run left before it appends its own', async () => {
    const dir = await workspace({});
    const first = new LocalStateStore(path.join(dir, 'state.json'));
    const doc = await first.write(sampleState());
    await first.appendJournal(base(doc), upload('a')); // and the process dies
    const second = new LocalStateStore(first.file);
    const now = (await second.read()) as StateDocument;
    await second.appendJournal(base(now), [{ started: [op('b')] }]);
    const journal = await second.readJournal();
    expect(journal?.base.serial).toBe(now.serial);
    expect(journal?.events).toHaveLength(1);
    expect((await second.read())?.resources['file.a']?.id).toBe('file-a');
  });

  it("holds the log to the state file's rules: a named pipe or a folder there is STATE_NOT_A_FILE, never a hang", async () => {
    const { execFileSync } = await import('node:child_process');
    const { mkdir } = await import('node:fs/promises');
    const dir = await workspace({});
    const store = new LocalStateStore(path.join(dir, 'state.json'));
    const doc = await store.write(sampleState());
    execFileSync('mkfifo', [store.journalPath]);
    for (const attempt of [() => store.read(), () => store.appendJournal(base(doc), upload('a'))]) {
      const error = await rejection(attempt());
      expect(error.code).toBe('STATE_NOT_A_FILE');
      expect(error.message).toContain('named pipe');
    }
    const { rm } = await import('node:fs/promises');
    await rm(store.journalPath);
    await mkdir(store.journalPath);
    expect((await rejection(store.read())).message).toContain('is a folder');
  });
});
