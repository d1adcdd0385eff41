import type { Diagnostic } from '../errors/index.js';
import { type Action, type Change, type Plan, summarizePlan } from '../model/plan.js';
import { DEFAULT_WORKSPACE } from '../state/workspace-name.js';
import { ACTION_MARKERS, actionPhrase, changeLines, driftLines, isListed } from './change-lines.js';
import { escapeControls } from './format-value.js';
import { linesToDiff, type PlanLine } from './plan-lines.js';
import { createStyle } from './style.js';

export interface PlanMarkdownOptions {
  /** Upper bound on the length of the result; GitHub refuses comments over 65,536 characters. */
  maxChars?: number;
}

export const DEFAULT_MAX_CHARS = 65_000;

/** Addresses listed by name in a banner before the rest are counted, so a banner stays short. */
const BANNER_ITEMS = 30;

/** Longest diagnostic message shown in a banner, in characters. */
const MESSAGE_CHARS = 300;

/** Room kept for the note that says what was left out. */
const NOTE_ROOM = 400;

/** Below this, a change that does not fit is left out rather than shown in part. */
const MIN_PARTIAL = 1_500;

const PLAIN = createStyle(false);

/**
 * The plan as a pull-request comment (GitHub-flavoured Markdown). In order: the summary line with
 * the stack; alerts (errors, which make apply refuse the plan; warnings, each with its code and
 * FILE:LINE:COL where located; destroyed or replaced resources; --refresh=false; --target); the
 * drift; then each listed change folded in `<details>`, its uncoloured text rendering inside a
 * ```diff block whose signs sit in the first column so GitHub colours them. Never longer than
 * `maxChars` (default 65,000): changes are left out whole, from the end, and a note says how many
 * and to run `assistants plan`; one change too large for any comment is shown cut, with its block
 * closed. Banners list at most BANNER_ITEMS entries of at most MESSAGE_CHARS each, so the head stays
 * small. Fences are widened past any backticks in the content. A plan with no changes, drift,
 * errors or warnings is one line.
 */
export function renderPlanMarkdown(plan: Plan, options: PlanMarkdownOptions = {}): string {
  const maxChars = options.maxChars ?? DEFAULT_MAX_CHARS;
  const listed = plan.changes.filter(isListed);
  const stack = `stack ${codeSpan(plan.stack)}, workspace ${codeSpan(plan.workspace ?? DEFAULT_WORKSPACE)}`;
  const inSync = `**Plan:** no changes. The ${plan.refreshed ? 'live resources match' : 'state matches'} the manifests (${stack}).`;
  if (
    listed.length === 0 &&
    plan.drift.length === 0 &&
    plan.errors.length === 0 &&
    plan.warnings.length === 0
  )
    return `${inSync}\n`;

  const { add, change, destroy } = summarizePlan(plan);
  const summary =
    listed.length > 0
      ? `**Plan:** ${add} to add, ${change} to change, ${destroy} to destroy (${stack}).`
      : plan.drift.length > 0
        ? `**Plan:** no changes; ${counted(plan.drift.length, 'resource')} changed outside assistants-iac (${stack}).`
        : plan.errors.length > 0
          ? `**Plan:** no changes (${stack}).`
          : inSync;
  const head = [summary, ...alerts(plan, listed)];

  const sections: Section[] = [];
  if (plan.drift.length > 0)
    sections.push({
      title: '### Changed outside assistants-iac',
      items: plan.drift.map((drift) => {
        const [, ...lines] = driftLines(drift, PLAIN);
        const gone = drift.action === 'delete' || drift.after === null;
        const words = gone ? 'has been deleted' : 'has changed';
        return { summary: `${gone ? '-' : '~'} ${htmlCode(drift.address)} ${words}`, lines };
      }),
    });
  if (listed.length > 0)
    sections.push({
      title: '### Planned changes',
      items: listed.map((change) => {
        const [, ...lines] = changeLines(change, plan, PLAIN);
        const { verb, reason } = actionPhrase(change, plan);
        const words = `${verb}${reason ? ` (${reason})` : ''}`;
        return {
          summary: `${ACTION_MARKERS[change.action]} ${htmlCode(change.address)} ${escapeHtml(words)}`,
          lines,
        };
      }),
    });
  else if (plan.drift.length > 0)
    sections.push({
      title: 'Apply changes nothing: it only records the changes above in the state.',
      items: [],
    });

  return assemble(head, sections, maxChars);
}

interface Item {
  summary: string;
  lines: PlanLine[];
}

interface Section {
  title: string;
  items: Item[];
}

/** Joins the parts, leaving out whole items from the end when the result would exceed maxChars. */
function assemble(head: string[], sections: Section[], maxChars: number): string {
  const out: string[] = [...head];
  const budget = maxChars - NOTE_ROOM;
  // Each part is followed by a blank line (two characters) or, for the last, by one newline.
  let size = head.reduce((n, part) => n + part.length + 2, 0);
  const headSize = size;
  const push = (part: string) => {
    out.push(part);
    size += part.length + 2;
  };
  const total = sections.reduce((n, s) => n + s.items.length, 0);
  let shown = 0;
  let partial = false;
  outer: for (const section of sections) {
    if (size + section.title.length + 2 > budget) break;
    push(section.title);
    for (const item of section.items) {
      const full = details(item, Number.POSITIVE_INFINITY);
      if (size + full.length + 2 <= budget) {
        push(full);
        shown++;
        continue;
      }
      // A change that no comment could hold is shown cut rather than not at all.
      const room = budget - size - 2;
      if (headSize + section.title.length + full.length + 4 > budget && room >= MIN_PARTIAL) {
        push(details(item, room));
        partial = true;
      }
      break outer;
    }
  }
  const left = total - shown - (partial ? 1 : 0);
  if (left > 0 || partial) {
    const parts = [
      left > 0 ? `${counted(left, 'change')} ${left === 1 ? 'is' : 'are'} not shown` : '',
      partial ? 'one change is shown in part' : '',
    ].filter(Boolean);
    out.push(
      `> [!NOTE]\n> This comment is cut to stay within ${maxChars.toLocaleString('en-US')} characters: ${parts.join(' and ')}. Run \`assistants plan\` for the full plan.`,
    );
  }
  const text = `${out.join('\n\n')}\n`;
  // Only a maxChars too small for the head itself gets here; never exceed it.
  return text.length <= maxChars ? text : `${text.slice(0, Math.max(0, maxChars - 2))}…\n`;
}

