import type { ApplyEvent } from '../apply/events.js';
import type { Address } from '../model/address.js';
import type { ApplyProgress } from './apply-progress.js';
import {
  actionWords,
  failureText,
  fileCounts,
  journalNotes,
  stoppingText,
  summaryBlock,
  timestampedLine,
} from './apply-words.js';
import type { Output } from './output.js';
import type { Style } from './style.js';

/** At most one indexing line per store in this many milliseconds (the final count always shows). */
export const INDEXING_LINE_INTERVAL_MS = 5000;

/**
 * Apply progress with `--verbose`, on any output: one line per event that matters, every call of
 * every resource included, each prefixed with the ISO-8601 UTC time of the event, written as the
 * events arrive (nothing is redrawn, so logs read top to bottom). Indexing lines are throttled per
 * store: only when the counts change, and at most one per INDEXING_LINE_INTERVAL_MS of `now`;
 * `indexing-done` always prints. A member that failed to index gets one line (`FAILED to index`),
 * not a second for the resource-failed that follows. The summary line is written on `apply-done`;
 * `finish` has nothing left to wait for, and `abandon` nothing to put right.
 */
export function createVerboseProgress(
  out: Output,
  options: { style: Style; now: () => Date },
): ApplyProgress {
  const { style, now } = options;
  const phases = new Map<Address, 'create' | 'delete'>();
  const lastIndexing = new Map<Address, { at: number; counts: string }>();
  // Members whose `file-failed` line was written: their resource-failed repeats it (INDEXING_FAILED).
  const indexFailed = new Set<Address>();

  const line = timestampedLine(out, style, now);

  const sink = (event: ApplyEvent): void => {
    switch (event.type) {
      case 'apply-start':
        return;
      case 'journal-resolved':
        for (const note of journalNotes(event)) line(note);
        return;
      case 'resource-start':
        phases.set(event.address, event.phase);
        line(`${event.address}: ${actionWords(event.action, event.phase).doing}...`);
        return;
      case 'resource-done': {
        phases.delete(event.address);
        const id = event.id === undefined ? '' : ` (${event.id})`;
        line(`${event.address}: ${actionWords(event.action, event.phase).done}${id}`);
        return;
      }
      case 'resource-failed': {
        const { verb } = actionWords(event.action, phases.get(event.address));
        phases.delete(event.address);
        if (indexFailed.delete(event.address)) return;
        line(`${event.address}: ${style.red(failureText(verb, event.error.code, event.error.message))}`);
        return;
      }
      case 'indexing': {
        const at = now();
        const counts = fileCounts(event);
        const last = lastIndexing.get(event.address);
        if (last && (last.counts === counts || at.getTime() - last.at < INDEXING_LINE_INTERVAL_MS)) return;
        lastIndexing.set(event.address, { at: at.getTime(), counts });
        line(`${event.address}: indexing ${counts}`, at);
        return;
      }
      case 'indexing-done':
        lastIndexing.delete(event.address);
        line(`${event.address}: indexed ${fileCounts(event)}`);
        return;
      case 'file-failed':
        indexFailed.add(event.file);
        line(`${event.file}: ${style.red(failureText('index', event.code, event.message))}`);
        return;
      case 'stopping':
        line(stoppingText(event.signal));
        return;
      case 'apply-done':
        out.stdout(summaryBlock(event, style));
        return;
    }
  };

  // Every line is written whole as it comes: nothing to wait for, nothing to put right.
  return { sink, finish: async () => {}, abandon: () => {} };
}
