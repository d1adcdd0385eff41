import { Command, Option } from 'commander';
import { manifestFileOption } from './options.js';
import type { CommandContext } from './program.js';
import type { ValidateFlags } from './validate-flow.js';

/** `assistants validate [-f PATH]...`: offline checks of the manifests; exit 1 on any error. */
export function validateCommand(context: CommandContext): Command {
  return new Command('validate')
    .description('check manifests offline: YAML, schema and semantic rules (no API key needed)')
    .addOption(manifestFileOption())
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--json', 'same as --format json')
    .option('--allow-outside-root', 'accept referenced paths that resolve outside the manifest root')
    .action(async (flags: ValidateFlags) => (await import('./validate-flow.js')).runValidate(context, flags));
}
