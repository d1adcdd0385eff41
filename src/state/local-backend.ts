import { randomUUID } from 'node:crypto';
import type { BigIntStats } from 'node:fs';
import { link, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AssistantsError } from '../errors/index.js';
import { noteLockReleased, noteLockTaken } from './held-locks.js';
import {
  compactedLine,
  eventLines,
  headerLine,
  type JournalBase,
  type JournalEvent,
  journalPathFor,
  parseJournal,
  replayJournal,
  type StoredJournal,
} from './journal-log.js';
import { checkAppend, compactedWrite, journalInTheWay } from './journal-rules.js';
import {
  holderLiveness,
  lockedError,
  lockHolderAliveError,
  lockNotFoundError,
  newLockInfo,
  parseLockInfo,
  serializeLockInfo,
} from './lock-info.js';
import { checkOwnPath, openOwnAppend, readOwnFile } from './regular-file.js';
import {
  type PreparedWrite,
  parseState,
  planWrite,
  prepareWrite,
  type StoredVersion,
  storedVersion,
  withSerial,
} from './state-codec.js';
import type { StateDocument } from './state-document.js';
import {
  DEFAULT_LOCK_POLL_MS,
  type ForceUnlockOptions,
  type LockInfo,
  type LockOptions,
  type StateLock,
  type StateStore,
} from './state-store.js';
import { writeInPieces } from './write-in-pieces.js';

const errno = (err: unknown) => (err as NodeJS.ErrnoException).code;

/** How many times read() tries for a state file that does not change while it and its journal are read. */
const READ_ATTEMPTS = 5;

/** What tells one version of a file from another without reading it. */
interface FileStamp {
  ino: number;
  size: number;
  mtimeNs: bigint;
}

async function fileStamp(file: string): Promise<FileStamp | undefined> {
  try {
    return toStamp(await stat(file, { bigint: true }));
  } catch {
    return undefined;
  }
}

function toStamp(info: BigIntStats): FileStamp {
  return { ino: Number(info.ino), size: Number(info.size), mtimeNs: info.mtimeNs };
}

function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs;
}

/** The log this store appends to: its open handle, the state it began on, and its events so far. */
interface OpenJournal {
  handle: Awaited<ReturnType<typeof open>>;
  base: JournalBase;
  events: number;
}

/** What the lock file holds: nothing, a LockInfo, or text that is not one (half-written). */
type LockFileContent = { state: 'absent' } | { state: 'held'; info: LockInfo } | { state: 'unreadable' };

/**
 * The state in a local file (by default `.assistants/state.json`), with the previous version kept as
 * `<path>.backup`, the lock as `<path>.lock` and the journal log as `state.journal` beside it (see
 * journal-log.ts): appended and fsynced per group of events, folded into the state by `compact`.
 *
 * Writes are atomic: a temp file in the same folder, fsynced, renamed over the state, and the folder
 * fsynced, so a crash leaves the old state or the new one, never half of one. Files are mode 0600.
 * Reads never modify anything, not even a corrupt file. The lock file is created exclusively
 * (`wx`); a lock left by a dead process of this host is reclaimed, any other is waited on.
 */
export class LocalStateStore implements StateStore {
  readonly location: string;
  readonly backupPath: string;
  readonly lockPath: string;
  readonly journalPath: string;
  /** The lock's and the journal's paths as messages show them. */
  private readonly lockShown: string;
  private readonly journalShown: string;
  /** The journal this store appends to, while it does. */
  private journal: OpenJournal | undefined;
  /** The lineage and serial of the state file this store last read, and the file it read. */
  private seen: { lineage: string; serial: number; stamp: FileStamp } | undefined;
  /** The version this store last wrote, and the file it made (see storedNow). */
  private last: (StoredVersion & { stamp: FileStamp }) | undefined;
  private backedUp = false;

  /**
   * @param file the state file's absolute path
   * @param options.location how messages name it (default: the path itself)
   */
  constructor(
    readonly file: string,
    options: { location?: string } = {},
  ) {
    if (!path.isAbsolute(file)) {
      throw new AssistantsError('INTERNAL', `LocalStateStore needs an absolute path, not ${file}`, {
        kind: 'internal',
      });
    }
    this.location = options.location ?? file;
    this.backupPath = `${file}.backup`;
    this.lockPath = `${file}.lock`;
    this.lockShown = `${this.location}.lock`;
    this.journalPath = journalPathFor(file);
    this.journalShown = journalPathFor(this.location);
  }

