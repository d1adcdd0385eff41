import { Command } from 'commander';
import type { CommandContext } from './program.js';

/**
 * `assistants output [--json]`: the ids of the managed files, vector stores and assistants, for apps
 * (e.g. the vector store ids to pass to `file_search`). Read from the state alone; no API call.
 * Text is one `ADDRESS = ID` line per resource, sorted by address; JSON is
 * `{"files": {NAME: ID}, "vector_stores": {...}, "assistants": {...}}`, every key always present.
 */
export function outputCommand(context: CommandContext): Command {
  return new Command('output')
    .description('ids of the managed files, vector stores and assistants, from the state (for apps)')
    .option('--json', '{"files": {NAME: ID}, "vector_stores": {...}, "assistants": {...}}')
    .action(async (opts: { json?: boolean }) => (await import('./output-flow.js')).runOutput(context, opts));
}
