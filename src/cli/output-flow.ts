import { parseAddress } from '../model/address.js';
import { KINDS_IN_ORDER, sectionOf } from '../model/kinds.js';
import { compareCodeUnits } from '../model/order.js';
import { EXIT } from './exit-codes.js';
import { openStateStore } from './open-state.js';
import type { CommandContext } from './program.js';

/** `assistants output`: prints the ids the state holds, as text lines or JSON (see outputCommand). */
export async function runOutput(context: CommandContext, opts: { json?: boolean }): Promise<void> {
  context.json = opts.json === true;
  const doc = await openStateStore(context).read();
  // The kinds apps need ids of: those with a section of their own (a membership has no id of its own).
  const entries = Object.entries(doc?.resources ?? {})
    .flatMap(([address, r]) => {
      const section = sectionOf(r.kind);
      return section ? [{ address, id: r.id, section }] : [];
    })
    .sort((a, b) => compareCodeUnits(a.address, b.address));
  const { io } = context;
  if (context.json) {
    const out: Record<string, Record<string, string>> = {};
    for (const kind of KINDS_IN_ORDER) {
      const section = sectionOf(kind);
      if (section) out[section] = {};
    }
    for (const { address, id, section } of entries) {
      const name = parseAddress(address)?.name;
      if (name !== undefined) (out[section] as Record<string, string>)[name] = id;
    }
    io.stdout(`${JSON.stringify(out, null, 2)}\n`);
  } else if (entries.length > 0) {
    io.stdout(entries.map(({ address, id }) => `${address} = ${id}\n`).join(''));
  }
  context.exitCode = EXIT.OK;
}