  /**
   * The state with its journal applied. Read without the lock (another workspace's state, read by
   * gc and generate), the two reads can straddle a run that replaces the state file and then
   * removes the journal: the old state and no journal would miss what that run just made. So the
   * state file's stamp is taken before and after both reads, and a change means read again (a few
   * times; then STATE_CONFLICT, which such a caller takes as "unreadable"). Under the lock nothing
   * changes between the stamps, and one pass is all it costs.
   */
  async read(): Promise<StateDocument | undefined> {
    for (let attempt = 1; ; attempt++) {
      const before = await fileStamp(this.file);
      const state = await this.readFile();
      const journal = await this.readJournal();
      const after = await fileStamp(this.file);
      const steady = before && after ? sameStamp(before, after) : before === after;
      if (!steady) {
        if (attempt < READ_ATTEMPTS) continue;
        throw new AssistantsError(
          'STATE_CONFLICT',
          `${this.location} kept changing while it was read (${READ_ATTEMPTS} tries): another run is writing it`,
          { hint: 'run again once that run has finished' },
        );
      }
      if (!journal) return state;
      return replayJournal(state, journal, { state: this.location, journal: this.journalShown });
    }
  }

  async readJournal(): Promise<StoredJournal | undefined> {
    let text: string | undefined;
    try {
      text = await readOwnFile(this.journalPath, this.journalShown, 'journal');
    } catch (err) {
      if (err instanceof AssistantsError) throw err;
      throw new AssistantsError(
        'STATE_JOURNAL_CORRUPT',
        `${this.journalShown} could not be read: ${(err as Error).message}`,
        { hint: 'check that the path names a readable file', cause: err },
      );
    }
    return text === undefined ? undefined : parseJournal(text, this.journalShown);
  }

  /** The state file alone, as stored. */
  private async readFile(): Promise<StateDocument | undefined> {
    const before = await fileStamp(this.file);
    const doc = await this.parseFile();
    const after = await fileStamp(this.file);
    // Remembered only when the file did not change while it was read.
    this.seen =
      doc && before && after && sameStamp(before, after)
        ? { lineage: doc.lineage, serial: doc.serial, stamp: after }
        : undefined;
    return doc;
  }

  private async parseFile(): Promise<StateDocument | undefined> {
    let text: string | undefined;
    try {
      text = await readOwnFile(this.file, this.location, 'state file');
      if (text === undefined) return undefined;
    } catch (err) {
      if (err instanceof AssistantsError) throw err;
      throw new AssistantsError(
        'STATE_CORRUPT',
        `${this.location} could not be read: ${(err as Error).message}`,
        { hint: 'check that the path names a readable file', cause: err },
      );
    }
    try {
      return parseState(text, { file: this.location });
    } catch (err) {
      if (!(err instanceof AssistantsError) || err.code !== 'STATE_CORRUPT') throw err;
      // Only now is it worth a look for the backup; parsing again gives the error with that advice.
      return parseState(text, { file: this.location, hint: await this.corruptHint() });
    }
  }

  /** Never "delete it": the state is the only record of what was made. */
  private async corruptHint(): Promise<string> {
    const backup = `${this.location}.backup`;
    const exists = await stat(this.backupPath).then(
      () => true,
      () => false,
    );
    return exists
      ? `the version the last run started from is in ${backup}: compare the two and fix ${this.location} by hand (copying the backup over it forgets what that run made, which then stays in the account unmanaged)`
      : `fix ${this.location} by hand; keep it: it is the only record of the resources assistants-iac made`;
  }

  async write(doc: StateDocument): Promise<StateDocument> {
    // Read now: the caller may change `doc` once this returns.
    const prepared = prepareWrite(doc);
    const { content } = prepared;
    if (this.journal || (await this.readJournal())) {
      // Compared with the state as the log makes it, and written even when equal: the log goes.
      const stored = (await this.read()) as StateDocument;
      const plan = planWrite(stored && storedVersion(stored), prepared, this.location);
      if (plan.changed) return this.fold(plan, content);
      const kept = prepareWrite(stored);
      return this.fold(withSerial(kept, stored.serial, this.location), kept.content);
    }
    const plan = planWrite(await this.storedNow(), prepared, this.location);
    if (!plan.changed) return (await this.read()) as StateDocument;
    const stamp = await this.replaceAtomically(plan.text);
    this.last = { lineage: plan.doc.lineage, serial: plan.doc.serial, content, stamp };
    return plan.doc;
  }

