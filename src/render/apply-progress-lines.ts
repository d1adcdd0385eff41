import type { ApplyEvent } from '../apply/events.js';
import { type Group, groupPlan, groupTitle, type PhaseNote, PhaseTracker } from './apply-phases.js';
import type { ApplyProgress } from './apply-progress.js';
import { elapsed, journalNotes, stoppingText, summaryBlock, timestampedLine } from './apply-words.js';
import type { Output } from './output.js';
import type { Style } from './style.js';

/** At most one progress line per phase in this many milliseconds (its closing line always shows). */
export const PROGRESS_LINE_INTERVAL_MS = 10_000;

/**
 * Apply progress for CI logs, in lines that do not grow with the number of resources: each prefixed
 * with the ISO-8601 UTC time of the event and written as the events arrive (nothing is redrawn, so
 * logs read top to bottom). A phase (see PhaseTracker) gets a line when it starts (what it will
 * do), a line when it ends (its counts and time, or where a stop left it) and, while it runs, at
 * most one line of counts per PROGRESS_LINE_INTERVAL_MS of `now` when they changed. Each store the
 * attach phase worked on gets a summary line (attached, indexed, failed) when it is done. Every
 * failure gets a line of its own, a file that failed to index once. The summary line is written on
 * `apply-done`; `finish` only ends the phases of a run that threw (calls still open did not
 * finish), and `abandon` has nothing to put right.
 */
export function createLineProgress(out: Output, options: { style: Style; now: () => Date }): ApplyProgress {
  const { style, now } = options;
  const tracker = new PhaseTracker(() => now().getTime());
  // The last line of counts of each phase: when it was written and what it said.
  const shown = new Map<Group, { at: number; text: string }>();
  let stop: string | undefined;
  // Set by `finish` when no apply-done came: apply threw, and calls still open did not finish.
  let threw = false;

  const line = timestampedLine(out, style, now);

  const say = (notes: PhaseNote[]): void => {
    const at = now();
    const moved = new Set<Group>();
    for (const note of notes) {
      const { group } = note;
      switch (note.type) {
        case 'opened':
          // A store is told of once, when it is done: its phase's lines say how all of them go.
          if (group.parent) break;
          shown.set(group, { at: at.getTime(), text: groupTitle(group) });
          line(groupPlan(group), at);
          break;
        case 'failed':
          line(`${note.failure.address}: ${style.red(note.failure.text)}`, at);
          break;
        case 'moved':
          if (!group.parent) moved.add(group);
          break;
        case 'closed': {
          moved.delete(group);
          const took = elapsed((group.closedAt as number) - group.openedAt);
          let ended = ` in ${took}`;
          if (!group.complete && stop) ended = `, stopped on ${stop} after ${took}`;
          else if (threw && group.inFlight.size > 0) ended = `, did not finish (after ${took})`;
          line(`${groupTitle(group)}${ended}`, at);
          break;
        }
      }
    }
    for (const group of moved) {
      if (!group.open) continue;
      const last = shown.get(group);
      // The time first: a title is worth building only when a line may be written.
      if (last && at.getTime() - last.at < PROGRESS_LINE_INTERVAL_MS) continue;
      const text = groupTitle(group);
      if (last?.text === text) continue;
      shown.set(group, { at: at.getTime(), text });
      line(text, at);
    }
  };

  const sink = (event: ApplyEvent): void => {
    switch (event.type) {
      case 'journal-resolved':
        for (const note of journalNotes(event)) line(note);
        return;
      case 'stopping':
        stop ??= event.signal;
        line(stoppingText(event.signal));
        return;
      case 'apply-done':
        say(tracker.closeAll());
        out.stdout(summaryBlock(event, style));
        return;
      default:
        say(tracker.take(event));
    }
  };

  // Every line is written whole as it comes; a run that threw ends its phases' lines here.
  const finish = async () => {
    threw = true;
    say(tracker.closeAll());
  };
  return { sink, finish, abandon: () => {} };
}
