import type { Address } from '../model/address.js';
import { type StampedKind, unhandledKind } from '../model/kinds.js';
import type { LiveAssistant, LiveFile, LiveSkill, LiveVectorStore } from '../model/live.js';
import { STAMP_ADDRESS_KEY, STAMP_LINEAGE_KEY } from '../model/stamp.js';

/** Ownership stamps and file identity: how a live object is told to be this stack's. */

/** Who a stamped resource says it belongs to; undefined when it carries no stamp at all. */
export interface Stamp {
  lineage: string | undefined;
  address: string | undefined;
}

/** The ownership stamp in `metadata`, or undefined when neither stamp key is there. */
export function stampOf(metadata: Readonly<Record<string, string>> | null | undefined): Stamp | undefined {
  const lineage = metadata?.[STAMP_LINEAGE_KEY];
  const address = metadata?.[STAMP_ADDRESS_KEY];
  if (lineage === undefined && address === undefined) return undefined;
  return { lineage, address };
}

/**
 * Whether a store or assistant with this live metadata is the one `lineage` manages at `address`:
 * its stamp names both, or it has no stamp at all (made by this state before stamps existed, or
 * imported unstamped; stampProblem also asks what the state recorded). Anything else belongs to
 * another state, or to another address of this one.
 */
export function ownedBy(
  metadata: Readonly<Record<string, string>> | null | undefined,
  lineage: string,
  address: Address,
): boolean {
  const stamp = stampOf(metadata);
  return stamp === undefined || (stamp.lineage === lineage && stamp.address === address);
}

/** "lineage L, address A" for messages, with "(none)" for a missing half. */
function describeStamp(stamp: Stamp): string {
  return `lineage ${stamp.lineage ?? '(none)'}, address ${stamp.address ?? '(none)'}`;
}

/** The live objects ownership is checked against: a refresh (LiveView) or a whole account (gc). */
export interface OwnershipView {
  files: ReadonlyMap<string, LiveFile>;
  vectorStores: ReadonlyMap<string, LiveVectorStore>;
  /** Undefined when the endpoint no longer serves assistants. */
  assistants: ReadonlyMap<string, LiveAssistant> | undefined;
  /** Skills by id; undefined when they were not read. */
  skills?: ReadonlyMap<string, LiveSkill> | undefined;
}

/** The live store or assistant behind a state id, as the view reports it; undefined when gone. */
export function liveStampHolder(
  view: OwnershipView,
  resource: { kind: StampedKind; id: string },
): LiveVectorStore | LiveAssistant | undefined {
  switch (resource.kind) {
    case 'vector_store':
      return view.vectorStores.get(resource.id);
    case 'assistant':
      return view.assistants?.get(resource.id);
    default:
      return unhandledKind(resource.kind);
  }
}

/** A problem found with the object behind a state id: a code and the words after the address and id. */
export interface OwnershipProblem {
  code: 'OWNED_ELSEWHERE' | 'FILE_IDENTITY_MISMATCH';
  message: string;
}

/**
 * A store's or assistant's live stamp against this lineage and address (see ownedBy). An object
 * with no stamp passes only while the state recorded none either (made before stamps, or imported
 * unstamped): one the state recorded as stamped that now carries none may be another object that a
 * hand edit put under this address (a dashboard-made store has no stamp). One stamped for the
 * address the state recorded in its stamp passes too: a moved resource before apply re-stamps it.
 */
export function stampProblem(
  metadata: Readonly<Record<string, string>> | null | undefined,
  lineage: string,
  address: Address,
  recorded: Readonly<Record<string, string>> | null | undefined,
): OwnershipProblem | undefined {
  const stamp = stampOf(metadata);
  if (stamp === undefined) {
    if (stampOf(recorded) === undefined) return undefined;
    return {
      code: 'OWNED_ELSEWHERE',
      message:
        'carries no ownership stamp, though this state recorded it as stamped: it may be another object than the one this stack made (a hand edit?), or its stamp was removed outside assistants-iac',
    };
  }
  if (ownedBy(metadata, lineage, address)) return undefined;
  // Moved (`moved:` or `state mv`) and not yet stamped anew: the live stamp names the address this
  // state recorded in the resource's own stamp, under this lineage. Apply's update re-stamps it.
  const before = stampOf(recorded);
  if (stamp.lineage === lineage && before?.lineage === lineage && stamp.address === before.address)
    return undefined;
  const whose =
    stamp.lineage === lineage ? `this state's ${stamp.address ?? '(no address)'}` : 'another state';
  return {
    code: 'OWNED_ELSEWHERE',
    message: `belongs to ${whose}: its ownership stamp names ${describeStamp(stamp)} (this state is lineage ${lineage})`,
  };
}

/**
 * Files carry no stamp: the live name and size must be those the state recorded, and so must the
 * creation time where the state recorded one (two stacks may upload the same README).
 */
export function fileProblem(
  recorded: { filename: string; bytes: number; createdAt?: number | undefined },
  found: Pick<LiveFile, 'createdAt' | 'attributes'>,
): (OwnershipProblem & { code: 'FILE_IDENTITY_MISMATCH' }) | undefined {
  const { filename, bytes } = found.attributes;
  const sameTime = recorded.createdAt === undefined || recorded.createdAt === found.createdAt;
  if (filename === recorded.filename && bytes === recorded.bytes && sameTime) return undefined;
  const when = (t: number | undefined) => (t === undefined ? '' : `, made at ${t}`);
  return {
    code: 'FILE_IDENTITY_MISMATCH',
    message: `is not the file this state uploaded: the API has "${filename}", ${bytes} bytes${when(sameTime ? undefined : found.createdAt)}; the state recorded "${recorded.filename}", ${recorded.bytes} bytes${when(sameTime ? undefined : recorded.createdAt)}`,
  };
}

/** A store's or assistant's ownership: its live stamp against this state's lineage and its address. */
export function stampedOwnership(
  address: Address,
  resource: { kind: StampedKind; id: string; attributes: { metadata: Readonly<Record<string, string>> } },
  lineage: string,
  view: OwnershipView,
): OwnershipProblem | undefined {
  const found = liveStampHolder(view, resource);
  return found
    ? stampProblem(found.attributes.metadata, lineage, address, resource.attributes.metadata)
    : undefined;
}
