import { AssistantsError, toAssistantsError } from '../errors/index.js';
import type { Address } from '../model/address.js';
import { isStamped, KINDS, type StampedKind } from '../model/kinds.js';
import {
  type AddressMove,
  isPrefix,
  type Move,
  movedAddress,
  moveKind,
  moveMatches,
} from '../model/moves.js';
import { stampOf } from '../plan/stamps.js';
import type { RestampOutcome } from '../provider/restamp.js';
import { moveResources, recordedMoves } from '../state/move-resources.js';
import type { StateDocument } from '../state/state-document.js';
import type { StateStore } from '../state/state-store.js';
import { withLockedState } from './locked-state.js';

/** Writes a moved store's or assistant's stamp anew (see restamp in src/provider/restamp.ts). */
export type Restamper = (
  kind: StampedKind,
  id: string,
  owns: (metadata: Record<string, string>) => boolean,
  address: Address,
) => Promise<RestampOutcome>;

export interface MovePorts {
  store: StateStore;
  /** Made only when a stamp is to be written: the restamper, or why the API cannot be asked. */
  restamper: () => Restamper | { unavailable: string };
}

export interface MoveRequest {
  from: string;
  to: string;
  /** Only say what would move: the state is read without its lock; nothing is written, no call made. */
  dryRun: boolean;
  /** Leave the stamps as they are (the next apply writes them). */
  keepStamps: boolean;
  lockTimeoutMs: number;
}

/** What became of a moved store's or assistant's ownership stamp. */
export interface RestampResult {
  address: Address;
  id: string;
  /** `left`: not written (`why`); the next apply updates it in place. */
  outcome: 'restamped' | 'gone' | 'kept' | 'left';
  why?: string;
}

export interface MoveResult {
  /** Every address moved (the memberships of a moved store or file among them), sorted. */
  moved: AddressMove[];
  restamps: RestampResult[];
}

/**
 * `state mv FROM TO` (Terraform's `state mv`): re-keys the state under its lock, in one write, and
 * takes along what belongs to what moves (a store's memberships, a file's). A prefix (ending in
 * `/`) moves every address under it. Refused, with nothing written: malformed addresses, two kinds,
 * FROM not in the state, TO in it already. Nothing in the API moves: afterwards, the moved stores'
 * and assistants' stamps are written anew to name their new address (where the API can be asked).
 */
export async function moveWorkflow(ports: MovePorts, request: MoveRequest): Promise<MoveResult> {
  const move = checkedMove(request.from, request.to);
  const { store } = ports;
  if (request.dryRun)
    return { moved: plannedMove(await store.read(), move, store.location).moved, restamps: [] };
  return withLockedState(
    store,
    'state mv',
    { timeoutMs: request.lockTimeoutMs },
    async ({ state, record }) => {
      const rekeyed = plannedMove(state, move, store.location);
      const renamed = recordedMoves(rekeyed.moved);
      const doc = state as StateDocument;
      const pending = doc.pending.map((op) => ({ ...op, address: renamed(op.address) }));
      // One write moves them all, before any call is made.
      const recorder = record(await store.write({ ...doc, resources: rekeyed.resources, pending }));
      const restamps = await restampMoved(ports, recorder.doc, rekeyed.moved, request.keepStamps);
      const written = restamps.flatMap((r) => (r.metadata ? [[r.result.address, r.metadata] as const] : []));
      if (written.length > 0)
        await recorder.mutate((d) => {
          for (const [address, metadata] of written) {
            const resource = d.resources[address];
            if (resource?.kind === 'vector_store' || resource?.kind === 'assistant')
              d.resources[address] = {
                ...resource,
                attributes: { ...resource.attributes, metadata },
              } as typeof resource;
          }
        });
      await recorder.settled();
      return { moved: rekeyed.moved, restamps: restamps.map((r) => r.result) };
    },
  );
}

