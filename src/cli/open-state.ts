import { realpathSync } from 'node:fs';
import path from 'node:path';
import { type RenderedFiles, renderedFilesIn } from '../apply/rendered-files.js';
import { AssistantsError } from '../errors/index.js';
import { stackNamedBy } from '../manifest/stack-name.js';
import type { Desired } from '../model/desired.js';
import { journalPathFor } from '../state/journal-log.js';
import { LocalStateStore } from '../state/local-backend.js';
import { workspaceStateFile } from '../state/local-workspaces.js';
import { isPostgresUrl, type PgTarget, parsePgUrl } from '../state/pg-url.js';
import type { PostgresStateStore } from '../state/postgres-backend.js';
import { checkWorkspaceName } from '../state/workspace-name.js';
import type { CommandContext } from './program.js';

/** A run's state: the store, and the local files that go with it. */
export type OpenedState = LocalState | PostgresState;

interface LocalState extends OpenedCommon {
  backend: 'local';
  store: LocalStateStore;
  /** The workspace's state file. */
  file: string;
  /** The default workspace's state file, beside which the others live. */
  baseFile: string;
}

interface PostgresState extends OpenedCommon {
  backend: 'postgres';
  store: PostgresStateStore;
  /** The stack whose row it is. */
  stack: string;
}

interface OpenedCommon {
  workspace: string;
  /**
   * The content-hash cache: beside a local state file; for a shared backend, in `.assistants/`
   * under the working folder (it only spares re-reading files, so a fresh checkout just starts a new one).
   */
  hashCacheFile: string;
  /** The state's own files, which an agent's rendered file must never be. */
  reserved: string[];
}

/**
 * What a command knows that picks its state: the workspace, when not the global one, and where the
 * manifests are, for a shared backend that keys its rows by the stack they name.
 */
export interface OpenOptions {
  /** A workspace other than the global flag's (`workspace delete NAME`). */
  workspace?: string;
  /** A state other than the global flag's (a saved plan's, when no flag names one). */
  state?: string;
  /** The stack, when the command knows it already (import --generate names the one it makes). */
  stack?: string;
  /** The -f arguments (none: the working folder). */
  files?: readonly string[];
  allowOutsideRoot?: boolean;
  /**
   * Whether the command reads the manifests anyway: then, with none found, the stack is "default"
   * and the command's own validation says what is missing; otherwise that is STATE_STACK_UNKNOWN.
   */
  readsManifests?: boolean;
}

/**
 * The state the global `--state` (else ASSISTANTS_STATE, else `.assistants/state.json`) and
 * `--workspace` (else ASSISTANTS_WORKSPACE, else `default`) name. A path is resolved against the
 * working folder, and a non-default workspace lives in `workspaces/NAME/` beside it; a
 * `postgres://` URL selects the PostgreSQL backend, whose row is keyed by the stack the manifests
 * name (or `?stack=` in the URL). The store is closed when the command ends.
 */
export async function openState(context: CommandContext, source: OpenOptions = {}): Promise<OpenedState> {
  const { io } = context;
  const globals = context.globals();
  const state = source.state ?? globals.state;
  const global = globals.workspace;
  const workspace = checkWorkspaceName(source.workspace ?? global);
  if (isPostgresUrl(state)) {
    const target = parsePgUrl(state, io.env);
    const found = await stackFor(context, source, target);
    const stack = typeof found === 'string' ? found : UNKNOWN_STACK;
    const { PostgresStateStore } = await import('../state/postgres-backend.js');
    const refusal = typeof found === 'string' ? undefined : found;
    const store = new PostgresStateStore(target, stack, workspace, { refusal });
    const hashCacheFile = path.join(io.cwd, '.assistants', 'hashes.json');
    context.cleanups.push(() => store.close());
    return {
      backend: 'postgres',
      store,
      workspace,
      stack,
      hashCacheFile,
      reserved: [hashCacheFile],
    };
  }
  const baseFile = path.resolve(io.cwd, state);
  const file = workspaceStateFile(baseFile, workspace);
  const store = new LocalStateStore(file, { location: shownPath(file, io.cwd) });
  return {
    backend: 'local',
    store,
    workspace,
    file,
    baseFile,
    hashCacheFile: `${file}.hashes.json`,
    reserved: [file, journalPathFor(file)],
  };
}

/**
 * The stack whose row a PostgreSQL state uses: the one the command knows, else the one the
 * manifests name, else `?stack=` in the URL. A URL that names another stack than the manifests is
 * refused: a run would write one stack's state into another's row. Without a stack from either,
 * STATE_STACK_UNKNOWN: at once, or, for a command that validates the manifests itself, returned,
 * so that the store refuses its first use with it (the validation's located errors come first).
 * The stack is never guessed.
 */
async function stackFor(
  context: CommandContext,
  source: OpenOptions,
  target: PgTarget,
): Promise<string | AssistantsError> {
  const named = source.stack
    ? { stack: source.stack }
    : await stackNamedBy(source.files ?? [], context.io.cwd, {
        allowOutsideRoot: source.allowOutsideRoot === true,
        env: context.io.env,
      });
  if (target.stack !== undefined) {
    if (named.stack !== undefined && named.stack !== target.stack)
      throw new AssistantsError(
        'STACK_MISMATCH',
        `the state URL names stack "${target.stack}", but ${source.stack ? 'the state' : 'the manifests'} name${source.stack ? 's' : ''} stack "${named.stack}"`,
        {
          hint: 'drop ?stack= from the URL (the manifests say which stack), or run against the manifests of that stack',
        },
      );
    return target.stack;
  }
  if (named.stack !== undefined) return named.stack;
  const unknown = new AssistantsError(
    'STATE_STACK_UNKNOWN',
    `the PostgreSQL state at ${target.display} keeps one row per stack, and ${named.problem ?? 'no manifest here says which stack this is'}`,
    {
      hint: 'run in the stack\'s folder (or pass -f), or name the stack in the URL: --state "postgres://…?stack=NAME"',
    },
  );
  if (source.readsManifests) return unknown;
  throw unknown;
}

/** How messages name the stack of a store that refuses every use (see stackFor). */
const UNKNOWN_STACK = '(unknown)';

/** A path as messages show it: relative when it lies inside the working folder. */
function shownPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  const inside =
    relative !== '' &&
    relative !== '..' &&
    !relative.startsWith(`..${path.sep}`) &&
    !path.isAbsolute(relative);
  return inside ? relative.split(path.sep).join('/') : file;
}

/**
 * The agents' rendered files of a run: below the working folder or a manifest root, never one of
 * the state's own files (the state, its backup, lock, journal and hash cache).
 */
export function renderedFilesFor(
  context: CommandContext,
  opened: OpenedState,
  desired: Pick<Desired, 'roots'> | undefined,
  allowOutside: boolean,
): RenderedFiles {
  const { cwd } = context.io;
  const real = (file: string) => path.join(realFolder(path.dirname(file)), path.basename(file));
  return renderedFilesIn(cwd, {
    roots: [cwd, realFolder(cwd), ...(desired?.roots ?? [])],
    allowOutside,
    reserved: opened.reserved.map(real),
  });
}

function realFolder(folder: string): string {
  try {
    return realpathSync(folder);
  } catch {
    return folder;
  }
}
