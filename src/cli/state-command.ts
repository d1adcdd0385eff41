import { Command } from 'commander';
import { ADDRESS_FORMS } from '../model/kinds.js';
import { type StackFileFlags, stackFileOption } from './options.js';
import type { CommandContext } from './program.js';

/** The module that runs the state subcommands, loaded when one runs (not for --help). */
const flow = () => import('./state-flow.js');

/**
 * `assistants state list | show ADDR | rm ADDR... | mv FROM TO | pull | push FILE`: read the state,
 * forget or rename resources in it, and move it between backends.
 * `list` and `show` read the state alone. `rm` and `mv` write, under the state lock; they delete
 * nothing, and call the API only for this state's stamp (taken off what `rm` forgets, written anew
 * on what `mv` renames).
 */
export function stateCommand(context: CommandContext): Command {
  return new Command('state')
    .description('inspect the state, or forget resources in it (nothing is deleted in the API)')
    .addCommand(listCommand(context))
    .addCommand(showCommand(context))
    .addCommand(rmCommand(context))
    .addCommand(mvCommand(context))
    .addCommand(pullCommand(context))
    .addCommand(pushCommand(context));
}

/** The module of state pull and push, loaded when one runs. */
const transfer = () => import('./state-transfer-flow.js');

function pullCommand(context: CommandContext): Command {
  return stackFileOption(new Command('pull'))
    .description('print the state document (to keep a copy, or to move the state to another backend)')
    .action(async (opts: StackFileFlags) => (await transfer()).runStatePull(context, opts));
}

function pushCommand(context: CommandContext): Command {
  return stackFileOption(new Command('push'))
    .description(
      'store FILE (from state pull, or a state.json) as this state; refuses another lineage or an older serial unless --force',
    )
    .argument('<file>', 'the state document to store')
    .option('--force', 'replace a state of another lineage, or a newer serial')
    .option('--lock-timeout <duration>', 'how long to wait for another run to release the state lock', '0s')
    .action(async (file: string, opts: { force?: boolean; lockTimeout: string } & StackFileFlags) =>
      (await transfer()).runStatePush(context, file, opts),
    );
}

function listCommand(context: CommandContext): Command {
  return stackFileOption(new Command('list'))
    .description('addresses in the state, sorted; PREFIX narrows them (file, vector_store.kb, ...)')
    .argument('[prefix]', 'a kind, or an address or its leading part, whole names only')
    .option('--json', 'an array of {address, kind, id}')
    .action(async (prefix: string | undefined, opts: { json?: boolean } & StackFileFlags) =>
      (await flow()).runStateList(context, prefix, opts),
    );
}

function showCommand(context: CommandContext): Command {
  return stackFileOption(new Command('show'))
    .description('one resource as the state records it: id, kind, protect, dependencies, attributes')
    .argument('<address>', `the resource's address (${ADDRESS_FORMS})`)
    .option('--json', 'the resource as stored')
    .action(async (address: string, opts: { json?: boolean } & StackFileFlags) =>
      (await flow()).runStateShow(context, address, opts),
    );
}

function mvCommand(context: CommandContext): Command {
  return stackFileOption(new Command('mv'))
    .description(
      'rename resources in the state (after renaming them in the manifests): nothing is re-created. A store takes its memberships along; a prefix ending in / moves every address under it',
    )
    .argument('<from>', `the address the state holds now (${ADDRESS_FORMS}), or a prefix ending in /`)
    .argument('<to>', 'the address to hold it at, of the same kind (a prefix for a prefix)')
    .option('--dry-run', 'print what would move, and change nothing')
    .option('--lock-timeout <duration>', 'how long to wait for another run to release the state lock', '0s')
    .option(
      '--keep-stamps',
      "do not call the API to write the moved stores' and assistants' ownership stamps anew (the next apply does)",
    )
    .action(
      async (
        from: string,
        to: string,
        opts: { dryRun?: boolean; lockTimeout: string; keepStamps?: boolean } & StackFileFlags,
      ) => (await flow()).runStateMv(context, from, to, opts),
    );
}

function rmCommand(context: CommandContext): Command {
  return stackFileOption(new Command('rm'))
    .description(
      'forget resources: they stay in the API but are no longer managed (nothing is deleted). All or none are removed',
    )
    .argument('<addresses...>', 'addresses of the resources to forget (a store takes its memberships along)')
    .option('--lock-timeout <duration>', 'how long to wait for another run to release the state lock', '0s')
    .option(
      '--keep-stamps',
      'do not call the API to take the ownership stamp off forgotten stores and assistants (the state records them instead)',
    )
    .action(async (args: string[], opts: { lockTimeout: string; keepStamps?: boolean } & StackFileFlags) =>
      (await flow()).runStateRm(context, args, opts),
    );
}
