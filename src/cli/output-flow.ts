import { parseAddress } from '../model/address.js';
import { compareCodeUnits } from '../model/order.js';
import { EXIT } from './exit-codes.js';
import { openStateStore } from './open-state.js';
import type { CommandContext } from './program.js';

/** The kinds apps need ids of, with the key each has in the JSON output. Memberships have no id of their own. */
const GROUPS = { file: 'files', vector_store: 'vector_stores', assistant: 'assistants' } as const;

/** `assistants output`: prints the ids the state holds, as text lines or JSON (see outputCommand). */
export async function runOutput(context: CommandContext, opts: { json?: boolean }): Promise<void> {
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
}
