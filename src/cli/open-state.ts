import path from 'node:path';
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
