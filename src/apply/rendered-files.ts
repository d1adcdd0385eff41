import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { AssistantsError } from '../errors/index.js';

/**
 * Agents' rendered files, by path relative to the working folder (an agent's `render_to`): the
 * only files apply writes besides the state. Apply and plan reach them through this port, so tests
 * can see what was written.
 */
export interface RenderedFiles {
  /** The file's text, or missing (absent, or not a regular file). */
  read(target: string): Promise<{ status: 'missing' } | { status: 'found'; text: string }>;
  /** Writes the text atomically: a temporary file beside it, flushed, renamed over it. */
  write(target: string, text: string): Promise<void>;
  /** Removes the file; a file already gone is no error. */
  remove(target: string): Promise<void>;
}

/** Larger files are not read back: no rendered request comes near it, so such a file is not ours. */
const MAX_RENDERED_BYTES = 16 * 1024 * 1024;

/** The rendered files under `cwd`, on disk. */
export function renderedFilesIn(cwd: string): RenderedFiles {
  const at = (target: string) => path.resolve(cwd, target);
  return {
    async read(target) {
      try {
        const info = await stat(at(target));
        if (!info.isFile()) return { status: 'missing' };
        if (info.size > MAX_RENDERED_BYTES) return { status: 'found', text: '' };
        return { status: 'found', text: await readFile(at(target), 'utf8') };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing' };
        throw unreadable(target, err);
      }
    },
    async write(target, text) {
      const file = at(target);
      const temp = `${file}.${randomUUID().slice(0, 8)}.tmp`;
      try {
        await mkdir(path.dirname(file), { recursive: true });
        const handle = await open(temp, 'wx', 0o644);
        try {
          await handle.writeFile(text, 'utf8');
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(temp, file);
      } catch (err) {
        await rm(temp, { force: true }).catch(() => {});
        throw new AssistantsError('STATE_WRITE_FAILED', `cannot write ${target}: ${messageOf(err)}`);
      }
    },
    async remove(target) {
      try {
        await rm(at(target), { force: true });
      } catch (err) {
        throw new AssistantsError('STATE_WRITE_FAILED', `cannot remove ${target}: ${messageOf(err)}`);
      }
    },
  };
}

function messageOf(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? String(err);
}

function unreadable(target: string, err: unknown): AssistantsError {
  return new AssistantsError('FILE_UNREADABLE', `cannot read ${target}: ${messageOf(err)}`);
}
