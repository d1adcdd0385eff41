import type { ApplyCounts, ApplyEvent } from '../apply/events.js';
import type { ResourceKind } from '../model/kinds.js';
import { type Action, isReplace } from '../model/plan.js';
import type { Output } from './output.js';
import type { Style } from './style.js';

/**
 * The words both apply progress views use, so that the CI log and the terminal say the same thing.
 * `doing` while the call runs ("creating"), `done` once it succeeded ("created"), `verb` after
 * "FAILED to" ("create").
 */
export interface ActionWords {
  doing: string;
  done: string;
  verb: string;
}

/**
 * Words for one resource event. A replacement runs as two halves, told apart by `phase`: the create
 * half makes the replacement, the delete half destroys the old object. `phase` is undefined when not
 * known (a failure reported without a start), which reads as the replacement as a whole.
 */
export function actionWords(action: Action, phase: 'create' | 'delete' | undefined): ActionWords {
  if (isReplace(action)) {
    if (phase === 'create')
      return { doing: 'creating replacement', done: 'created replacement', verb: 'create replacement' };
    if (phase === 'delete') return { doing: 'destroying old', done: 'destroyed old', verb: 'destroy old' };
    return { doing: 'replacing', done: 'replaced', verb: 'replace' };
  }
  switch (action) {
    case 'create':
      return { doing: 'creating', done: 'created', verb: 'create' };
    case 'update':
      return { doing: 'modifying', done: 'modified', verb: 'modify' };
    case 'delete':
      return { doing: 'destroying', done: 'destroyed', verb: 'destroy' };
    default:
      return { doing: 'reading', done: 'unchanged', verb: 'read' };
  }
}

/** `FAILED to create: API_ERROR: message`; only the first line of the message (the rest is on stderr). */
export function failureText(verb: string, code: string, message: string): string {
  return `FAILED to ${verb}: ${code}: ${firstLine(message)}`;
}

/**
 * `34/40 files` with ` (1 failed)` when some failed, `word` in between when given (`34/40 files
 * indexed (1 failed)`); completed counts the indexed files only.
 */
export function fileCounts(
  counts: { completed: number; failed: number; total: number },
  word?: string,
): string {
  const failed = counts.failed > 0 ? ` (${counts.failed} failed)` : '';
  return `${counts.completed}/${counts.total} files${word === undefined ? '' : ` ${word}`}${failed}`;
}

/** How an apply (or destroy) ended; `interrupted` wins over `failed` when both hold. */
export interface ApplyOutcome {
  failed: number;
  interrupted: boolean;
  /** destroy: `Destroy complete! Resources: N destroyed.` */
  destroy?: boolean;
}

/**
 * The last line of apply: `Apply complete! Resources: 1 added, 0 changed, 2 destroyed.`, or
 * `Apply interrupted. Resources so far: ...` after SIGINT/SIGTERM, or `Apply finished with errors.
 * Resources: ...` when resources failed. No trailing newline.
 */
export function applySummaryLine(counts: ApplyCounts, outcome: ApplyOutcome, style: Style): string {
  const verb = outcome.destroy ? 'Destroy' : 'Apply';
  const resources = outcome.destroy
    ? `${counts.destroyed} destroyed.`
    : `${counts.added} added, ${counts.changed} changed, ${counts.destroyed} destroyed.`;
  if (outcome.interrupted)
    return `${style.bold(style.yellow(`${verb} interrupted.`))} Resources so far: ${resources}`;
  if (outcome.failed > 0)
    return `${style.bold(style.red(`${verb} finished with errors.`))} Resources: ${resources}`;
  return `${style.bold(style.green(`${verb} complete!`))} Resources: ${resources}`;
}

function firstLine(text: string): string {
  const newline = text.indexOf('\n');
  return newline === -1 ? text : `${text.slice(0, newline)} ...`;
}

/** A phase's verb for what it still has to do (`upload`) and for what it did (`uploaded`). */
interface PhaseVerb {
  verb: string;
  done: string;
}

/**
 * The verb of one call in a phase: uploads and attachments say so, the delete half destroys (or
 * detaches an attachment), an update modifies, a store made again replaces, the rest creates.
 */
function phaseVerb(kind: ResourceKind, phase: 'create' | 'delete', action: Action): PhaseVerb {
  if (phase === 'delete')
    return kind === 'vector_store_file'
      ? { verb: 'detach', done: 'detached' }
      : { verb: 'destroy', done: 'destroyed' };
  if (action === 'update') return { verb: 'modify', done: 'modified' };
  if (kind === 'file') return { verb: 'upload', done: 'uploaded' };
  if (kind === 'vector_store_file') return { verb: 'attach', done: 'attached' };
  if (action === 'delete-create') return { verb: 'replace', done: 'replaced' };
  return { verb: 'create', done: 'created' };
}

/**
 * The words of a phase whose calls take these actions: one verb when they agree (`upload`,
 * `uploaded`), else each verb (`create or modify`) and `done`. No actions yet reads as the phase's
 * usual verb.
 */
export function phaseWords(
  kind: ResourceKind,
  phase: 'create' | 'delete',
  actions: Iterable<Action>,
): PhaseVerb {
  const verbs = new Map<string, PhaseVerb>();
  for (const action of actions) {
    const words = phaseVerb(kind, phase, action);
    verbs.set(words.verb, words);
  }
  const all = [...verbs.values()];
  if (all.length === 0) return phaseVerb(kind, phase, 'create');
  if (all.length === 1) return all[0] as PhaseVerb;
  return { verb: all.map((words) => words.verb).join(' or '), done: 'done' };
}

/** A count for people: `1,000`. */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** A phase's time for a log line: `850ms`, `12.3s`, `4m05s`. */
export function elapsed(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}

/** What settling an interrupted apply's journal did, a line for each kind of outcome there was. */
export function journalNotes(event: { adopted: readonly string[]; cleaned: readonly string[] }): string[] {
  const notes: string[] = [];
  if (event.adopted.length > 0)
    notes.push(`adopted what an interrupted apply made: ${event.adopted.join(', ')}`);
  if (event.cleaned.length > 0)
    notes.push(`cleaned up after an interrupted apply: ${event.cleaned.join(', ')}`);
  return notes;
}

/** Said when a signal stops apply. */
export function stoppingText(signal: string): string {
  return `stopping on ${signal}: letting calls in flight finish`;
}

/** Writes a log line prefixed with the ISO-8601 UTC time of the event (`at`, else `now()`). */
export function timestampedLine(
  out: Output,
  style: Style,
  now: () => Date,
): (text: string, at?: Date) => void {
  return (text, at = now()) => out.stdout(`${style.dim(at.toISOString())} ${text}\n`);
}

/** The summary that ends apply's output, set off by a blank line. */
export function summaryBlock(done: Extract<ApplyEvent, { type: 'apply-done' }>, style: Style): string {
  return `\n${applySummaryLine(done.counts, done, style)}\n`;
}
