import path from 'node:path';
import { AssistantsError } from '../errors/index.js';
import { counted } from '../render/diagnostics-text.js';
import { LocalStateStore } from '../state/local-backend.js';
import { localWorkspaces, workspaceStateFile } from '../state/local-workspaces.js';
import { readOwnFile } from '../state/regular-file.js';
import { contentText, parseState, serializeState } from '../state/state-codec.js';
import type { StateDocument } from '../state/state-document.js';
import { withStateLock } from '../state/state-store.js';
import { withSortedKeys } from '../util/sorted-keys.js';
import { parseDuration } from './duration.js';
import { EXIT } from './exit-codes.js';
import { type OpenedState, openState } from './open-state.js';
import type { CommandContext } from './program.js';

/**
 * `assistants state pull`: prints the state document (with any journal of an unfinished run folded
 * in, as the next run would read it), the same text a local state file holds. With no state yet
 * it prints nothing and says so on stderr.
 */
export async function runStatePull(context: CommandContext, opts: { file?: string[] }): Promise<void> {
  const { store } = await openState(context, { files: opts.file });
  const doc = await store.read();
  if (doc) context.io.stdout(serializeState(doc, store.location));
  else context.io.stderr(`note: ${store.location} has no state yet\n`);
  context.exitCode = EXIT.OK;
}

/**
 * `assistants state push FILE`: stores FILE's document as this state, under the lock. Refused
 * (STATE_PUSH_REFUSED) unless --force: a document of another lineage than the stored one (another
 * stack's, or a state made afresh); an older serial of the same lineage (it would forget what runs
 * since then made), or the same serial with other content (the two went separate ways); and a
 * lineage that another workspace's state holds (both would own the same resources). The same
 * content writes nothing. The stored serial keeps rising: the document gets its own serial or one
 * above the stored one, whichever is higher. Never over a journal of an unfinished run.
 */
export async function runStatePush(
  context: CommandContext,
  file: string,
  opts: { force?: boolean; lockTimeout: string; file?: string[] },
): Promise<void> {
  const { io } = context;
  const lockTimeoutMs = parseDuration(opts.lockTimeout, '--lock-timeout');
  const absolute = path.resolve(io.cwd, file);
  const text = await readOwnFile(absolute, file, 'state file');
  if (text === undefined)
    throw new AssistantsError('STATE_PUSH_REFUSED', `${file} does not exist`, {
      hint: 'give the file that `assistants state pull > FILE` wrote, or a state.json',
    });
  const pushed = parseState(text, { file });
  // With no -f, the row is that of the document's own stack (a PostgreSQL state).
  const opened = await openState(context, {
    files: opts.file,
    stack: opts.file?.length ? undefined : pushed.stack,
  });
  const { store } = opened;
  if (opened.backend === 'postgres' && opened.stack !== pushed.stack)
    throw new AssistantsError(
      'STACK_MISMATCH',
      `${file} is the state of stack "${pushed.stack}", but ${store.location} is the row of stack "${opened.stack}"`,
      { hint: 'push it without -f (the document names its stack), or with the manifests of that stack' },
    );
  const force = opts.force === true;
  const written = await withStateLock(store, 'state push', { timeoutMs: lockTimeoutMs }, async () => {
    const stored = await store.read();
    if (stored && sameContent(stored, pushed)) return undefined;
    if (!force) {
      if (stored) refuseOver(stored, pushed, file, store.location);
      const elsewhere = await lineageElsewhere(opened, pushed.lineage);
      if (elsewhere)
        throw new AssistantsError(
          'STATE_PUSH_REFUSED',
          `${file} has lineage ${pushed.lineage}, which ${elsewhere} holds already: two states of one lineage would both own the same resources`,
          {
            hint: 'each workspace keeps a state of its own; --force pushes it anyway (then destroy in one deletes what the other uses)',
          },
        );
    }
    const serial = Math.max(pushed.serial, (stored?.serial ?? 0) + (stored ? 1 : 0));
    return store.replace({ ...pushed, serial });
  });
  if (!written) {
    io.stdout(`${store.location} already holds the state in ${file}; nothing was written.\n`);
    context.exitCode = EXIT.OK;
    return;
  }
  io.stdout(
    `Pushed ${file} to ${store.location}: lineage ${written.lineage}, serial ${written.serial}, ${counted(Object.keys(written.resources).length, 'resource')}.\n`,
  );
  context.exitCode = EXIT.OK;
}

/** Another state of this stack (PostgreSQL: of any stack) that has `lineage`, in words. */
async function lineageElsewhere(opened: OpenedState, lineage: string): Promise<string | undefined> {
  if (opened.backend === 'postgres') return opened.store.lineageElsewhere(lineage);
  for (const workspace of await localWorkspaces(opened.baseFile)) {
    if (workspace === opened.workspace) continue;
    const file = workspaceStateFile(opened.baseFile, workspace);
    const other = await new LocalStateStore(file).read().catch(() => undefined);
    if (other?.lineage === lineage) return `workspace ${workspace} (${file})`;
  }
  return undefined;
}

/** Whether two documents hold the same content, whatever their serials and key order. */
function sameContent(a: StateDocument, b: StateDocument): boolean {
  return contentText(withSortedKeys(a)) === contentText(withSortedKeys(b));
}

function refuseOver(stored: StateDocument, pushed: StateDocument, file: string, location: string): void {
  if (stored.lineage !== pushed.lineage)
    throw new AssistantsError(
      'STATE_PUSH_REFUSED',
      `${file} has lineage ${pushed.lineage}, but ${location} holds lineage ${stored.lineage}: another state's history`,
      {
        hint: 'check you are pushing to the right stack and workspace; --force replaces the stored state, which then no longer records what it made',
      },
    );
  if (pushed.serial <= stored.serial)
    throw new AssistantsError(
      'STATE_PUSH_REFUSED',
      pushed.serial === stored.serial
        ? `${file} has serial ${pushed.serial}, as ${location} has, but other content: the two went separate ways from one state`
        : `${file} has serial ${pushed.serial}, older than the serial ${stored.serial} that ${location} holds`,
      {
        hint: 'pull the newer state first (`assistants state pull`); --force pushes the older one, forgetting what runs since then recorded',
      },
    );
}
