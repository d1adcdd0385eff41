import { randomUUID } from 'node:crypto';
import { recordRenderedAgents } from '../apply/apply-agents.js';
import { type Deposed, leftoverDeposed } from '../apply/deposed.js';
import type { ApplyEventSink } from '../apply/events.js';
import { type ApplyOutcome, executePlan, recordMoves, recordSettings } from '../apply/executor.js';
import type { RenderedFiles } from '../apply/rendered-files.js';
import { resolveJournal } from '../apply/resolve-journal.js';
import type { Diagnostic } from '../errors/index.js';
import type { Address } from '../model/address.js';
import { type Desired, emptyDesired } from '../model/desired.js';
import { type Plan, planHasChanges } from '../model/plan.js';
import type { StoragePrices } from '../model/storage-cost.js';
import { stateOwnershipErrors } from '../plan/ownership.js';
import { checkSavedPlan, checkUnclaimedLineage, type SavedPlan } from '../plan/saved-plan.js';
import { type OtherStates, type SkillClaims, skillClaims } from '../plan/skill-claims.js';
import type { ApiWriter } from '../provider/api-writer.js';
import type { ApiReader } from '../provider/live-view.js';
import { readAccount } from '../provider/refresh.js';
import { acceptDrift } from '../state/accept-drift.js';
import { HashCache } from '../state/hash-cache.js';
import { emptyState, type StateDocument } from '../state/state-document.js';
import type { StateStore } from '../state/state-store.js';
import { counted } from '../util/words.js';
import { withLockedState } from './locked-state.js';
import { hashFiles, planFor, refreshFor } from './prepare-plan.js';

/** What apply and destroy work through. */
export interface ApplyPorts {
  store: StateStore;
  reader: ApiReader;
  writer: ApiWriter;
  hashCacheFile: string;
  /** Agents' rendered files: read back for drift, written and removed by apply. */
  renderedFiles: RenderedFiles;
  /** Unix seconds now. */
  now: () => number;
  /**
   * The stack's other workspaces' states, read only to settle a lost skill create: a skill one of
   * them holds is never taken for this one's (skills carry no stamp to tell them apart).
   */
  otherStates?: () => Promise<OtherStates>;
}

export interface ApplyRequest {
  destroy: boolean;
  /** The manifests read and validated; undefined for destroy (the wanted stack is then empty). */
  loaded?: { desired: Desired; warnings: Diagnostic[] };
  /** A saved plan to carry out, and its path as given (for messages). */
  saved?: { plan: SavedPlan; path: string };
  targets: readonly Address[];
  /** --replace: resources to make anew (see src/plan/replace-requests.ts). */
  replace?: readonly Address[];
  /** --refresh-only: record the drift in the state; call nothing that changes the API. */
  refreshOnly?: boolean;
  /** What storage costs, for the plan shown; the published prices when absent. */
  prices?: StoragePrices;
  lockTimeoutMs: number;
  parallelism: number;
  wait: boolean;
  waitTimeoutMs: number;
}

/** Where apply hands over to the person running it; the CLI renders each step. */
export interface ApplyUi {
  /** The calls an earlier run left unconfirmed were settled before planning. */
  settled(unsettled: number, adopted: number, cleaned: number): void;
  /**
   * The plan made against the API: shown before anything changes (a saved plan was shown when it
   * was made). `leftovers`: old halves of replacements an earlier run left, removed too.
   * `warnings`: the manifests' and the plan's.
   */
  review(plan: Plan, leftovers: readonly Deposed[], warnings: Diagnostic[]): void;
  /** Asked when there is something to do, unless a saved plan or --auto-approve says yes; throws to cancel. */
  approve(): Promise<void>;
  /** Runs the executor with progress shown and stop signals turned into `stop`. */
  progress(work: (sink: ApplyEventSink, stop: AbortSignal) => Promise<ApplyOutcome>): Promise<ApplyOutcome>;
}

export type ApplyResult =
  | { status: 'no-state' }
  /** Nothing was changed: `diagnostics` say why (errors first). */
  | { status: 'refused'; diagnostics: Diagnostic[] }
  | { status: 'unchanged' }
  /** --refresh-only: the addresses whose changes made outside were recorded in the state. */
  | { status: 'refreshed'; recorded: string[] }
  | { status: 'applied'; outcome: ApplyOutcome };

/**
 * apply and destroy: hold the state lock from the first read to the last write, settle what an
 * interrupted run left, plan against the API, have the plan reviewed and approved (or check the
 * saved plan), then carry it out, recording the state after every call.
 */
