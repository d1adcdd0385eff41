import { Command, Option } from 'commander';
import type { GraphFlags } from './graph-flow.js';
import { manifestFileOption } from './options.js';
import type { CommandContext } from './program.js';

/**
 * `assistants graph`: the stack as a graph (files → vector stores → assistants and agents) in
 * Mermaid or DOT, from the manifests alone; `--plan PLANFILE` colours it by a saved plan's actions.
 */
export function graphCommand(context: CommandContext): Command {
  return new Command('graph')
    .description('draw the stack (files → vector stores → assistants and agents) as Mermaid or DOT (offline)')
    .addOption(manifestFileOption())
    .addOption(
      new Option('--format <format>', 'graph language').choices(['mermaid', 'dot']).default('mermaid'),
    )
    .option('--plan <planfile>', 'colour by the actions of a plan saved with `assistants plan -o`')
    .option('--allow-outside-root', 'accept referenced paths that resolve outside the manifest root')
    .action(async (flags: GraphFlags) => (await import('./graph-flow.js')).runGraph(context, flags));
}
