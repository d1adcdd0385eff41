import { toAssistantsError } from '../errors/index.js';
import type { Address } from '../model/address.js';
import type { StampedKind } from '../model/kinds.js';
import { sortedEntries } from '../model/order.js';
import { ownedBy } from '../plan/stamps.js';
import type { UnstampOutcome } from '../provider/unstamp.js';
import {
  type Forgetting,
  type ForgottenStamped,
  forgetResources,
  remember,
} from '../state/forget-resources.js';
import type { ForgottenResource, StateDocument } from '../state/state-document.js';
import type { StateStore } from '../state/state-store.js';
import { withLockedState } from './locked-state.js';
import { checkPresent } from './state-addresses.js';

/** Takes a stamp off one store or assistant, only when `owns` says the live stamp is the caller's. */
export type Unstamper = (
  kind: StampedKind,
  id: string,
  owns: (metadata: Record<string, string>) => boolean,
) => Promise<UnstampOutcome>;

export interface ForgetPorts {
  store: StateStore;
  /** Made only when a stamp is to be taken off: the remover, or why the API cannot be asked. */
  unstamper: () => Unstamper | { unavailable: string };
  /** Now, as an ISO time (recorded with each forgotten id). */
  now: () => string;
}

export interface StampResult {
  address: Address;
  id: string;
  /** `recorded`: the stamp stays (`why`), and the state's `forgotten` list keeps the id from gc. */
  outcome: UnstampOutcome | 'recorded';
  why?: string;
}

export interface ForgetResult {
  forgetting: Forgetting;
  stamps: StampResult[];
  /** Resources left in the state that were made from one just forgotten: worth knowing, not an error. */
  dangling: string[];
}

/**
 * `state rm ADDRESS...`: forgets the resources (all or none) under the state lock, then takes this
 * state's stamp off those forgotten, or records that it stays. Nothing is deleted.
 */
export function forgetWorkflow(
  ports: ForgetPorts,
  request: { addresses: readonly Address[]; keepStamps: boolean; lockTimeoutMs: number },
): Promise<ForgetResult> {
  const { store } = ports;
  const { addresses } = request;
  return withLockedState(
    store,
    'state rm',
    { timeoutMs: request.lockTimeoutMs },
    async ({ state, record }) => {
      checkPresent(state, addresses, store.location);
      const forgetting = forgetResources(state as StateDocument, addresses, ports.now());
      // One write forgets them all and records the stamped ones, before any call is made.
      const recorder = record(await store.write(forgetting.doc));
      const stamps = await takeStamps(ports, forgetting.stamped, recorder.doc.lineage, request.keepStamps);
      // Kept only while a stamp may still say "this lineage": a `kept` stamp may name it under
      // another address, which gc would otherwise take for a leak.
      const settled = new Set(
        stamps.filter((s) => s.outcome === 'removed' || s.outcome === 'gone').map((s) => s.id),
      );
      if (settled.size > 0) await recorder.mutate((d) => remember(d, settled));
      await recorder.settled();
      return { forgetting, stamps, dangling: danglingDependencies(recorder.doc, forgetting.removed) };
    },
  );
}

/**
 * Takes this state's stamp off each forgotten store and assistant, so that nothing marks it as
 * this stack's any more (gc, import elsewhere). Where the API cannot be asked (no key, --keep-stamps,
 * an error), the stamp stays and the state's record of the id keeps gc away from it.
 */
async function takeStamps(
  ports: ForgetPorts,
  stamped: readonly ForgottenStamped[],
  lineage: string,
  keep: boolean,
): Promise<StampResult[]> {
  if (stamped.length === 0) return [];
  const recorded = (f: ForgottenResource, why: string): StampResult => ({
    address: f.address,
    id: f.id,
    outcome: 'recorded',
    why,
  });
  if (keep) return stamped.map((f) => recorded(f, '--keep-stamps'));
  const unstamp = ports.unstamper();
  if (typeof unstamp !== 'function') return stamped.map((f) => recorded(f, unstamp.unavailable));
  const results: StampResult[] = [];
  for (const f of stamped) {
    try {
      const outcome = await unstamp(f.kind, f.id, (metadata) => ownedBy(metadata, lineage, f.address));
      results.push({ address: f.address, id: f.id, outcome });
    } catch (err) {
      results.push(recorded(f, `the API call failed: ${toAssistantsError(err).code}`));
    }
  }
  return results;
}

function danglingDependencies(doc: StateDocument, removed: readonly string[]): string[] {
  const gone = new Set(removed);
  return sortedEntries(doc.resources).flatMap(([address, r]) =>
    r.dependencies
      .filter((d) => gone.has(d))
      .map((d) => `${address} depends on ${d}, which is no longer in the state`),
  );
}