  async replace(doc: StateDocument): Promise<StateDocument> {
    const prepared = prepareWrite(doc);
    if (await this.readJournal()) throw journalInTheWay(this.location);
    const written = withSerial(prepared, doc.serial, this.location);
    const stamp = await this.replaceAtomically(written.text);
    this.last = {
      lineage: written.doc.lineage,
      serial: written.doc.serial,
      content: prepared.content,
      stamp,
    };
    return written.doc;
  }

  async appendJournal(on: JournalBase, events: readonly JournalEvent[]): Promise<number> {
    if (events.length === 0) return on.serial;
    // Read now: the caller may change what the events hold once this returns. A new log numbers
    // from 1 on `on` (checked below against the state file, before anything is written).
    const lines = eventLines(events, (this.journal?.events ?? 0) + 1, this.journal?.base ?? on);
    if (!this.journal) {
      const left = await this.readJournal();
      // A log an earlier run left is folded in first: this run's begins on the state it makes.
      if (left) await this.compact((await this.read()) as StateDocument);
      const state = await this.fileVersion();
      const { base } = checkAppend(on, undefined, state, this.journalShown);
      await mkdir(path.dirname(this.journalPath), { recursive: true });
      const handle = await openOwnAppend(this.journalPath, this.journalShown, 'journal', true).catch(
        (err) => {
          if (err instanceof AssistantsError) throw err;
          throw journalWriteFailed(this.journalShown, err);
        },
      );
      this.journal = { handle, base, events: 0 };
      await this.appendText(headerLine(base) + lines);
      // The log's name in its folder must survive a crash too.
      await syncFolder(path.dirname(this.journalPath));
    } else {
      checkAppend(
        on,
        { base: this.journal.base, events: new Array(this.journal.events) },
        undefined,
        this.journalShown,
      );
      await this.appendText(lines);
    }
    this.journal.events += events.length;
    return this.journal.base.serial + this.journal.events;
  }

  /**
   * Appends to the open log and waits until it is on disk. An append that fails is cut off again,
   * so that the next one does not follow half a line.
   */
  private async appendText(text: string): Promise<void> {
    const handle = this.journal?.handle;
    if (!handle) throw journalWriteFailed(this.journalShown, new Error('the journal is not open'));
    const size = (await handle.stat()).size;
    try {
      await handle.appendFile(text, 'utf8');
      await handle.datasync();
    } catch (err) {
      await handle.truncate(size).catch(() => undefined);
      throw journalWriteFailed(this.journalShown, err);
    }
  }

  async compact(doc: StateDocument): Promise<StateDocument> {
    const journal = this.journal
      ? { base: this.journal.base, events: this.journal.events }
      : await this.readJournal().then((j) => j && { ...j, events: j.events.length });
    if (!journal) return doc;
    const { written, content } = compactedWrite(doc, journal, this.journalShown, this.location);
    return this.fold(written, content);
  }

  /**
   * Writes `text` as the state and removes the log, in an order a crash cannot break: the log is
   * marked first ("compacted into serial T"), so that a log left beside a state of serial T is
   * known to be in it already, and a state still at the log's base gets the log replayed.
   */
  private async fold(
    written: { doc: StateDocument; text: string },
    content: PreparedWrite['content'],
  ): Promise<StateDocument> {
    if (!this.journal) {
      const handle = await openOwnAppend(this.journalPath, this.journalShown, 'journal', false).catch(
        (err) => {
          if (err instanceof AssistantsError) throw err;
          throw journalWriteFailed(this.journalShown, err);
        },
      );
      this.journal = { handle, base: { lineage: '', stack: '', serial: 0 }, events: 0 };
      // A log left by a crash may end in a torn line: the mark must not follow half of one.
      const text = await readOwnFile(this.journalPath, this.journalShown, 'journal');
      const whole = Buffer.byteLength((text ?? '').slice(0, (text ?? '').lastIndexOf('\n') + 1));
      await handle.truncate(whole);
    }
    await this.appendText(compactedLine(written.doc.serial));
    const stamp = await this.replaceAtomically(written.text);
    await this.journal.handle.close().catch(() => undefined);
    this.journal = undefined;
    await rm(this.journalPath, { force: true }).catch((err) => {
      throw journalWriteFailed(this.journalShown, err);
    });
    await syncFolder(path.dirname(this.journalPath));
    this.last = { lineage: written.doc.lineage, serial: written.doc.serial, content, stamp };
    return written.doc;
  }

  /** The lineage and serial of the state file as stored now, without parsing it again if it was seen. */
  private async fileVersion(): Promise<{ lineage: string; serial: number } | undefined> {
    const stamp = await fileStamp(this.file);
    if (!stamp) return undefined;
    for (const known of [this.last, this.seen]) if (known && sameStamp(stamp, known.stamp)) return known;
    return this.readFile();
  }

