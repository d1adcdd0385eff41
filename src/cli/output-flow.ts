import { parseAddress } from '../model/address.js';
import { KINDS, KINDS_IN_ORDER, type KindFacts } from '../model/kinds.js';
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
    .filter(([, r]) => 'section' in KINDS[r.kind])
    .sort(([a], [b]) => compareCodeUnits(a, b));
  const { io } = context;
  if (context.json) {
    const out: Record<string, Record<string, string>> = {};
    const sectionOf = (kind: keyof typeof KINDS) => (KINDS[kind] as KindFacts).section;
    for (const kind of KINDS_IN_ORDER) {
      const section = sectionOf(kind);
      if (section) out[section] = {};
    }
    for (const [address, resource] of entries) {
      const parsed = parseAddress(address);
      const group = out[sectionOf(resource.kind) ?? ''];
      if (parsed && group) group[parsed.name] = resource.id;
    }
    io.stdout(`${JSON.stringify(out, null, 2)}\n`);
  } else if (entries.length > 0) {
    io.stdout(entries.map(([address, r]) => `${address} = ${r.id}\n`).join(''));
  }
  context.exitCode = EXIT.OK;
}
