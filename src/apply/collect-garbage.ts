import { type Diagnostic, toAssistantsError } from '../errors/index.js';
import type { Change } from '../model/plan.js';
import { type ApiWriter, deleteRemote } from '../provider/api-writer.js';
import type { ApplyCounts, ApplyEventSink } from './events.js';
import { withJournalEntry } from './journal.js';
import { phaseTotals } from './phase-totals.js';
import { forgetResource } from './remove.js';
import type { StateRecorder } from './state-recorder.js';

export interface GarbageOutcome {
  counts: ApplyCounts;
  errors: Diagnostic[];
}

/**
 * Carries out a gc plan: each delete journalled, and the state updated after it (an expired store
 * takes its memberships out of the state with it). A leaked resource was never in the state, so
 * only the API changes. One at a time, in the plan's order (assistants, stores, files).
 */
export async function deleteGarbage(
  changes: readonly Change[],
  recorder: StateRecorder,
  writer: ApiWriter,
  sink: ApplyEventSink,
  stop: AbortSignal,
): Promise<GarbageOutcome> {
  const counts: ApplyCounts = { added: 0, changed: 0, destroyed: 0 };
  const errors: Diagnostic[] = [];
  sink({ type: 'apply-start', changes: changes.length, phases: phaseTotals(changes) });
  for (const change of changes) {
    if (stop.aborted) break;
    const id = change.id as string;
    sink({
      type: 'resource-start',
      address: change.address,
      kind: change.kind,
      action: 'delete',
      phase: 'delete',
    });
    try {
      await withJournalEntry(
        recorder,
        [{ address: change.address, kind: change.kind, operation: 'delete', resource_id: id }],
        () => deleteRemote(writer, change.kind, id),
        (doc) => forgetResource(doc, change.address, change.kind, id),
      );
      counts.destroyed += 1;
      sink({
        type: 'resource-done',
        address: change.address,
        kind: change.kind,
        action: 'delete',
        phase: 'delete',
        id,
      });
    } catch (err) {
      const error = toAssistantsError(err);
      const diagnostic: Diagnostic = {
        severity: 'error',
        code: error.code,
        message: `${change.address}: ${error.message}`,
      };
      errors.push(diagnostic);
      sink({
        type: 'resource-failed',
        address: change.address,
        kind: change.kind,
        action: 'delete',
        error: diagnostic,
      });
    }
  }
  await recorder.settled();
  sink({ type: 'apply-done', counts, failed: errors.length, interrupted: stop.aborted, destroy: true });
  return { counts, errors };
}