/**
 * One item folded in `<details>`, its lines in a ```diff block. With a finite `limit`, lines are
 * dropped from the end to fit and the block still closes, ending with a line saying what was cut.
 */
function details(item: Item, limit: number): string {
  const body = linesToDiff(item.lines).split('\n');
  const fence = fenceFor(body);
  const wrap = (lines: string[]) =>
    `<details><summary>${item.summary}</summary>\n\n${fence}diff\n${lines.join('\n')}\n${fence}\n\n</details>`;
  const whole = wrap(body);
  if (whole.length <= limit) return whole;
  const kept: string[] = [];
  let length = wrap([]).length + 80;
  for (const line of body) {
    if (length + line.length + 1 > limit) break;
    kept.push(line);
    length += line.length + 1;
  }
  kept.push(`… ${body.length - kept.length} more lines not shown`);
  return wrap(kept);
}

/** A fence longer than any backtick run in the content, so content cannot close the block. */
function fenceFor(lines: readonly string[]): string {
  const longest = Math.max(0, ...lines.flatMap((line) => (line.match(/`+/g) ?? []).map((run) => run.length)));
  return '`'.repeat(Math.max(3, longest + 1));
}

function alerts(plan: Plan, listed: readonly Change[]): string[] {
  const out: string[] = [];
  if (plan.errors.length > 0)
    out.push(
      alert('CAUTION', [
        `This plan has ${counted(plan.errors.length, 'error')}, and apply refuses it:`,
        ...capped(plan.errors.map(diagnosticItem)),
      ]),
    );
  if (plan.warnings.length > 0)
    out.push(
      alert('WARNING', [
        `This plan has ${counted(plan.warnings.length, 'warning')}:`,
        ...capped(plan.warnings.map(diagnosticItem)),
      ]),
    );
  const lost = listed.filter((c) => LOSSY.has(c.action));
  if (lost.length > 0)
    out.push(
      alert('WARNING', [
        `This plan destroys or replaces ${counted(lost.length, 'resource')}:`,
        ...capped(
          lost.map((c) => {
            const { verb, reason } = actionPhrase(c, plan);
            return `- ${codeSpan(c.address)} ${escapeHtml(verb)}${reason ? ` (${escapeHtml(reason)})` : ''}`;
          }),
        ),
      ]),
    );
  if (!plan.refreshed)
    out.push(
      alert('NOTE', [
        'The API was not read (`--refresh=false`): this plan compares the manifests with the state alone and cannot see changes made outside assistants-iac.',
      ]),
    );
  if (plan.targets.length > 0)
    out.push(
      alert('IMPORTANT', [
        `Resource targeting is in effect: this plan covers only ${plan.targets.map(codeSpan).join(', ')} (\`--target\`) and what ${plan.targets.length === 1 ? 'it depends' : 'they depend'} on, so it may not show every change the manifests ask for.`,
      ]),
    );
  return out;
}

const LOSSY: ReadonlySet<Action> = new Set(['delete', 'delete-create', 'create-delete']);

function alert(kind: 'CAUTION' | 'WARNING' | 'NOTE' | 'IMPORTANT', lines: string[]): string {
  return [`> [!${kind}]`, ...lines.map((line) => `> ${line}`)].join('\n');
}

function capped(items: string[]): string[] {
  if (items.length <= BANNER_ITEMS) return items;
  return [...items.slice(0, BANNER_ITEMS), `- … and ${items.length - BANNER_ITEMS} more`];
}

/**
 * `- CODE message (FILE:LINE:COL)` on one line. A message longer than MESSAGE_CHARS (one quoting a
 * server's last_error, say) is cut, so that a banner of BANNER_ITEMS stays a small part of the
 * comment's budget.
 */
function diagnosticItem(d: Diagnostic): string {
  const where = d.location ? ` (${d.location.file}:${d.location.line}:${d.location.column})` : '';
  const message = d.message.replace(/\s+/g, ' ');
  const shown = message.length > MESSAGE_CHARS ? `${message.slice(0, MESSAGE_CHARS - 1)}…` : message;
  return `- ${codeSpan(d.code)} ${escapeHtml(shown)}${escapeHtml(where)}`;
}

function counted(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** HTML-escaped, with control characters escaped too (a newline would end the summary). */
function escapeHtml(text: string): string {
  return escapeControls(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function htmlCode(text: string): string {
  return `<code>${escapeHtml(text)}</code>`;
}

/** A Markdown code span that holds any text (names derived from paths may contain backticks). */
function codeSpan(raw: string): string {
  const text = escapeControls(raw);
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = '`'.repeat(longest + 1);
  const pad = longest > 0 ? ' ' : '';
  return `${ticks}${pad}${text}${pad}${ticks}`;
}
