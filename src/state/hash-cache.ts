import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { AssistantsError } from '../errors/index.js';
import { compareCodeUnits } from '../model/order.js';
import { readOwnFile } from './regular-file.js';
import { writeAtomically } from './write-atomically.js';

interface Entry {
  bytes: number;
  mtime_ms: number;
  sha256: string;
}

const CACHE_VERSION = 1;

/**
 * Content hashes of local files keyed by absolute path, size and mtime, so that planning an
 * unchanged tree reads no file content. Filled by the plan's hash step and by apply's uploads (which
 * hash what they send). It is only a cache: a missing or unreadable one is rebuilt, never an error.
 * Entries neither looked up nor set in a run are dropped when it is saved.
 */
export class HashCache {
  private readonly used = new Map<string, Entry>();
  private changed = false;

  private constructor(
    private readonly file: string,
    private known: ReadonlyMap<string, Entry>,
  ) {}

  /**
   * The cache in `file`; empty when it is absent or damaged. A folder, pipe, socket or device at
   * that path (or a file above it) is STATE_NOT_A_FILE: reading a pipe would hang the run, and
   * writing over such a thing would fail or destroy what someone put there.
   */
  static async load(file: string): Promise<HashCache> {
    let known = new Map<string, Entry>();
    let text: string | undefined;
    try {
      text = await readOwnFile(file, file, 'hash cache');
    } catch (err) {
      if (err instanceof AssistantsError) throw err;
      // Unreadable: start empty; the hashes are recomputed.
    }
    try {
      const parsed = JSON.parse(text ?? '{}') as { version?: number; entries?: unknown };
      if (parsed.version === CACHE_VERSION && parsed.entries && typeof parsed.entries === 'object')
        known = new Map(Object.entries(parsed.entries as Record<string, Entry>));
    } catch {
      // Damaged: start empty; the hashes are recomputed.
    }
    return new HashCache(file, known);
  }

  /** The cached hash if the file still has this size and mtime. */
  get(filePath: string, bytes: number, mtimeMs: number): string | undefined {
    const entry = this.known.get(filePath);
    if (!entry || entry.bytes !== bytes || entry.mtime_ms !== mtimeMs || typeof entry.sha256 !== 'string')
      return undefined;
    this.used.set(filePath, entry);
    return entry.sha256;
  }

  /** Files `sha256` under this size and mtime; the caller vouches the file had both while it was read. */
  set(filePath: string, bytes: number, mtimeMs: number, sha256: string): void {
    this.used.set(filePath, { bytes, mtime_ms: mtimeMs, sha256 });
    this.changed = true;
  }

  /**
   * Writes the cache (temp file + rename) when something was added or dropped since it was loaded or
   * last saved; it may be saved again after more is set (apply saves after hashing and after uploads).
   */
  async save(): Promise<void> {
    if (!this.changed && this.used.size === this.known.size) return;
    const entries = Object.fromEntries([...this.used].sort(([a], [b]) => compareCodeUnits(a, b)));
    try {
      await mkdir(path.dirname(this.file), { recursive: true });
      // Not flushed: a cache lost in a crash costs only time on the next run.
      const text = `${JSON.stringify({ version: CACHE_VERSION, entries }, null, 2)}\n`;
      await writeAtomically(this.file, text, { sync: false });
      this.known = new Map(this.used);
      this.changed = false;
    } catch {
      // A cache that cannot be written costs only time on the next run.
    }
  }
}
