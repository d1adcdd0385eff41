import { type Plan, summarizePlan } from '../model/plan.js';
import { DEFAULT_WORKSPACE } from '../state/workspace-name.js';
import { counted } from '../util/words.js';
import {
  ACTION_MARKERS,
  changeLines,
  driftLines,
  isListed,
  isMoved,
  MARKER_MEANINGS,
} from './change-lines.js';
import { costTextBlock } from './cost-text.js';
import { linesToText, paintMarker } from './plan-lines.js';
import type { Style } from './style.js';

/**
 * The plan for people, in Terraform's vocabulary: notes (no refresh, --target), the drift section,
 * a legend of the symbols used, one block per listed change (no-ops are left out, unless moved),
 * `Plan: N to add, N to change, N to destroy.` whenever something changes, then the storage cost
 * (when a store holds or will hold something) and the stores' expiry. Pure: returns the text
 * (ending with a newline) and prints nothing. The plan's errors and warnings are not included: the
 * caller prints them with the diagnostics renderer.
 */
export function renderPlanText(plan: Plan, style: Style): string {
  return [...planTextBlocks(plan, style)].join('');
}

/** About this many characters per piece of planTextChunks. */
const CHUNK_CHARS = 64 * 1024;

/**
 * renderPlanText in pieces of about CHUNK_CHARS, whole blocks (a change, a note) each: together they
 * are exactly renderPlanText's text. The CLI writes them one by one, so a plan of 40,000 changes
 * is never one string of megabytes, nor copied whole on its way out.
 */
export function* planTextChunks(plan: Plan, style: Style): Generator<string> {
  // Blocks gathered into pieces of about CHUNK_CHARS: each write is redacted and sent on its own,
  // and 40,000 small ones cost several times one of a few hundred.
  let piece = '';
  for (const block of planTextBlocks(plan, style)) {
    piece += block;
    if (piece.length >= CHUNK_CHARS) {
      yield piece;
      piece = '';
    }
  }
  if (piece !== '') yield piece;
}

/** renderPlanText's text, a block (a change, a note) at a time. */
function* planTextBlocks(plan: Plan, style: Style): Generator<string> {
  let first = true;
  const block = (text: string) => {
    const chunk = first ? text : `\n\n${text}`;
    first = false;
    return chunk;
  };
  // The default workspace goes unsaid, as before workspaces; any other is named first.
  if (plan.workspace !== undefined && plan.workspace !== DEFAULT_WORKSPACE)
    yield block(`${style.bold('Workspace:')} ${plan.workspace} (stack ${plan.stack})`);
  if (!plan.refreshed) yield block(noRefreshNote(style));
  if (plan.targets.length > 0) yield block(targetWarning(plan.targets, style));

  // Moves are listed even with nothing else to do: apply has the state to re-key.
  const listed = plan.changes.filter((change) => isListed(change) || isMoved(change));
  if (plan.drift.length > 0) {
    yield block(style.bold('Note: Objects have changed outside assistants-iac'));
    yield block(
      'assistants-iac detected the following changes made outside assistants-iac since the last apply:',
    );
    for (const drift of plan.drift) yield block(linesToText(driftLines(drift, style), style));
    if (listed.length > 0 && !plan.refreshOnly)
      yield block('Unless you have made equivalent changes to your manifests, the plan below undoes them.');
  }

  const cost = costTextBlock(plan.cost, style);
  // A refresh-only plan changes nothing: at most the manifests' moves, then what it records.
  if (plan.refreshOnly)
    for (const change of listed) yield block(linesToText(changeLines(change, plan, style), style));
  if (listed.length === 0 || plan.refreshOnly) {
    yield block(noChanges(plan, style));
    if (cost) yield block(cost);
    if (plan.expiries.length > 0) yield block(expiryBlock(plan, style));
    yield '\n';
    return;
  }

  const used = Object.entries(ACTION_MARKERS).filter(([action]) => listed.some((c) => c.action === action));
  // No legend for a plan of moves alone: no symbol is used.
  if (used.length > 0)
    yield block(
      [
        'Resource actions are indicated with the following symbols:',
        ...used.map(
          ([action, marker]) =>
            `${' '.repeat(3 - marker.length)}${paintMarker(marker, style)} ${MARKER_MEANINGS[action as keyof typeof MARKER_MEANINGS]}`,
        ),
      ].join('\n'),
    );
  yield block('assistants-iac will perform the following actions:');
  for (const change of listed) yield block(linesToText(changeLines(change, plan, style), style));
  yield block(planSummaryLine(plan, style));
  if (cost) yield block(cost);
  if (plan.expiries.length > 0) yield block(expiryBlock(plan, style));
  yield '\n';
}

/** When each expiring store goes unless used, and who relies on it. */
function expiryBlock(plan: Plan, style: Style): string {
  const lines = plan.expiries.map((e) => {
    const when =
      e.secondsLeft <= 0
        ? style.red('has expired')
        : e.secondsLeft < 86_400
          ? style.yellow(`expires in ${counted(Math.ceil(e.secondsLeft / 3600), 'hour')}`)
          : `expires in ${counted(Math.ceil(e.secondsLeft / 86_400), 'day')}`;
    const users = e.usedBy.length > 0 ? `; used by ${e.usedBy.join(', ')}` : '';
    return `  ${style.bold(e.address)} ${when} unless used${users}`;
  });
  return ['Vector stores with expires_after (any use resets the clock):', ...lines].join('\n');
}

/** `Plan: 3 to add, 1 to change, 2 to destroy.` (a replacement counts one to add and one to destroy). */
export function planSummaryLine(plan: Pick<Plan, 'changes'>, style: Style): string {
  const { add, change, destroy } = summarizePlan(plan);
  return `${style.bold('Plan:')} ${add} to add, ${change} to change, ${destroy} to destroy.`;
}

function noChanges(plan: Plan, style: Style): string {
  const head = style.green(style.bold('No changes.'));
  // Terraform's words for a refresh-only plan, which is about the state, not the resources.
  if (plan.refreshOnly)
    return plan.drift.length > 0
      ? `${style.bold('Refresh only:')} apply records the ${counted(plan.drift.length, 'change')} above in the state and changes nothing in the API.`
      : `${head} The state matches the live resources: there is nothing to record.`;
  if (plan.drift.length > 0)
    return `${head} The resources already match the manifests: apply changes nothing and only records the changes above in the state.`;
  if (!plan.refreshed) return `${head} The state matches the manifests.`;
  return `${head} The live resources match the manifests.`;
}

function noRefreshNote(style: Style): string {
  return [
    `${style.bold('Note:')} the API was not read (--refresh=false).`,
    'This plan compares the manifests with the state alone: it cannot see changes made outside',
    'assistants-iac, and apply may fail where the live resources differ from the state.',
  ].join('\n');
}

function targetWarning(targets: readonly string[], style: Style): string {
  return [
    style.yellow(style.bold('Warning: Resource targeting is in effect')),
    '',
    `This plan covers only ${targets.join(', ')} (--target) and what ${targets.length === 1 ? 'it depends' : 'they depend'} on,`,
    'so it may not show every change the manifests ask for. --target is meant for exceptional cases,',
    'such as recovering from a mistake; run a full plan before relying on the result.',
  ].join('\n');
}
