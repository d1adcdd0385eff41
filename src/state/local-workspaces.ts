import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
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

/** The workspaces that have a state file or a journal, sorted. */
export async function localWorkspaces(stateFile: string): Promise<string[]> {
  const found = [DEFAULT_WORKSPACE];
  const folder = path.join(path.dirname(stateFile), 'workspaces');
  const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) if (entry.isDirectory()) found.push(entry.name);
  return found
    .filter((workspace) => {
      const file = workspaceStateFile(stateFile, workspace);
      return existsSync(file) || existsSync(journalPathFor(file));
    })
    .sort();
}
