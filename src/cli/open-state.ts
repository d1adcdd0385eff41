import { realpathSync } from 'node:fs';
import path from 'node:path';
import { type RenderedFiles, renderedFilesIn } from '../apply/rendered-files.js';
import type { Desired } from '../model/desired.js';
import { journalPathFor } from '../state/journal-log.js';
import { LocalStateStore } from '../state/local-backend.js';
import type { CommandContext } from './program.js';

/**
 * The state store the global `--state PATH` names (default `.assistants/state.json`), resolved
 * against the working folder. Messages name it as given when it lies inside the working folder
 * (`.assistants/state.json`), else by its absolute path.
 */
export function openStateStore(context: CommandContext): LocalStateStore {
  const { io } = context;
  const file = path.resolve(io.cwd, context.globals().state);
  const relative = path.relative(io.cwd, file);
  const inside =
    relative !== '' &&
    relative !== '..' &&
    !relative.startsWith(`..${path.sep}`) &&
    !path.isAbsolute(relative);
  return new LocalStateStore(file, { location: inside ? relative.split(path.sep).join('/') : file });
}

/** The content-hash cache kept beside a state file. */
export function hashCacheFile(store: LocalStateStore): string {
  return `${store.file}.hashes.json`;
}

/**
 * The agents' rendered files of a run: below the working folder or a manifest root, never one of
 * the state's own files (the state, its backup, lock, journal and hash cache).
 */
export function renderedFilesFor(
  context: CommandContext,
  store: LocalStateStore,
  desired: Pick<Desired, 'roots'> | undefined,
  allowOutside: boolean,
): RenderedFiles {
  const { cwd } = context.io;
  const real = (folder: string) => {
    try {
      return realpathSync(folder);
    } catch {
      return folder;
    }
  };
  const stateFolder = real(path.dirname(store.file));
  const stateFile = path.join(stateFolder, path.basename(store.file));
  return renderedFilesIn(cwd, {
    roots: [cwd, real(cwd), ...(desired?.roots ?? [])],
    allowOutside,
    reserved: [stateFile, journalPathFor(stateFile)],
  });
}