  /**
   * What the file holds now: the version this store last wrote, while the file is still that one
   * (same inode, size and mtime), else read and checked again. Apply writes after every step;
   * reading back what it has just written would cost more than the write.
   */
  private async storedNow(): Promise<StoredVersion | undefined> {
    if (this.last) {
      const stamp = await fileStamp(this.file);
      if (stamp && sameStamp(stamp, this.last.stamp)) return this.last;
    }
    const doc = await this.readFile();
    return doc ? storedVersion(doc) : undefined;
  }

  /** Writes `text` as the state; returns the stamp of the file it made (read before the rename). */
  private async replaceAtomically(text: string): Promise<FileStamp> {
    const dir = path.dirname(this.file);
    const temp = path.join(
      dir,
      `.${path.basename(this.file)}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`,
    );
    try {
      await mkdir(dir, { recursive: true });
      const handle = await open(temp, 'wx', 0o600);
      let stamp: FileStamp;
      try {
        await writeInPieces(handle, text);
        await handle.sync();
        // From the file written, not from the path after the rename (which keeps inode and
        // mtime): a file put there in between is then not taken for ours.
        stamp = toStamp(await handle.stat({ bigint: true }));
      } finally {
        await handle.close();
      }
      if (!this.backedUp) this.backedUp = await this.keepBackup();
      await rename(temp, this.file);
      await syncFolder(dir);
      return stamp;
    } catch (err) {
      await rm(temp, { force: true }).catch(() => undefined);
      if (err instanceof AssistantsError) throw err;
      throw new AssistantsError(
        'STATE_WRITE_FAILED',
        `could not write ${this.location}: ${(err as Error).message}`,
        {
          hint: 'the state file was left as it was before this write; check the folder exists and is writable',
          cause: err,
        },
      );
    }
  }

  /**
   * Copies the current state (if any) to `.backup` before the first write of this store that
   * replaces one, so the version a run started from survives a bad run or a bad edit; true when
   * there was one to copy.
   */
  private async keepBackup(): Promise<boolean> {
    // Read through the checked open and written by rename: a pipe at either path must not hang
    // the write, and a folder at the backup path is named as such.
    const current = await readOwnFile(this.file, this.location, 'state file');
    if (current === undefined) return false;
    await checkOwnPath(this.backupPath, `${this.location}.backup`, 'state backup');
    const temp = `${this.backupPath}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`;
    try {
      const handle = await open(temp, 'wx', 0o600);
      try {
        await writeInPieces(handle, current);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, this.backupPath);
    } catch (err) {
      await rm(temp, { force: true }).catch(() => undefined);
      throw err;
    }
    return true;
  }

  async lock(operation: string, options: LockOptions): Promise<StateLock> {
    const info = newLockInfo(operation);
    const pollMs = Math.max(1, options.pollMs ?? DEFAULT_LOCK_POLL_MS);
    const started = Date.now();
    const deadline = started + Math.max(0, options.timeoutMs);
    await mkdir(path.dirname(this.lockPath), { recursive: true }).catch(() => undefined);
    for (;;) {
      if (await this.tryCreateLock(info)) return this.heldLock(info);
      const current = await this.readLock();
      if (current.state === 'absent') {
        // Released between our two looks: try again now. Unless something that cannot be opened
        // (a link that leads nowhere) is in the way, which would make this loop spin for ever.
        await checkOwnPath(this.lockPath, this.lockShown, 'lock');
        continue;
      }
      if (current.state === 'held' && holderLiveness(current.info) === 'dead') {
        await this.removeLock(current.info);
        continue;
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw lockedError(
          this.location,
          current.state === 'held' ? current.info : undefined,
          Date.now() - started,
          `${this.location}.lock`,
        );
      }
      await sleep(Math.min(pollMs, remaining));
    }
  }

