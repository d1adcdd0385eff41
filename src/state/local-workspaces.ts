import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { AssistantsError } from '../errors/index.js';
import { journalPathFor } from './journal-log.js';
import { DEFAULT_WORKSPACE } from './workspace-name.js';

/**
 * Where the local backend keeps each workspace's state: the default one in the state file itself
 * (`.assistants/state.json`), any other in `workspaces/NAME/` beside it
 * (`.assistants/workspaces/staging/state.json`), under the same file name.
 */
export function workspaceStateFile(stateFile: string, workspace: string): string {
  if (workspace === DEFAULT_WORKSPACE) return stateFile;
  return path.join(path.dirname(stateFile), 'workspaces', workspace, path.basename(stateFile));
}

/** The local workspaces as found, and those that could not be looked at (with why). */
export interface LocalWorkspaceScan {
  /** Those with a state file or a journal, sorted. */
  workspaces: string[];
  /**
   * Those whose folder or files could not be looked at (not "absent": any error but ENOENT or
   * ENOTDIR), sorted; when the `workspaces/` folder itself cannot be listed, one entry names it.
   * What such a workspace holds is unknown: gc and generate must collect or adopt no skill.
   */
  unreadable: { workspace: string; reason: string }[];
}

/** Not there (so there is nothing to read), as opposed to there but unreadable. */
const absent = (err: unknown) => ['ENOENT', 'ENOTDIR'].includes((err as NodeJS.ErrnoException).code ?? '');

/**
 * The workspaces beside `stateFile`. Only a missing `workspaces/` folder means "none besides the
 * default"; a folder that cannot be listed, or an entry that cannot be looked at, is unreadable,
 * never skipped. A symlink to a folder is followed (stat), as reading its state would.
 */
export async function scanLocalWorkspaces(stateFile: string): Promise<LocalWorkspaceScan> {
  const scan: LocalWorkspaceScan = { workspaces: [], unreadable: [] };
  const folder = path.join(path.dirname(stateFile), 'workspaces');
  const candidates = [DEFAULT_WORKSPACE];
  try {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      if (entry.isDirectory()) candidates.push(entry.name);
      else if (entry.isSymbolicLink()) {
        try {
          if ((await stat(path.join(folder, entry.name))).isDirectory()) candidates.push(entry.name);
        } catch (err) {
          // A link to nothing holds no state; one that cannot be followed may.
          if (!absent(err)) scan.unreadable.push({ workspace: entry.name, reason: reasonOf(err) });
        }
      }
    }
  } catch (err) {
    if (!absent(err))
      scan.unreadable.push({
        workspace: `(any in ${folder})`,
        reason: `it could not be listed: ${reasonOf(err)}`,
      });
  }
  for (const workspace of candidates) {
    const file = workspaceStateFile(stateFile, workspace);
    try {
      if ((await exists(file)) || (await exists(journalPathFor(file)))) scan.workspaces.push(workspace);
    } catch (err) {
      scan.unreadable.push({ workspace, reason: reasonOf(err) });
    }
  }
  scan.workspaces.sort();
  scan.unreadable.sort((a, b) => (a.workspace < b.workspace ? -1 : a.workspace > b.workspace ? 1 : 0));
  return scan;
}

/**
 * The workspaces that have a state file or a journal, sorted (for listings). One that cannot be
 * looked at is listed too (reading it then says why); a `workspaces/` folder that cannot be listed
 * is an error, not "none".
 */
export async function localWorkspaces(stateFile: string): Promise<string[]> {
  const { workspaces, unreadable } = await scanLocalWorkspaces(stateFile);
  const folder = unreadable.find((u) => u.workspace.startsWith('('));
  if (folder)
    throw new AssistantsError(
      'STATE_CORRUPT',
      `the workspaces beside ${stateFile} could not be read: ${folder.reason}`,
      {
        hint: 'check that the folder is readable',
      },
    );
  return [...workspaces, ...unreadable.map((u) => u.workspace)].sort();
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (err) {
    if (absent(err)) return false;
    throw err;
  }
}

function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
