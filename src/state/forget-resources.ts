import { type Address, parseAddress } from '../model/address.js';
import { isStamped, type StampedKind } from '../model/kinds.js';
import type { ForgottenResource, StateDocument } from './state-document.js';

/** A forgotten store or assistant: its stamp is what the caller takes off. */
export type ForgottenStamped = ForgottenResource & { kind: StampedKind };

/** What `state rm` takes out of a state: the addresses asked for, and what must go with them. */
export interface Forgetting {
  /** The document without them (a new object; the input is not changed). */
  doc: StateDocument;
  /** Every address removed, sorted: those asked for and the memberships of a removed store. */
  removed: Address[];
  /** Memberships removed because their store was (not asked for by name). */
  along: Address[];
  /** The stamped resources (stores, assistants) among them, as recorded in `doc.forgotten`. */
  stamped: ForgottenStamped[];
  /** The skills among them, as recorded in `doc.forgotten` (they carry no stamp to take off). */
  skills: ForgottenResource[];
}

/**
 * Forgets `addresses` (pure): they leave `resources`, their journal entries leave `pending` (an
 * entry would adopt them back on the next run), and a store takes its memberships with it (they
 * are part of it: a later plan must not detach files from a store it no longer manages). Stores and
 * assistants are recorded in `forgotten`, so that `gc --leaked` skips them while they still carry
 * this lineage's stamp; the caller drops that record once the stamp is removed from them. Skills
 * are recorded there for good (until imported again): nothing on them says whose they are, and
 * `gc --skill-prefix` would otherwise take one it no longer finds in a state for a leak.
 */
export function forgetResources(doc: StateDocument, addresses: readonly Address[], at: string): Forgetting {
  const gone = new Set(addresses);
  const stores = new Set(
    addresses.flatMap((a) => {
      const parsed = parseAddress(a);
      return parsed?.kind === 'vector_store' ? [parsed.name] : [];
    }),
  );
  const along: Address[] = [];
  for (const address of Object.keys(doc.resources)) {
    const parsed = parseAddress(address);
    if (parsed?.kind === 'vector_store_file' && stores.has(parsed.store as string) && !gone.has(address)) {
      gone.add(address);
      along.push(address);
    }
  }
  const stamped: ForgottenStamped[] = [];
  const skills: ForgottenResource[] = [];
  for (const address of gone) {
    const resource = doc.resources[address];
    if (resource && isStamped(resource.kind))
      stamped.push({ address, kind: resource.kind, id: resource.id, at });
    else if (resource?.kind === 'skill') skills.push({ address, kind: 'skill', id: resource.id, at });
  }
  const resources = Object.fromEntries(Object.entries(doc.resources).filter(([a]) => !gone.has(a)));
  const pending = doc.pending.filter((op) => !gone.has(op.address));
  const recorded = [...stamped, ...skills];
  const keptForgotten = (doc.forgotten ?? []).filter((f) => !recorded.some((r) => r.id === f.id));
  const forgotten = [...keptForgotten, ...recorded];
  return {
    doc: { ...doc, resources, pending, ...(forgotten.length > 0 ? { forgotten } : {}) },
    removed: [...gone].sort(),
    along: along.sort(),
    stamped,
    skills,
  };
}

/** The document without the `forgotten` records of `ids` (their stamps are gone, or they are managed again). */
export function remember(doc: StateDocument, ids: ReadonlySet<string>): void {
  if (!doc.forgotten) return;
  doc.forgotten = doc.forgotten.filter((f) => !ids.has(f.id));
  if (doc.forgotten.length === 0) delete doc.forgotten;
}