  /** Creates the lock file exclusively; false when it exists already. */
  private async tryCreateLock(info: LockInfo): Promise<boolean> {
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(this.lockPath, 'wx', 0o600);
    } catch (err) {
      if (errno(err) === 'EEXIST') return false;
      await checkOwnPath(this.lockPath, this.lockShown, 'lock');
      throw lockWriteFailed(this.location, err);
    }
    try {
      await handle.writeFile(serializeLockInfo(info), 'utf8');
      await handle.sync();
      await handle.close();
    } catch (err) {
      await handle.close().catch(() => undefined);
      await rm(this.lockPath, { force: true }).catch(() => undefined);
      throw lockWriteFailed(this.location, err);
    }
    return true;
  }

  /** The lock file's content; a lock that is not a regular file is STATE_NOT_A_FILE, not a wait. */
  private async readLock(file = this.lockPath): Promise<LockFileContent> {
    let text: string | undefined;
    try {
      text = await readOwnFile(file, this.lockShown, 'lock');
    } catch (err) {
      if (err instanceof AssistantsError) throw err;
      return { state: 'unreadable' };
    }
    if (text === undefined) return { state: 'absent' };
    const info = parseLockInfo(text);
    return info ? { state: 'held', info } : { state: 'unreadable' };
  }

  /**
   * Removes the lock `seen` (a dead holder's, or the one force-unlock names); true when it did.
   * Another run may have removed it and taken its own lock since we looked, so the lock is first
   * moved aside and checked: if it is not `seen`, it is put back (with `link`, which refuses to
   * overwrite a lock taken in the meantime).
   */
  private async removeLock(seen: LockInfo): Promise<boolean> {
    const aside = `${this.lockPath}.${randomUUID().slice(0, 8)}.stale`;
    try {
      await rename(this.lockPath, aside);
    } catch (err) {
      if (errno(err) === 'ENOENT') return false;
      throw lockWriteFailed(this.location, err);
    }
    const moved = await this.readLock(aside).catch(() => ({ state: 'unreadable' }) as const);
    const same = moved.state === 'held' && moved.info.id === seen.id;
    if (!same) {
      await link(aside, this.lockPath).catch(async (err) => {
        // Filesystems without hard links: put it back by rename, the best that remains.
        if (errno(err) !== 'EEXIST') await rename(aside, this.lockPath).catch(() => undefined);
      });
    }
    await rm(aside, { force: true });
    return same;
  }

  private heldLock(info: LockInfo): StateLock {
    // So that an exit that cannot wait (a second Ctrl-C) still removes it: releaseHeldLocksSync.
    noteLockTaken(this.lockPath, info.id);
    return {
      info,
      release: async () => {
        const current = await this.readLock();
        // Removed by force-unlock and maybe taken by another run since: that lock is not ours.
        if (current.state === 'held' && current.info.id === info.id) {
          await rm(this.lockPath, { force: true }).catch((err) => {
            throw lockWriteFailed(this.location, err);
          });
        }
        noteLockReleased(this.lockPath, info.id);
      },
    };
  }

  /**
   * Removes the lock that carries `id`, unless its holder still runs on this host (a live pid
   * there), which takes `force`. A holder on another host cannot be checked from here: its lock
   * is removed, and the caller says so.
   */
  async forceUnlock(id: string, options: ForceUnlockOptions = {}): Promise<LockInfo> {
    const current = await this.readLock();
    const lockFile = this.lockShown;
    if (current.state === 'absent') throw lockNotFoundError(this.location, id, undefined, lockFile);
    if (current.state === 'unreadable') throw lockNotFoundError(this.location, id, 'unreadable', lockFile);
    if (current.info.id !== id) throw lockNotFoundError(this.location, id, current.info, lockFile);
    if (!options.force && holderLiveness(current.info) === 'alive')
      throw lockHolderAliveError(this.location, current.info);
    if (!(await this.removeLock(current.info))) {
      // Taken by another run between our look and the removal: that lock is not the one named.
      const now = await this.readLock().catch(() => ({ state: 'unreadable' }) as const);
      throw lockNotFoundError(
        this.location,
        id,
        now.state === 'held' ? now.info : now.state === 'absent' ? undefined : 'unreadable',
        lockFile,
      );
    }
    return current.info;
  }
}

function journalWriteFailed(shown: string, err: unknown): AssistantsError {
  return new AssistantsError(
    'STATE_WRITE_FAILED',
    `could not append to ${shown}: ${(err as Error).message}`,
    {
      hint: 'the state and its journal were left as they were before this write; check the folder is writable and the disk not full',
      cause: err,
    },
  );
}

function lockWriteFailed(location: string, err: unknown): AssistantsError {
  return new AssistantsError(
    'STATE_WRITE_FAILED',
    `could not update the lock of ${location}: ${(err as Error).message}`,
    { hint: 'check that the state folder exists and is writable', cause: err },
  );
}

/**
 * Fsyncs a folder so that a rename in it survives a crash. Some platforms (Windows) cannot open a
 * folder for syncing; the rename is done by then, so that is not worth failing the write for.
 */
async function syncFolder(dir: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // see above
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
