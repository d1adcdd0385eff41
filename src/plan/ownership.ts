import type { Diagnostic } from '../errors/index.js';
import { type Address, parseAddress, vectorStoreAddress } from '../model/address.js';
import { type StampedKind, unhandledKind } from '../model/kinds.js';
import type { LiveAssistant, LiveFile, LiveVectorStore } from '../model/live.js';
import { compareCodeUnits } from '../model/order.js';
import { STAMP_ADDRESS_KEY, STAMP_LINEAGE_KEY } from '../model/stamp.js';
import type { StateDocument, StateResource } from '../state/state-document.js';

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

/** What to do about a state resource that is not this stack's. */
function hintFor(address: Address, id: string): string {
  return (
    'nothing was changed. The state names a resource this stack does not own (edited by hand, or merged badly?): ' +
    `restore the state from version control or its .backup, or \`assistants state rm ${address}\` to stop managing it here. ` +
    `To take it over deliberately: \`assistants state rm ${address}\`, then \`assistants import --force ${address} ${id}\`.`
  );
}

/** The live objects ownership is checked against: a refresh (LiveView) or a whole account (gc). */
export interface OwnershipView {
  files: ReadonlyMap<string, LiveFile>;
  vectorStores: ReadonlyMap<string, LiveVectorStore>;
  /** Undefined when the endpoint no longer serves assistants. */
  assistants: ReadonlyMap<string, LiveAssistant> | undefined;
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

/**
 * Ownership of everything the state names (pure). The ids in a state are not trusted blindly: a
 * hand-edited or badly merged state may name another stack's objects, or carry another stack's
 * lineage. Every resource the API still has is checked, not only those a plan touches (a --target
 * leaves some out), since one wrong id makes the whole state suspect:
 * - a vector store or assistant must carry this lineage's stamp for its own address (or none, when
 *   the state recorded none either);
 * - a file carries no stamp: its live name and size (and creation time, when recorded) must be
 *   those the state recorded;
 * - a membership must hang on the store the state holds at its store address, which must be this
 *   stack's by the rule above.
 * Callers refuse to change anything while this returns errors. Nothing to check without a view.
 */
export function stateOwnershipErrors(state: StateDocument, view: OwnershipView | undefined): Diagnostic[] {
  if (!view) return [];
  const errors: Diagnostic[] = [];
  for (const [address, resource] of Object.entries(state.resources)) {
    const problem = ownershipProblem(address, resource, state, view);
    if (problem) errors.push(ownershipError(address, resource.id, problem));
  }
  return errors.sort((a, b) => compareCodeUnits(a.message, b.message));
}

/** A problem found with the object behind a state id: a code and the words after the address and id. */
export interface OwnershipProblem {
  code: 'OWNED_ELSEWHERE' | 'FILE_IDENTITY_MISMATCH';
  message: string;
}

/** Why the live object behind a state resource is not this stack's, or undefined when it is. */
function ownershipProblem(
  address: Address,
  resource: StateResource,
  state: StateDocument,
  view: OwnershipView,
): OwnershipProblem | undefined {
  const { lineage, resources } = state;
  switch (resource.kind) {
    case 'vector_store':
    case 'assistant': {
      const found = liveStampHolder(view, resource);
      return found
        ? stampProblem(found.attributes.metadata, lineage, address, resource.attributes.metadata)
        : undefined;
    }
    case 'file': {
      const found = view.files.get(resource.id);
      return found
        ? fileProblem({ ...resource.attributes, createdAt: resource.created_at }, found)
        : undefined;
    }
    case 'vector_store_file': {
      const store = parseAddress(address)?.store;
      const storeAt = store === undefined ? undefined : vectorStoreAddress(store);
      const held = storeAt === undefined ? undefined : resources[storeAt];
      const storeId = String(resource.attributes.vector_store_id);
      if (held?.kind !== 'vector_store' || held.id !== storeId)
        return {
          code: 'OWNED_ELSEWHERE',
          message: `is attached to ${storeId}, which is not the store this state holds at ${storeAt ?? 'its store address'} (${held ? held.id : 'none'})`,
        };
      // The store itself: a membership is changed through it.
      const found = view.vectorStores.get(storeId);
      const problem =
        found &&
        stampProblem(found.attributes.metadata, lineage, storeAt as Address, held.attributes.metadata);
      return problem
        ? { code: 'OWNED_ELSEWHERE', message: `is attached to ${storeId}, which ${problem.message}` }
        : undefined;
    }
    default:
      return unhandledKind(resource);
  }
}

/**
 * A store's or assistant's live stamp against this lineage and address (see ownedBy). An object
 * with no stamp passes only while the state recorded none either (made before stamps, or imported
 * unstamped): one the state recorded as stamped that now carries none may be another object that a
 * hand edit put under this address (a dashboard-made store has no stamp).
 */
function stampProblem(
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

/** An ownership problem as an error diagnostic. */
function ownershipError(address: Address, id: string, problem: OwnershipProblem): Diagnostic {
  return {
    severity: 'error',
    code: problem.code,
    message: `${address} (${id}) ${problem.message}`,
    hint: hintFor(address, id),
  };
}
