import { rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { AssistantsError } from '../errors/index.js';
import { counted } from '../render/diagnostics-text.js';
import { journalPathFor } from '../state/journal-log.js';
import { localWorkspaces } from '../state/local-workspaces.js';
import type { StateDocument } from '../state/state-document.js';
import { withStateLock } from '../state/state-store.js';
import { DEFAULT_WORKSPACE } from '../state/workspace-name.js';
import { parseDuration } from './duration.js';
import { EXIT } from './exit-codes.js';
import { type OpenedState, openState } from './open-state.js';
import type { CommandContext } from './program.js';

/** `assistants workspace list`: the workspaces with a state, the selected one marked. */
export async function runWorkspaceList(
  context: CommandContext,
  opts: { json?: boolean; file?: string[] },
): Promise<void> {
  context.json = opts.json === true;
  const opened = await openState(context, { files: opts.file });
  const names =
    opened.backend === 'local' ? await localWorkspaces(opened.baseFile) : await opened.store.workspaces();
  if (opts.json) context.io.stdout(`${JSON.stringify(names)}\n`);
  else {
    const listed = names.includes(opened.workspace) ? names : [...names, opened.workspace].sort();
    for (const name of listed)
      context.io.stdout(
        `${name === opened.workspace ? '*' : ' '} ${name}${names.includes(name) ? '' : ' (no state yet)'}\n`,
      );
  }
  context.exitCode = EXIT.OK;
}

/**
 * `assistants workspace delete NAME`: removes the state of a workspace that manages nothing, under
 * its lock. A state that still records resources (or calls of an unfinished run) is refused:
 * deleting it would leave them in the account with no record; destroy them first. So is one whose
 * `forgotten` holds a skill: that record is what keeps gc --skill-prefix from collecting a skill
 * `state rm` let go (skills carry no stamp), and it would go with the state.
 */
export async function runWorkspaceDelete(
  context: CommandContext,
  name: string,
  opts: { lockTimeout: string; file?: string[] },
): Promise<void> {
  if (name === DEFAULT_WORKSPACE)
    throw new AssistantsError('USAGE', 'the default workspace cannot be deleted', {
      hint: 'destroy its resources with `assistants destroy`; its state then records nothing',
    });
  const timeoutMs = parseDuration(opts.lockTimeout, '--lock-timeout');
  const opened = await openState(context, { workspace: name, files: opts.file });
  const { store } = opened;
  try {
    await withStateLock(store, 'workspace delete', { timeoutMs }, async () => {
      const doc = await store.read();
      if (!doc)
        throw new AssistantsError(
          'WORKSPACE_NOT_FOUND',
          `workspace "${name}" has no state (${store.location})`,
          {
            hint: 'assistants workspace list shows the workspaces that have one',
          },
        );
      const held = Object.keys(doc.resources).length;
      if (held > 0 || doc.pending.length > 0)
        throw new AssistantsError(
          'WORKSPACE_NOT_EMPTY',
          `workspace "${name}" still manages ${counted(held, 'resource')}${doc.pending.length > 0 ? ` and has ${counted(doc.pending.length, 'unsettled call')}` : ''}; deleting its state would leave them in the account with no record`,
          { hint: `destroy them first: assistants destroy --workspace ${name}` },
        );
      refuseForgottenSkills(doc, name);
      await dropState(opened);
    });
  } finally {
    // The lock made the workspace's folder; an empty one is not left behind, whatever happened.
    if (opened.backend === 'local') await rmdir(path.dirname(opened.file)).catch(() => undefined);
  }
  context.io.stdout(`Deleted workspace "${name}" (${store.location}).\n`);
  context.exitCode = EXIT.OK;
}

/** Refuses a state that let skills go with `state rm`: its record is all that keeps gc off them. */
function refuseForgottenSkills(doc: StateDocument, name: string): void {
  const skills = (doc.forgotten ?? []).filter((f) => f.kind === 'skill');
  if (skills.length === 0) return;
  const listed = skills.map((f) => `${f.address} (${f.id})`).join(', ');
  throw new AssistantsError(
    'WORKSPACE_NOT_EMPTY',
    `workspace "${name}" let go of ${counted(skills.length, 'skill')} with state rm (${listed}); skills carry no ownership stamp, so that record is all that keeps \`gc --skill-prefix\` from collecting them, and it would go with the state`,
    {
      hint: `import each into the workspace that is to keep it (\`assistants import ADDRESS ID --workspace OTHER\`), or delete it if nothing uses it; then take it off this state's \`forgotten\` (\`assistants state pull --workspace ${name}\`, edit, \`state push\`) and delete the workspace`,
    },
  );
}

/** Removes a workspace's state: its files (the lock goes on release), or its rows. */
async function dropState(opened: OpenedState): Promise<void> {
  if (opened.backend === 'postgres') return opened.store.drop();
  const { file } = opened;
  for (const each of [file, `${file}.backup`, journalPathFor(file), opened.hashCacheFile])
    await rm(each, { force: true });
}
