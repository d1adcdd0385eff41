import { Command } from 'commander';
import type { MigrateFlags } from './migrate-flow.js';
import { manifestFileOption } from './options.js';
import type { CommandContext } from './program.js';

/** `assistants migrate [-f PATH]... [--write FILE]`: the manifests' assistants as `agents:`. */
export function migrateCommand(context: CommandContext): Command {
  return new Command('migrate')
    .description(
      'turn the assistants of the manifests into agents (Responses API requests): print them as YAML, or write a new manifest',
    )
    .addOption(manifestFileOption())
    .option(
      '--write <file>',
      'write the agents to this new manifest file (inside the manifest root) instead of printing them',
    )
    .option('--allow-outside-root', 'accept referenced paths that resolve outside the manifest root')
    .action(async (flags: MigrateFlags) => (await import('./migrate-flow.js')).runMigrate(context, flags));
}