export async function applyWorkflow(
  ports: ApplyPorts,
  request: ApplyRequest,
  ui: ApplyUi,
): Promise<ApplyResult> {
  const { store, reader, writer } = ports;
  const { loaded, saved } = request;
  const operation = request.destroy ? 'destroy' : 'apply';
  const locked = { timeoutMs: request.lockTimeoutMs, stack: loaded?.desired.stack };
  return withLockedState(store, operation, locked, async ({ state: existing, record }) => {
    if (request.destroy && !existing) return { status: 'no-state' };
    const desired: Desired = loaded?.desired ?? emptyDesired(existing?.stack ?? 'default');
    // Lineage is born in a state, never copied from a plan file: two states that applied one saved
    // plan would otherwise share it, and each would take the other's resources for leaks (even two
    // jobs racing, which no check can see). A plan made against no state is applied only where no
    // state is yet and it was not applied elsewhere already (see checkUnclaimedLineage).
    if (saved && !existing && saved.plan.serial === 0)
      checkUnclaimedLineage(saved.plan, await readAccount(reader), saved.path, ports.now());
    const doc: StateDocument = existing ?? emptyState(randomUUID(), desired.stack);
    const recorder = record(doc);
    // Only the files the state holds (or the journal names) are read before apply; the others are
    // hashed as they are uploaded. A saved plan's digest covers every file: all are read then
    // (from the cache when `plan -o` ran here).
    const hashCache = await HashCache.load(ports.hashCacheFile);
    try {
      const hashes = await hashFiles(desired, hashCache, doc, saved !== undefined, false);
      const unsettled = doc.pending.length;
      // Settling may call the API (it cleans up duplicates); a refresh-only apply promises not to.
      if (unsettled > 0 && request.refreshOnly)
        return { status: 'refused', diagnostics: [unsettledForRefreshOnly(unsettled)] };
      if (unsettled > 0) {
        // Settling may delete duplicates stamped with this lineage: first make sure the state is
        // this stack's (a state with another stack's lineage would take that stack's objects).
        const suspect = stateOwnershipErrors(doc, await refreshFor(reader, doc, desired));
        if (suspect.length > 0) return { status: 'refused', diagnostics: suspect };
        const settled = await resolveJournal(recorder, desired, hashes, reader, writer, {
          skillClaimsElsewhere: otherSkillClaims(ports.otherStates),
        });
        ui.settled(unsettled, settled.adopted.length, settled.cleaned.length);
      }
      const live = await refreshFor(reader, doc, desired, ports.renderedFiles);
      const prices = request.prices ? { prices: request.prices } : {};
      const plan = planFor({
        desired,
        hashes,
        state: doc,
        live,
        targets: request.targets,
        replace: request.replace ?? [],
        refreshOnly: request.refreshOnly === true,
        ...prices,
      });
      const warnings = [...(loaded?.warnings ?? []), ...plan.warnings];
      if (saved) checkSavedPlan(saved.plan, plan, existing !== undefined, saved.path);
      // Old halves of replacements an earlier run left: not changes of the manifests, but deletes
      // that cost money, so they are carried out even when the plan has nothing else to do.
      const leftovers = plan.refreshOnly ? [] : leftoverDeposed(doc);
      ui.review(plan, leftovers, warnings);
      if (plan.errors.length > 0) return { status: 'refused', diagnostics: [...plan.errors, ...warnings] };
      if (!planHasChanges(plan) && leftovers.length === 0) {
        // Nothing for the API; settings kept only in the state (protect, a moved path) still count.
        if (!request.destroy) {
          await recordSettings(recorder, desired);
          await recordRenderedAgents(recorder, desired, live);
        }
        return { status: 'unchanged' };
      }
      await ui.approve();
      if (plan.refreshOnly) {
        await recordMoves(recorder, plan.moves ?? []);
        let recorded: string[] = [];
        await recorder.mutate((state) => {
          recorded = acceptDrift(state, plan.drift);
        });
        await recorder.settled();
        return { status: 'refreshed', recorded };
      }
      const outcome = await ui.progress((sink, stop) =>
        executePlan({
          plan,
          desired,
          hashes,
          hashCache,
          recorder,
          writer,
          reader,
          renderedFiles: ports.renderedFiles,
          live,
          sink,
          options: {
            parallelism: request.parallelism,
            wait: request.wait,
            waitTimeoutMs: request.waitTimeoutMs,
            stop,
            destroy: request.destroy,
          },
        }),
      );
      return { status: 'applied', outcome };
    } finally {
      // What the uploads hashed, for the next plan (a cache: it never fails the run).
      await hashCache.save();
    }
  });
}

/** Why a refresh-only apply stops where an earlier run left calls unconfirmed. */
function unsettledForRefreshOnly(unsettled: number): Diagnostic {
  return {
    severity: 'error',
    code: 'PENDING_OPERATIONS',
    message: `an earlier apply left ${counted(unsettled, 'call')} unconfirmed; settling them may call the API, which --refresh-only does not`,
    hint: 'run `assistants apply` (or `assistants plan` to see them) first, then --refresh-only',
  };
}

/**
 * What the stack's other workspaces claim of skills, for settling a lost skill create: read only
 * when the settlement asks (after it listed the skills, so that a skill made meanwhile is claimed
 * by then), once. A state that cannot be read might claim any skill: 'unknown' (nothing is
 * adopted; gc --skill-prefix can collect what the lost create left).
 */
function otherSkillClaims(otherStates: ApplyPorts['otherStates']): () => Promise<SkillClaims | 'unknown'> {
  let read: Promise<SkillClaims | 'unknown'> | undefined;
  return () => {
    read ??= otherStates
      ? otherStates().then((others) =>
          others.unreadable.length > 0 ? 'unknown' : skillClaims(others.states),
        )
      : Promise.resolve(skillClaims([]));
    return read;
  };
}
