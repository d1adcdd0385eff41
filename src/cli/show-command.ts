import { Command, Option } from 'commander';
import type { CommandContext } from './program.js';

/** The flags of `assistants show`. */
export interface ShowFlags {
  format: 'text' | 'json' | 'markdown';
  json?: boolean;
}

/**
 * `assistants show PLANFILE`: a plan saved with `plan -o`, printed as `plan` printed it, for review
 * before `apply PLANFILE`. Reads the file alone: no manifests, no state, no API.
 */
export function showCommand(context: CommandContext): Command {
  return new Command('show')
    .description('print a plan saved with `assistants plan -o` (reads the file alone)')
    .argument('<planfile>', 'a plan saved with `assistants plan -o`')
    .addOption(
      new Option('--format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'),
    )
    .option('--json', 'same as --format json')
    .action(async (planFile: string, flags: ShowFlags) =>
      (await import('./show-flow.js')).runShow(context, planFile, flags),
    );
}
