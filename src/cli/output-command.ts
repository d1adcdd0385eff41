import { Command } from 'commander';
import { parseAddress } from '../model/address.js';
import { compareCodeUnits } from '../model/order.js';
import { EXIT } from './exit-codes.js';
import { openStateStore } from './open-state.js';
import type { CommandContext } from './program.js';

/** The kinds apps need ids of, with the key each has in the JSON output. Memberships have no id of their own. */
const GROUPS = { file: 'files', vector_store: 'vector_stores', assistant: 'assistants' } as const;

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
    .action(async (opts: { json?: boolean }) => {
      context.json = opts.json === true;
      const doc = await openStateStore(context).read();
      const entries = Object.entries(doc?.resources ?? {})
        .filter(([, r]) => r.kind !== 'vector_store_file')
        .sort(([a], [b]) => compareCodeUnits(a, b));
      const { io } = context;
      if (context.json) {
        const out: Record<(typeof GROUPS)[keyof typeof GROUPS], Record<string, string>> = {
          files: {},
          vector_stores: {},
          assistants: {},
        };
        for (const [address, resource] of entries) {
          const parsed = parseAddress(address);
          if (parsed && resource.kind !== 'vector_store_file')
            out[GROUPS[resource.kind]][parsed.name] = resource.id;
        }
        io.stdout(`${JSON.stringify(out, null, 2)}\n`);
      } else if (entries.length > 0) {
        io.stdout(entries.map(([address, r]) => `${address} = ${r.id}\n`).join(''));
      }
      context.exitCode = EXIT.OK;
    });
}
