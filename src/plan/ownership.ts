import type { Diagnostic } from '../errors/index.js';
import { type Address, parseAddress, vectorStoreAddress } from '../model/address.js';
import type { Change } from '../model/plan.js';
import { STAMP_ADDRESS_KEY, STAMP_LINEAGE_KEY } from '../model/stamp.js';
import type { LiveView } from '../provider/live-view.js';
import type { StateResource } from '../state/state-document.js';

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
 * imported unstamped). Anything else belongs to another state, or to another address of this one.
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
export function describeStamp(stamp: Stamp): string {
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

/**
 * Ownership of everything the plan would change, delete or re-stamp (pure). The ids in the state
 * are not trusted blindly: a hand-edited or badly merged state may name another stack's objects.
 * - a vector store or assistant must carry this lineage's stamp for its own address, or none;
 * - a file carries no stamp: its live name and size must be what the state recorded;
 * - a membership must hang on the store the state holds at its store address.
 * Creates and no-ops touch nothing that exists, so only the other actions are checked, and only
 * against what the refresh saw (`live` undefined: --refresh=false, nothing to check against;
 * apply always refreshes).
 */
export function ownershipErrors(
  changes: readonly Change[],
  resources: Readonly<Record<Address, StateResource>>,
  live: LiveView | undefined,
  lineage: string,
): Diagnostic[] {
  if (!live) return [];
  const errors: Diagnostic[] = [];
  for (const change of changes) {
    if (change.action === 'create' || change.action === 'no-op') continue;
    const resource = resources[change.address];
    if (!resource || resource.id !== change.id) continue;
    const problem = ownershipProblem(change.address, resource, resources, live, lineage);
    if (problem)
      errors.push(ownershipError(change.address, resource.id, problem, verbOf(change), change.source));
  }
  return errors;
}

/** A problem found with the object behind a state id: a code and the words after the address and id. */
export interface OwnershipProblem {
  code: 'OWNED_ELSEWHERE' | 'FILE_IDENTITY_MISMATCH';
  message: string;
}

/** Why the live object behind a state resource is not this stack's, or undefined when it is. */
export function ownershipProblem(
  address: Address,
  resource: StateResource,
  resources: Readonly<Record<Address, StateResource>>,
  live: Pick<LiveView, 'files' | 'vectorStores'> & { assistants?: LiveView['assistants'] },
  lineage: string,
): OwnershipProblem | undefined {
  switch (resource.kind) {
    case 'vector_store':
    case 'assistant': {
      const found =
        resource.kind === 'vector_store'
          ? live.vectorStores.get(resource.id)
          : live.assistants?.get(resource.id);
      return found
        ? stampProblem(found.attributes.metadata, lineage, address, resource.attributes.metadata)
        : undefined;
    }
    case 'file': {
      const found = live.files.get(resource.id);
      return found ? fileProblem(resource.attributes, found.attributes) : undefined;
    }
    case 'vector_store_file': {
      const store = parseAddress(address)?.store;
      const storeAt = store === undefined ? undefined : vectorStoreAddress(store);
      const held = storeAt === undefined ? undefined : resources[storeAt];
      const storeId = String(resource.attributes.vector_store_id);
      if (held?.kind === 'vector_store' && held.id === storeId) return undefined;
      return {
        code: 'OWNED_ELSEWHERE',
        message: `is attached to ${storeId}, which is not the store this state holds at ${storeAt ?? 'its store address'} (${held ? held.id : 'none'})`,
      };
    }
  }
}

/**
 * A store's or assistant's live stamp against this lineage and address (see ownedBy). An object
 * with no stamp passes only while the state recorded none either (made before stamps, or imported
 * unstamped): one the state recorded as stamped that now carries none may be another object that a
 * hand edit put under this address (a dashboard-made store has no stamp).
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
  const whose =
    stamp.lineage === lineage ? `this state's ${stamp.address ?? '(no address)'}` : 'another state';
  return {
    code: 'OWNED_ELSEWHERE',
    message: `belongs to ${whose}: its ownership stamp names ${describeStamp(stamp)} (this state is lineage ${lineage})`,
  };
}

/** Files carry no stamp: the live name and size must be those the state recorded. */
export function fileProblem(
  recorded: { filename: string; bytes: number },
  found: { filename: string; bytes: number },
): (OwnershipProblem & { code: 'FILE_IDENTITY_MISMATCH' }) | undefined {
  if (found.filename === recorded.filename && found.bytes === recorded.bytes) return undefined;
  return {
    code: 'FILE_IDENTITY_MISMATCH',
    message: `is not the file this state uploaded: the API has "${found.filename}", ${found.bytes} bytes; the state recorded "${recorded.filename}", ${recorded.bytes} bytes`,
  };
}

/** An ownership problem as an error diagnostic; `verb` says what the command would have done. */
export function ownershipError(
  address: Address,
  id: string,
  problem: OwnershipProblem,
  verb: string,
  source?: Change['source'],
): Diagnostic {
  return {
    severity: 'error',
    code: problem.code,
    message: `${address} (${id}) ${problem.message}; the plan would ${verb} it`,
    hint: hintFor(address, id),
    ...(source ? { location: source } : {}),
  };
}

function verbOf(change: Change): string {
  if (change.action === 'delete') return 'delete';
  if (change.action === 'update') return 'change';
  return 'replace';
}
