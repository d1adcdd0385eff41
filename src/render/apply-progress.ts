import type { ApplyEventSink } from '../apply/events.js';
import { createLineProgress } from './apply-progress-lines.js';
import { createTaskProgress } from './apply-progress-tasks.js';
import { createVerboseProgress } from './apply-progress-verbose.js';
import type { Output } from './output.js';
import type { Style } from './style.js';

export { PROGRESS_LINE_INTERVAL_MS } from './apply-progress-lines.js';
export { type ApplyOutcome, applySummaryLine } from './apply-words.js';

/**
 * `tty`: a live listr2 task list, a task per phase and per store; `plain`: timestamped lines for
 * logs, a few per phase.
 */
export type ProgressMode = 'tty' | 'plain';

/** A listener for apply's events: give `sink` to the executor, then await `finish` before printing more. */
export interface ApplyProgress {
  sink: ApplyEventSink;
  /**
   * Resolves once everything is written, ending with the summary line of `apply-done` (if one came).
   * Call it after the executor returns or throws: in `tty` mode it ends the live list (tasks still
   * open are marked as not finished) and nothing else may write to stdout until it resolves.
   */
  finish(): Promise<void>;
  /**
   * For an exit that cannot wait (a second Ctrl-C): synchronously leaves the terminal usable, the
   * live list as last drawn, the cursor shown again and on a line of its own, with nothing more to
   * be written. A no-op in `plain` mode and once `finish` has resolved.
   */
  abandon(): void;
}

/**
 * Renders apply progress on `out.stdout` (errors are not shown in full here: the CLI prints them as
 * diagnostics on stderr). `mode` is the CLI's choice (see progressMode there); `verbose` (--verbose) writes a line per
 * call of every resource instead, in either mode; `now` stamps the lines and times their throttles
 * (default: the system clock).
 */
export function createApplyProgress(
  out: Output,
  options: { style: Style; mode: ProgressMode; verbose?: boolean; now?: () => Date },
): ApplyProgress {
  const now = options.now ?? (() => new Date());
  if (options.verbose) return createVerboseProgress(out, { style: options.style, now });
  if (options.mode === 'tty') return createTaskProgress(out, { style: options.style });
  return createLineProgress(out, { style: options.style, now });
}
