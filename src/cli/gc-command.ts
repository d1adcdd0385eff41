import { Command, Option } from 'commander';
import type { GcFlags } from './gc-flow.js';
import { manifestFileOption } from './options.js';
import type { CommandContext } from './program.js';

/**
 * `assistants gc`: delete expired stores of this state and the files only they used, and
 * resources this state's runs made but lost track of (skills only with --skill-prefix: they carry
 * no stamp). Shows the deletions, asks (or takes --auto-approve), updates the state. For
 * scheduled CI.
 */
export function gcCommand(context: CommandContext): Command {
  return new Command('gc')
    .description('delete expired vector stores (and files only they used) and leaked resources of this stack')
    .addOption(manifestFileOption('manifests, to check that the state is theirs', 'none'))
    .option('--expired', 'expired stores of this state, and files only they used (default with --leaked)')
    .option(
      '--leaked',
      'stores and assistants stamped by this state but absent from it (and skills, with --skill-prefix)',
    )
    .option('--all-expired', 'also expired stores this stack does not manage (warned about in the plan)')
    .option(
      '--skill-prefix <prefix>',
      "with --leaked, also skills whose name starts with PREFIX and that no state of this stack holds (any workspace's, nor let go with state rm); skills carry no stamp, so without it gc never touches a skill",
    )
    .option('--auto-approve', 'do not ask for confirmation')
    .option('--dry-run', 'only show what would be collected; delete nothing')
    .option(
      '-o, --out <file>',
      'save what would be collected as a JSON plan (for review, `show`, policy); implies --dry-run',
    )
    .option(
      '--detailed-exitcode',
      'with nothing to collect exit 0, else 2 (after collecting, with --dry-run, or without approval where no one can give it)',
    )
    .addOption(
      new Option('--format <format>', 'plan output').choices(['text', 'json', 'markdown']).default('text'),
    )
    .option('--json', 'same as --format json')
    .option('--lock-timeout <duration>', 'how long to wait for the state lock', '0s')
    .action(async (flags: GcFlags) => (await import('./gc-flow.js')).runGc(context, flags));
}
