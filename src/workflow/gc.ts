import { deleteGarbage, type GarbageOutcome } from '../apply/collect-garbage.js';
import type { ApplyEventSink } from '../apply/events.js';
import { type Plan, planHasChanges } from '../model/plan.js';
import { collectGarbage, type GarbageOptions } from '../plan/garbage.js';
import { NO_OTHER_STATES, type OtherStates } from '../plan/skill-claims.js';
import type { ApiWriter } from '../provider/api-writer.js';
import type { ApiReader } from '../provider/live-view.js';
import { readAccount } from '../provider/refresh.js';
import type { StateStore } from '../state/state-store.js';
import { withLockedState } from './locked-state.js';

export interface GcPorts {
  store: StateStore;
  reader: ApiReader;
  writer: ApiWriter;
  /** The states of the stack's other workspaces: read only when skills are collected (--skill-prefix). */
  otherStates: () => Promise<OtherStates>;
}

export interface GcRequest {
  options: GarbageOptions;
  /** The stack of the manifests given with -f: a state of another stack is refused. */
  stack?: string;
  lockTimeoutMs: number;
  /** Only find and show what would be collected (gc --dry-run). */
  dryRun?: boolean;
}

/** Where gc hands over to the person running it; the CLI renders each step. */
export interface GcUi {
  /** The deletes found (errors and warnings in the plan), shown before anything is deleted. */
  review(plan: Plan): void;
  /** Asked when there is something to delete, unless --auto-approve says yes; throws to cancel. */
  approve(): Promise<void>;
  /** Runs the deletes with progress shown and stop signals turned into `stop`. */
  progress<T>(
    work: (sink: ApplyEventSink, stop: AbortSignal) => Promise<T>,
  ): Promise<{ result: T; interrupted: boolean }>;
}

export type GcResult =
  | { status: 'no-state' }
  /** The state names something that is not this stack's: nothing is collected (the plan says what). */
  | { status: 'refused' }
  | { status: 'nothing' }
  /** --dry-run: there is something to collect, and nothing was. */
  | { status: 'shown' }
  | { status: 'collected'; outcome: GarbageOutcome; interrupted: boolean };

/** `gc`: finds what to collect, has it reviewed and approved, deletes it, and updates the state. */
export function gcWorkflow(ports: GcPorts, request: GcRequest, ui: GcUi): Promise<GcResult> {
  const locked = { timeoutMs: request.lockTimeoutMs, stack: request.stack };
  return withLockedState(ports.store, 'gc', locked, async ({ state, record }) => {
    if (!state) return { status: 'no-state' };
    const { options } = request;
    // Skills are listed only when they are to be collected: without --skill-prefix gc never
    // touches one, so it does not ask.
    const skills = options.leaked && options.skillPrefix !== undefined;
    const account = await readAccount(ports.reader, { skills });
    // Read after the account: a skill listed there that another workspace's apply made was
    // journalled in that state before it was made, and is recorded there or still journalled now.
    const others = skills ? await ports.otherStates() : NO_OTHER_STATES;
    const plan = collectGarbage(state, account, options, '', others);
    ui.review(plan);
    if (plan.errors.length > 0) return { status: 'refused' };
    if (!planHasChanges(plan)) return { status: 'nothing' };
    if (request.dryRun) return { status: 'shown' };
    await ui.approve();
    const recorder = record(state);
    const { result: outcome, interrupted } = await ui.progress((sink, stop) =>
      deleteGarbage(plan.changes, recorder, ports.writer, sink, stop),
    );
    return { status: 'collected', outcome, interrupted };
  });
}
