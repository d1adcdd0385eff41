import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { AssistantsError } from '../errors/index.js';
import { isInside, realFolder } from '../manifest/confined-path.js';
import { readRegularText } from '../manifest/read-text.js';
import { writeAtomically } from '../state/write-atomically.js';

/**
 * Agents' rendered files, by path relative to the working folder (an agent's `render_to`): the
 * only files apply writes besides the state. Apply and plan reach them through this port, so tests
 * can see what was written.
 */
export interface RenderedFiles {
  /**
   * The file's text; `null` for one that cannot be a rendered request (a link, or larger than any
   * request), which is never overwritten or removed; missing when there is none.
   */
  read(target: string): Promise<{ status: 'missing' } | { status: 'found'; text: string | null }>;
  /** Writes the text atomically: a temporary file beside it, flushed, renamed over it. */
  write(target: string, text: string): Promise<void>;
  /** Removes the file; a file already gone is no error. */
  remove(target: string): Promise<void>;
  /**
   * Where `target` is, its folders' links followed (so two names of one file give one answer);
   * refused as the other methods refuse it.
   */
  where(target: string): Promise<string>;
}

/**
 * Whether an error is a path refused by RenderedFiles (outside where agents are written, or a file
 * of the state): callers that only read or tidy up leave such a path alone instead of failing.
 */
export function isRefused(err: unknown): err is AssistantsError {
  return (
    err instanceof AssistantsError &&
    (err.code === 'PATH_OUTSIDE_ROOT' || err.code === 'RENDER_TARGET_EXISTS')
  );
}

/** Larger files are not read back: no rendered request comes near it, so such a file is not ours. */
const MAX_RENDERED_BYTES = 16 * 1024 * 1024;

export interface RenderedFilesOptions {
  /** Where rendered files may be: the working folder and the manifest roots (real paths). */
  roots: readonly string[];
  /** --allow-outside-root: anywhere. */
  allowOutside?: boolean;
  /** Files no agent may write or remove, whatever the state says: the state's own (and their prefix). */
  reserved: readonly string[];
}

/**
 * The rendered files on disk, relative to `cwd`. Every path is checked just before it is used, not
 * only when the manifests were validated: the state that names it may have been edited, and a
 * folder on the way may have become a link since. A path outside the roots (after links), or one of
 * the reserved files, is refused with PATH_OUTSIDE_ROOT or RENDER_TARGET_EXISTS.
 */
export function renderedFilesIn(cwd: string, options: RenderedFilesOptions): RenderedFiles {
  const roots = options.roots.map((root) => path.resolve(root));
  const inside = (file: string) =>
    options.allowOutside === true || roots.some((root) => isInside(root, file));

  /** The absolute path of `target`, with its folder's links followed; refused when it leads elsewhere. */
  async function located(target: string): Promise<string> {
    const written = path.resolve(cwd, target);
    const folder = await realFolder(path.dirname(written));
    const file = path.join(folder, path.basename(written));
    if (!inside(written) || !inside(file))
      throw new AssistantsError(
        'PATH_OUTSIDE_ROOT',
        `${target} is outside the working folder and the manifest roots`,
        {
          hint: 'a rendered file is written and removed only there; the state may have been edited',
        },
      );
    if (options.reserved.some((reserved) => file === reserved || file.startsWith(`${reserved}.`)))
      throw new AssistantsError(
        'RENDER_TARGET_EXISTS',
        `${target} is a file of the state; no agent is written there`,
      );
    return file;
  }

  return {
    async read(target) {
      const file = await located(target);
      // Opened without following a link at the last step, and checked through the handle: a link,
      // a FIFO or an oversized file is not one apply wrote.
      const read = await readRegularText(file, MAX_RENDERED_BYTES);
      if ('text' in read) return { status: 'found', text: read.text };
      if (read.kind !== 'error' || read.code === 'ELOOP') return { status: 'found', text: null };
      if (read.code === 'ENOENT') return { status: 'missing' };
      throw failed('FILE_UNREADABLE', 'read', target, read.code);
    },
    async write(target, text) {
      // Checked before the folders are made, and again after: one of them may have become a link.
      await located(target);
      await mkdir(path.dirname(path.resolve(cwd, target)), { recursive: true }).catch((err: unknown) => {
        throw failed('RENDER_WRITE_FAILED', 'write', target, err);
      });
      const file = await located(target);
      await writeAtomically(file, text).catch((err: unknown) => {
        throw failed('RENDER_WRITE_FAILED', 'write', target, err);
      });
    },
    where: located,
    async remove(target) {
      const file = await located(target);
      await rm(file, { force: true }).catch((err: unknown) => {
        throw failed('RENDER_WRITE_FAILED', 'remove', target, err);
      });
    },
  };
}

function failed(
  code: 'FILE_UNREADABLE' | 'RENDER_WRITE_FAILED',
  verb: string,
  target: string,
  err: unknown,
): AssistantsError {
  return new AssistantsError(
    code,
    `cannot ${verb} ${target}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
  );
}
