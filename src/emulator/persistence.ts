import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EmulatorCore } from './core.js';
import { restoreData, snapshotData } from './records.js';

const FORMAT_VERSION = 1;

/**
 * `--data DIR`: the emulator's objects, clock offset and id generator in `DIR/state.json`
 * (file contents in `DIR/files/`). Saved shortly after each change (changes in a burst share one
 * write) and on close, by write-then-rename, so a crash leaves the previous snapshot intact.
 */
export class Persistence {
  private timer: NodeJS.Timeout | undefined;
  private readonly path: string;

  constructor(
    dataDir: string,
    private readonly core: EmulatorCore,
    private readonly onError: (err: unknown) => void = () => {},
  ) {
    mkdirSync(dataDir, { recursive: true });
    this.path = join(dataDir, 'state.json');
  }

  /** Loads a saved snapshot into the core; returns false when there is none yet. */
  load(): boolean {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
    const saved = JSON.parse(text) as {
      format_version: number;
      data: unknown;
      clock_offset_seconds: number;
      id_position: number;
    };
    if (saved.format_version !== FORMAT_VERSION) {
      throw new Error(
        `${this.path} has format ${saved.format_version}; this emulator reads ${FORMAT_VERSION}`,
      );
    }
    this.core.data = restoreData(saved.data);
    this.core.clock.restore(saved.clock_offset_seconds);
    this.core.idRandom.position = saved.id_position;
    return true;
  }

  scheduleSave(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      try {
        this.save();
      } catch (err) {
        // A failed background save (disk full, folder gone) must not stop the server; the next
        // change or the save on stop tries again.
        this.onError(err);
      }
    }, 50);
    this.timer.unref();
  }

  save(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const snapshot = {
      format_version: FORMAT_VERSION,
      data: snapshotData(this.core.data),
      clock_offset_seconds: this.core.clock.offsetSeconds,
      id_position: this.core.idRandom.position,
    };
    const partial = `${this.path}.partial`;
    writeFileSync(partial, JSON.stringify(snapshot));
    renameSync(partial, this.path);
  }
}
