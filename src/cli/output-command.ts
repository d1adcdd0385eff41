import { Command } from 'commander';
import { type StackFileFlags, stackFileOption } from './options.js';
import type { CommandContext } from './program.js';

/**
 * `assistants output [ADDR] [--json | --format text|json|responses]`: what apps need, from the
 * state alone (no API call). Without ADDR, text is one `ADDRESS = ID` line per resource (an
 * agent's line names its rendered file); JSON is `{"files": {NAME: ID}, "vector_stores": {...},
 * "assistants": {...}, "agents": {NAME: REQUEST}}`, every key always present; `responses` is
 * `{NAME: REQUEST}` for the agents alone. With ADDR, that one resource: its id (`--raw`: without a
 * newline), or an agent's request.
 */
export function outputCommand(context: CommandContext): Command {
  return stackFileOption(new Command('output'))
    .description("ids of the managed resources and the agents' rendered requests, from the state (for apps)")
    .argument(
      '[address]',
      'one resource: file.NAME prints its id, agent.NAME its request (JSON); a bare NAME when one resource holds it',
    )
    .option(
      '--json',
      '{"files": {NAME: ID}, "vector_stores": {...}, "assistants": {...}, "agents": {NAME: REQUEST}}',
    )
    .option('--format <format>', 'text, json, or responses ({NAME: REQUEST} of every agent)')
    .option('--raw', 'with ADDR: the id alone, without a newline (for $(...) in scripts)')
    .action(
      async (
        address: string | undefined,
        opts: { json?: boolean; raw?: boolean; format?: string } & StackFileFlags,
      ) => (await import('./output-flow.js')).runOutput(context, address, opts),
    );
}