/** The move, refused when its addresses are not two of one kind (both prefixes, or neither). */
function checkedMove(from: string, to: string): Move {
  const fromKind = moveKind(from);
  const toKind = moveKind(to);
  const refuse = (message: string) =>
    new AssistantsError('INVALID_ADDRESS', message, {
      hint: 'write two addresses of one kind (vector_store.kb vector_store.support-kb), or two prefixes ending in / (file.docs/ file.guides/)',
    });
  if (!fromKind) throw refuse(`'${from}' is not a resource address, or a prefix of one ending in /`);
  if (!toKind) throw refuse(`'${to}' is not a resource address, or a prefix of one ending in /`);
  if (fromKind !== toKind)
    throw new AssistantsError(
      'MOVE_INVALID',
      `${from} and ${to} are of different kinds (${fromKind}, ${toKind})`,
      {
        hint: `a ${KINDS[fromKind].addressForm} moves only to another ${KINDS[fromKind].addressForm}`,
      },
    );
  if (isPrefix(from) !== isPrefix(to))
    throw new AssistantsError(
      'MOVE_INVALID',
      `write ${from} and ${to} both as prefixes (ending in /) or neither`,
    );
  if (from === to) throw new AssistantsError('MOVE_INVALID', `${from} is moved to itself`);
  return { from, to };
}

/** The state re-keyed by `move`; refused when FROM is not in it, or what moves would land on something held. */
function plannedMove(state: StateDocument | undefined, move: Move, location: string) {
  const resources = state?.resources ?? {};
  if (!Object.keys(resources).some((address) => moveMatches(move, address)))
    throw new AssistantsError(
      'RESOURCE_NOT_IN_STATE',
      `${isPrefix(move.from) ? `no address under ${move.from}` : move.from} is not in ${state ? location : `${location} (there is no state yet)`}`,
      { hint: '`assistants state list` shows the addresses in the state' },
    );
  const rekeyed = moveResources(resources, (address) => movedAddress(address, [move]));
  if (rekeyed.conflicts.length > 0) {
    const { from, to } = rekeyed.conflicts[0] as AddressMove;
    const more = rekeyed.conflicts.length > 1 ? ` (and ${rekeyed.conflicts.length - 1} more)` : '';
    throw new AssistantsError(
      'MOVE_TARGET_EXISTS',
      `cannot move ${from} to ${to}: the state already holds ${to}${more}`,
      {
        hint: `\`assistants state rm ${to}\` first if the state should forget what is there (nothing is deleted in the API)`,
      },
    );
  }
  return rekeyed;
}

/**
 * Writes the stamps of the moved stores and assistants anew, each only when its live stamp names
 * this lineage and the address it moved from. Where the API cannot be asked, the stamp stays: the
 * plan accepts it (it names the address the state recorded) and the next apply updates it.
 */
async function restampMoved(
  ports: MovePorts,
  doc: StateDocument,
  moved: readonly AddressMove[],
  keep: boolean,
): Promise<{ result: RestampResult; metadata?: Record<string, string> }[]> {
  const stamped = moved.flatMap(({ from, to }) => {
    const resource = doc.resources[to];
    return resource && isStamped(resource.kind) ? [{ from, to, kind: resource.kind, id: resource.id }] : [];
  });
  if (stamped.length === 0) return [];
  const left = (why: string) =>
    stamped.map((s) => ({ result: { address: s.to, id: s.id, outcome: 'left' as const, why } }));
  if (keep) return left('--keep-stamps');
  const restamp = ports.restamper();
  if (typeof restamp !== 'function') return left(restamp.unavailable);
  const results: { result: RestampResult; metadata?: Record<string, string> }[] = [];
  for (const s of stamped) {
    const owns = (metadata: Record<string, string>) => {
      const stamp = stampOf(metadata);
      return stamp?.lineage === doc.lineage && stamp.address === s.from;
    };
    try {
      const done = await restamp(s.kind as StampedKind, s.id, owns, s.to);
      results.push({
        result: { address: s.to, id: s.id, outcome: done.outcome },
        ...(done.outcome === 'restamped' ? { metadata: done.metadata } : {}),
      });
    } catch (err) {
      results.push({
        result: {
          address: s.to,
          id: s.id,
          outcome: 'left',
          why: `the API call failed: ${toAssistantsError(err).code}`,
        },
      });
    }
  }
  return results;
}
