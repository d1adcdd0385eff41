import { Command } from 'commander';
import { type StackFileFlags, stackFileOption } from './options.js';
import type { CommandContext } from './program.js';

/** The module that runs the workspace subcommands, loaded when one runs. */
const flow = () => import('./workspace-flow.js');

/**
 * `assistants workspace list | delete NAME`: the states of one stack, one per environment. There
 * is no `select`: every command takes --workspace (or ASSISTANTS_WORKSPACE), so that CI always
 * says which state it changes, and no file left behind picks one silently.
 */
export function workspaceCommand(context: CommandContext): Command {
  return new Command('workspace')
    .description('the states of this stack, one per environment (choose one with --workspace)')
    .addCommand(
      stackFileOption(new Command('list'))
        .description('the workspaces that have a state; * marks the one --workspace selects')
        .option('--json', 'an array of names')
        .action(async (opts: { json?: boolean } & StackFileFlags) =>
          (await flow()).runWorkspaceList(context, opts),
        ),
    )
    .addCommand(
      stackFileOption(new Command('delete'))
        .description('remove an empty workspace state (destroy its resources first)')
        .argument('<name>', 'the workspace')
        .option(
          '--lock-timeout <duration>',
          'how long to wait for another run to release the state lock',
          '0s',
        )
        .action(async (name: string, opts: { lockTimeout: string } & StackFileFlags) =>
          (await flow()).runWorkspaceDelete(context, name, opts),
        ),
    );
}
