import type { Diagnostic } from '../errors/index.js';
import { type Desired, declaredProtection } from '../model/desired.js';
import { KINDS_IN_DELETE_ORDER, KINDS_IN_ORDER, type ResourceKind } from '../model/kinds.js';
import type { AddressMove } from '../model/moves.js';
import type { Change } from '../model/plan.js';
import { moveResources, recordedMoves } from '../state/move-resources.js';
import type { StateResource } from '../state/state-document.js';
import { pushAll } from '../util/arrays.js';
import { createAgents, deleteAgents, recordRenderedAgents } from './apply-agents.js';
import { createAssistants, deleteAssistants } from './apply-assistants.js';
import { createFiles, deleteFiles } from './apply-files.js';
import { createMemberships, deleteMemberships } from './apply-memberships.js';
import { type ApplyInput, ApplyRun } from './apply-run.js';
import { createSkills, deleteSkills } from './apply-skills.js';
import { createStores, deleteStores } from './apply-stores.js';
import { leftoverDeposed } from './deposed.js';
import type { ApplyCounts } from './events.js';
import { phaseTotals } from './phase-totals.js';
import type { StateRecorder } from './state-recorder.js';

/** A kind's two halves of apply: creates and updates, then (in reverse order) deletes. */
interface KindSteps {
  create(run: ApplyRun, changes: readonly Change[]): Promise<void>;
  delete(run: ApplyRun, changes: readonly Change[]): Promise<void>;
}

/** Each kind's apply steps, one module per kind. Keyed by every kind: a kind left out is a type error. */
const STEPS: { readonly [K in ResourceKind]: KindSteps } = {
  file: { create: createFiles, delete: deleteFiles },
  vector_store: { create: createStores, delete: deleteStores },
  vector_store_file: { create: createMemberships, delete: deleteMemberships },
  assistant: { create: createAssistants, delete: deleteAssistants },
  skill: { create: createSkills, delete: deleteSkills },
  agent: { create: createAgents, delete: deleteAgents },
};

export interface ApplyOutcome {
  counts: ApplyCounts;
  errors: Diagnostic[];
  warnings: Diagnostic[];
  /** True when a stop signal ended the run early. */
  interrupted: boolean;
}

/**
 * Carries out a plan: creates and updates in dependency order (KINDS_IN_ORDER: files, stores,
 * memberships with indexing, assistants, agents), then deletes in reverse, including the old halves of replacements once
 * everything that used them has moved on. Every mutating call is journalled and recorded in the
 * state as it completes. A failed resource fails what depends on it; the rest goes on. Never
 * throws for a failed call: the outcome lists the errors.
 */
export async function executePlan(input: ApplyInput): Promise<ApplyOutcome> {
  const run = new ApplyRun(input);
  const { changes } = input.plan;
  input.sink({
    type: 'apply-start',
    changes: changes.filter((c) => c.action !== 'no-op').length,
    phases: phaseTotals(changes),
  });
  try {
    await recordMoves(run.input.recorder, run.input.plan.moves ?? []);
    await forgetGone(run);
    pushAll(run.deposed, leftoverDeposed(run.state));
    for (const kind of KINDS_IN_ORDER) await STEPS[kind].create(run, changes);
    for (const kind of KINDS_IN_DELETE_ORDER) await STEPS[kind].delete(run, changes);
    if (!run.stopped) {
      await recordSettings(input.recorder, input.desired);
      await recordRenderedAgents(input.recorder, input.desired, input.live);
    }
  } catch (err) {
    // Results recorded so far are written before the error goes up (and the lock is released).
    await input.recorder.settled().catch(() => {});
    throw err;
  }
  await input.recorder.settled();
  const interrupted = run.interrupted;
  input.sink({
    type: 'apply-done',
    counts: run.counts,
    failed: run.errors.length,
    interrupted,
    ...(input.options.destroy ? { destroy: true } : {}),
  });
  return { counts: run.counts, errors: run.errors, warnings: run.warnings, interrupted };
}

/**
 * The plan's moves, re-keyed in the state in one journalled write before any call: the changes
 * that follow name the new addresses. A run interrupted after it finds them moved, and the
 * manifests' `moved:` entries then name nothing the state holds (they are skipped). A
 * refresh-only apply records them too: its drift names the new addresses.
 */
export async function recordMoves(recorder: StateRecorder, moves: readonly AddressMove[]): Promise<void> {
  if (moves.length === 0) return;
  await recorder.mutate((doc) => {
    const renamed = recordedMoves(moves);
    const { resources } = moveResources(doc.resources, renamed);
    // Deleted and assigned one by one: the recorder logs the addresses touched (see StateRecorder).
    // Every moved resource lands where nothing is now, so the loop below assigns it.
    for (const { from } of moves) delete doc.resources[from];
    for (const [address, resource] of Object.entries(resources))
      if (resource !== doc.resources[address]) doc.resources[address] = resource;
    doc.pending = doc.pending.map((op) => {
      const address = renamed(op.address);
      return address === op.address ? op : { ...op, address };
    });
  });
}

/** What the refresh found deleted outside and the manifests no longer want is forgotten. */
async function forgetGone(run: ApplyRun): Promise<void> {
  const wanted = new Set(run.input.plan.changes.map((c) => c.address));
  const gone = run.input.plan.drift.filter((d) => d.action === 'delete' && !wanted.has(d.address));
  if (gone.length === 0) return;
  await run.input.recorder.mutate((doc) => {
    for (const entry of gone)
      if (doc.resources[entry.address]?.id === entry.id) delete doc.resources[entry.address];
  });
}

/**
 * Settings that need no call are recorded as they are now: `protect`, and the path of a file moved
 * to another folder with the same name and bytes (or of a skill's folder moved with its content). Apply calls this even when the plan has nothing
 * for the API to do, so that `protect: true` guards a later destroy.
 */
export async function recordSettings(recorder: StateRecorder, desired: Desired): Promise<void> {
  const protect = declaredProtection(desired);
  const paths = new Map([
    ...desired.files.map((f) => [f.address, f.relativePath] as const),
    ...desired.skills.map((s) => [s.address, s.relativePath] as const),
  ]);
  const hasPath = (resource: StateResource) => resource.kind === 'file' || resource.kind === 'skill';
  const stale = Object.entries(recorder.doc.resources).filter(([address, resource]) => {
    const wanted = protect.get(address);
    const path = paths.get(address);
    return (
      (wanted !== undefined && wanted !== resource.protect) ||
      (hasPath(resource) && path !== undefined && path !== resource.attributes.path)
    );
  });
  if (stale.length === 0) return;
  await recorder.mutate((doc) => {
    for (const [address] of stale) {
      const resource = doc.resources[address];
      if (!resource) continue;
      const path = paths.get(address);
      // Replaced, not edited: the recorder logs what is assigned (see StateRecorder).
      doc.resources[address] = {
        ...resource,
        protect: protect.get(address) ?? resource.protect,
        ...(hasPath(resource) && path !== undefined ? { attributes: { ...resource.attributes, path } } : {}),
      } as typeof resource;
    }
  });
}
