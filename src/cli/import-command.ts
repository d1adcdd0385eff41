import { Command } from 'commander';
import { ADDRESS_FORMS } from '../model/kinds.js';
import type { ImportFlags } from './import-flow.js';
import { manifestFileOption } from './options.js';
import type { CommandContext } from './program.js';

/**
 * `assistants import ADDRESS ID`: take an existing resource under an address the manifests define,
 * without re-creating it. Only the state changes; the next plan shows how the live resource
 * differs from the manifests, and apply brings it in line (and stamps it). With `--generate DIR`,
 * manifests and a new state for the whole account instead (see generate-flow.ts).
 */
export function importCommand(context: CommandContext): Command {
  return new Command('import')
    .description('adopt an existing resource into the state under an address the manifests define')
    .argument('[address]', ADDRESS_FORMS)
    .argument('[id]', "the resource's id (for a membership: the file's id)")
    .option(
      '--generate <dir>',
      'instead: write DIR/assistants.yaml and a new state for everything in the account no other state owns',
    )
    .option('--stack <name>', 'with --generate: the stack name (default: the folder name)')
    .option(
      '--skill-prefix <prefix>',
      'with --generate: adopt the skills whose name starts with PREFIX (skills carry no ownership stamp: without it, none)',
    )
    .addOption(manifestFileOption())
    .option('--force', 'take a resource that another state has stamped as its own')
    .option('--lock-timeout <duration>', 'how long to wait for the state lock', '0s')
    .option('--allow-outside-root', 'accept referenced paths that resolve outside the manifest root')
    .action(async (address: string | undefined, id: string | undefined, flags: ImportFlags) =>
      (await import('./import-flow.js')).runImport(context, address, id, flags),
    );
}
