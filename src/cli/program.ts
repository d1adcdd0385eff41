import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { createStyle, type Style } from '../render/style.js';
import { DEFAULT_WORKSPACE } from '../state/workspace-name.js';
import { safeDecode } from '../util/safe-decode.js';
import { applyCommand, destroyCommand } from './apply-command.js';
import { emulatorCommand } from './emulator-command.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { forceUnlockCommand } from './force-unlock-command.js';
import { gcCommand } from './gc-command.js';
import { graphCommand } from './graph-command.js';
import { importCommand } from './import-command.js';
import { type Io, useColor } from './io.js';
import { migrateCommand } from './migrate-command.js';
import { outputCommand } from './output-command.js';
import { planCommand } from './plan-command.js';
import { redactingIo } from './redacting-io.js';
import { showCommand } from './show-command.js';
import { singleDashFlag } from './single-dash.js';
import { stateCommand } from './state-command.js';
import { validateCommand } from './validate-command.js';
import { workspaceCommand } from './workspace-command.js';

/** The global flags, as commander parses them (before any command's own). */
export interface GlobalOptions {
  /**
   * The state: a file, relative to the working folder unless absolute, or a `postgres://` URL
   * (--state, else ASSISTANTS_STATE, else `.assistants/state.json`).
   */
  state: string;
  /** --workspace, else ASSISTANTS_WORKSPACE, else `default`. */
  workspace: string;
  /** Whether --state or ASSISTANTS_STATE said where the state is (else the default is used). */
  stateGiven: boolean;
  /** Whether --workspace or ASSISTANTS_WORKSPACE named the workspace. */
  workspaceGiven: boolean;
  baseUrl?: string;
  color: boolean;
  debug?: boolean;
}

/** What commands share: the process I/O, the global flags, and the exit code they set. */
export interface CommandContext {
  io: Io;
  exitCode: ExitCode;
  /** Set by commands that print JSON, so errors are printed as JSON too. */
  json: boolean;
  style: () => Style;
  /** The global flags; read them in an action, once commander has parsed them. */
  globals: () => GlobalOptions;
  /** Run when the command ends, however it ends (closing a database connection, say). */
  cleanups: (() => Promise<void>)[];
}

/** Commander's output, with its usage errors in our `error[CODE]: message` form. */
function output(io: Io) {
  return {
    writeOut: io.stdout,
    writeErr: io.stderr,
    outputError: (text: string, write: (text: string) => void) =>
      write(text.replace(/^error: /, 'error[USAGE]: ')),
  };
}

/**
 * The passwords written into state URLs, as written and decoded: in the user part, or as a
 * `password=` parameter (the client takes one there too). The URL's other parameters are not secret.
 */
function stateUrlPasswords(...urls: (string | undefined)[]): string[] {
  return urls.flatMap((url) => {
    let parsed: URL;
    try {
      parsed = new URL(url ?? '');
    } catch {
      return [];
    }
    const written = [parsed.password, parsed.searchParams.get('password') ?? ''].filter(Boolean);
    return written.flatMap((password) => [password, safeDecode(password)]);
  });
}

/** `assistants completion bash|zsh|fish`: prints the shell's completion script (see completion.ts). */
function completionCommand(context: CommandContext, program: () => Command): Command {
  return new Command('completion')
    .description('print a shell completion script: eval "$(assistants completion bash)"')
    .argument('<shell>', 'bash, zsh or fish')
    .action(async (shell: string) => {
      const { completionScript } = await import('./completion.js');
      context.io.stdout(completionScript(program(), shell));
      context.exitCode = EXIT.OK;
    });
}

/** Runs the command's cleanups once; they never throw (a connection that is gone is closed). */
async function runCleanups(context: CommandContext): Promise<void> {
  const cleanups = context.cleanups.splice(0);
  await Promise.all(cleanups.map((cleanup) => cleanup().catch(() => undefined)));
}

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/**
 * Runs the CLI with `argv` (without node and script) and returns the exit code. Never throws and
 * never exits the process: the entry point sets the exit code, tests read it.
 */
export async function runCli(argv: readonly string[], rawIo: Io): Promise<number> {
  // Every byte of output goes through redaction: secrets reach output through messages that
  // quote servers and URLs, and no single renderer sees them all.
  const secrets = () => ({
    apiKey: rawIo.env.OPENAI_API_KEY,
    urls: [rawIo.env.OPENAI_BASE_URL, program.opts<{ baseUrl?: string }>().baseUrl],
    passwords: [rawIo.env.PGPASSWORD, ...stateUrlPasswords(rawIo.env.ASSISTANTS_STATE, program.opts().state)],
  });
  const io = redactingIo(rawIo, secrets);
  const program = new Command('assistants')
    .description('Declarative infrastructure as code for OpenAI files, vector stores and assistants.')
    .version(version, '-V, --version')
    .option(
      '--state <path|url>',
      'state file, or postgres://USER@HOST/DB for the shared backend (else ASSISTANTS_STATE; default .assistants/state.json)',
    )
    .option(
      '--workspace <name>',
      'which state of the stack: one per environment (else ASSISTANTS_WORKSPACE; default "default")',
    )
    .option('--base-url <url>', 'API base URL (else OPENAI_BASE_URL, else the SDK default)')
    .option('--no-color', 'plain output (also when NO_COLOR is set)')
    .option('--debug', 'show stack traces of internal errors, and the YAML files skipped as no manifests')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput(output(io));

  const context: CommandContext = {
    io,
    exitCode: EXIT.OK,
    json: false,
    style: () => createStyle(useColor(io, program.opts<{ color: boolean }>().color)),
    globals: () => {
      const opts = program.opts<Partial<GlobalOptions>>();
      return {
        ...opts,
        color: opts.color !== false,
        state: opts.state ?? (rawIo.env.ASSISTANTS_STATE || '.assistants/state.json'),
        workspace: opts.workspace ?? (rawIo.env.ASSISTANTS_WORKSPACE || DEFAULT_WORKSPACE),
        stateGiven: opts.state !== undefined || Boolean(rawIo.env.ASSISTANTS_STATE),
        workspaceGiven: opts.workspace !== undefined || Boolean(rawIo.env.ASSISTANTS_WORKSPACE),
      };
    },
    cleanups: [],
  };
  // addCommand does not pass settings down, so subcommands (state list, ...) get them here too.
  const configure = (command: Command): Command => {
    for (const sub of command.commands) configure(sub);
    return command.exitOverride().configureOutput(output(io));
  };
  for (const command of [
    validateCommand(context),
    planCommand(context),
    showCommand(context),
    applyCommand(context),
    destroyCommand(context),
    gcCommand(context),
    importCommand(context),
    migrateCommand(context),
    graphCommand(context),
    emulatorCommand(context),
    stateCommand(context),
    workspaceCommand(context),
    outputCommand(context),
    forceUnlockCommand(context),
    completionCommand(context, () => program),
  ]) {
    program.addCommand(configure(command));
  }

  try {
    const misspelled = singleDashFlag(argv, program);
    if (misspelled) throw misspelled;
    await program.parseAsync([...argv], { from: 'user' });
    await runCleanups(context);
    return context.exitCode;
  } catch (err) {
    await runCleanups(context);
    if (err instanceof CommanderError) {
      // Commander has printed its message (or the help); help and --version exit 0.
      return err.exitCode === 0 ? EXIT.OK : EXIT.ERROR;
    }
    const debug = program.opts<{ debug?: boolean }>().debug === true;
    const { handleError } = await import('./handle-error.js');
    return handleError(err, io, { debug, json: context.json, style: context.style(), secrets: secrets() });
  }
}
