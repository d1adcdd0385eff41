import { toAssistantsError } from '../errors/index.js';
import type { OtherStates } from '../plan/skill-claims.js';
import { scanLocalWorkspaces } from '../state/local-workspaces.js';
import { type OpenedState, openState } from './open-state.js';
import type { CommandContext } from './program.js';

/**
 * The states of every other workspace beside `opened` (gc's and generate's proof of which skills
 * the stack manages): for the local backend, every workspace with a state or journal beside the
 * state file (`workspaces/NAME/`); for PostgreSQL, every row of the stack. Each is read as a read
 * does (its journal applied in memory, nothing written), without its lock: the caller reads the
 * account first (see gcWorkflow). A state that cannot be read is listed with why, not thrown.
 */
export async function otherWorkspaceStates(
  context: CommandContext,
  opened: OpenedState,
  files: readonly string[] = [],
): Promise<OtherStates> {
  const others: OtherStates = { workspace: opened.workspace, states: [], unreadable: [] };
  let names: string[];
  if (opened.backend === 'local') {
    // A workspace that cannot even be looked at is unreadable, never "none": it may hold skills.
    const scan = await scanLocalWorkspaces(opened.baseFile);
    names = scan.workspaces;
    others.unreadable.push(...scan.unreadable.filter((u) => u.workspace !== opened.workspace));
  } else names = await opened.store.workspaces();
  for (const workspace of names) {
    if (workspace === opened.workspace) continue;
    try {
      const { store } = await openState(context, {
        workspace,
        files,
        // Beside the state the run opened: the same file's workspaces, or the same stack's rows.
        ...(opened.backend === 'local' ? { state: opened.baseFile } : { stack: opened.stack }),
      });
      const state = await store.read();
      if (state) others.states.push({ workspace, state });
    } catch (err) {
      others.unreadable.push({ workspace, reason: toAssistantsError(err).message });
    }
  }
  return others;
}
