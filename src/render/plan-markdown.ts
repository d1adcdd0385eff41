import type { Diagnostic } from '../errors/index.js';
import { parseAddress, vectorStoreAddress } from '../model/address.js';
import { type Change, isReplace, type Plan } from '../model/plan.js';
import { buildResourceGraph, planResources } from '../plan/resource-graph.js';
import { DEFAULT_WORKSPACE } from '../state/workspace-name.js';
import { agrees } from '../util/words.js';
import { ACTION_MARKERS, actionPhrase, changeLines, driftLines, isListed, isMoved } from './change-lines.js';
import { renderCostMarkdown } from './cost-markdown.js';
import { renderGraphMermaid } from './graph-mermaid.js';
import { type Block, fitSections, type Section } from './markdown-budget.js';
import { alert, codeSpan, counted, escapeHtml, fenceFor, htmlCode } from './markdown-text.js';
import { type MembershipGroup, membershipGroups } from './membership-groups.js';
import { linesToDiff, type PlanLine } from './plan-lines.js';
import { quietCreate } from './quiet-attributes.js';
import { createStyle } from './style.js';

export interface PlanMarkdownOptions {
  /** Upper bound on the length of the result; GitHub refuses comments over 65,536 characters. */
  maxChars?: number;
  /** The commit the manifests were read at (short form), named in the heading; none when unknown. */
  commit?: string;
}

export const DEFAULT_MAX_CHARS = 65_000;

/** Past this many nodes the graph is left out: Mermaid draws it, but nobody can read it. */
export const GRAPH_MAX_NODES = 60;

/** Addresses listed by name in a banner before the rest are counted, so a banner stays short. */
const BANNER_ITEMS = 30;

/** Longest diagnostic message shown in a banner, in characters. */
const MESSAGE_CHARS = 300;

/** Room kept for the note that says what was left out. */
const NOTE_ROOM = 400;

/** File names listed under a membership group before the rest are counted. */
const GROUP_NAMES = 200;

const PLAIN = createStyle(false);

/**
 * The hidden first line of a plan comment, naming its stack and workspace, so that CI can find its
 * own comment again and edit it (examples/ci/sticky-comment.cjs writes and looks for the same).
 */
export function planMarker(stack: string, workspace: string): string {
  const safe = (name: string) => name.replace(/[^A-Za-z0-9_.-]/g, (c) => encodeURIComponent(c));
  return `<!-- assistants-iac plan: stack=${safe(stack)} workspace=${safe(workspace)} -->`;
}

/**
 * The plan as a pull-request comment (GitHub-flavoured Markdown), laid out for review. In order:
 * the hidden marker (planMarker); a heading naming the stack, the workspace and the commit; the
 * summary, where a replacement counts as one to replace (never as a destroy); alerts (errors, which
 * make apply refuse the plan; warnings; what is destroyed or replaced; --refresh=false; --target);
 * a Mermaid graph of the changed resources and their neighbours, coloured by action (left out past
 * GRAPH_MAX_NODES); the drift; then the changes: destroys and replacements, agents and assistants,
 * vector stores, their files grouped per store and per cause ("750 files re-attached: chunking
 * 800/400 → 1000/400", one line, not one change each), and the files last. Each change is folded
 * in `<details>`, its text rendering in a ```diff block; creates leave out the ownership stamp and
 * attributes at the server's defaults.
 *
 * Never longer than `maxChars` (default 65,000): file-level detail goes first, then the drift and
 * the graph; the heading, the summary, every destroy and every other change stay (shortened to one
 * line when their diff does not fit), and a note says what was left out. A plan with no changes,
 * drift, errors or warnings is the marker, the heading and one line.
 */
export function renderPlanMarkdown(plan: Plan, options: PlanMarkdownOptions = {}): string {
  const maxChars = options.maxChars ?? DEFAULT_MAX_CHARS;
  const workspace = plan.workspace ?? DEFAULT_WORKSPACE;
  const listed = plan.changes.filter(isListed);
  // Memberships grouped once: the alerts and the changes both list them by group.
  const groups = membershipGroups(listed);
  const commit = options.commit ? `, commit ${codeSpan(options.commit)}` : '';
  const heading = `### Plan: stack ${codeSpan(plan.stack)}, workspace ${codeSpan(workspace)}${commit}`;
  const head = [
    planMarker(plan.stack, workspace),
    heading,
    summaryLine(plan, listed),
    ...alerts(plan, listed, groups),
  ];

  const sections: Section[] = [];
  // What the stack will cost a day comes first, beside the summary: it is what a reviewer signs for.
  const cost = renderCostMarkdown(plan).trimEnd();
  if (cost) sections.push({ title: '', blocks: [{ full: cost, must: true, counts: 'storage table' }] });
  if (listed.length > 0) sections.push({ title: '', blocks: [graphBlock(plan)] });
  if (plan.drift.length > 0)
    sections.push({
      title: '#### Changed outside assistants-iac',
      blocks: plan.drift.map((drift) => {
        const [, ...lines] = driftLines(drift, PLAIN);
        const gone = drift.action === 'delete' || drift.after === null;
        const summary = `${gone ? '-' : '~'} ${htmlCode(drift.address)} ${gone ? 'has been deleted' : 'has changed'}`;
        return { full: details(summary, lines), rank: 2, counts: 'drift entry' };
      }),
    });
  sections.push(...movedSections(plan));
  sections.push(...changeSections(plan, listed, groups));
  if (listed.length === 0 && plan.drift.length > 0)
    sections.push({
      title: '',
      blocks: [
        {
          full: plan.refreshOnly
            ? 'Refresh only: apply records the changes above in the state and changes nothing in the API.'
            : 'Apply changes nothing: it only records the changes above in the state.',
          must: true,
        },
      ],
    });
  return fitSections(head, sections, maxChars, NOTE_ROOM, (left, shortened, partial) =>
    cutNote(left, shortened, partial, maxChars),
  );
}

function summaryLine(plan: Plan, listed: readonly Change[]): string {
  const moved = movedCount(plan);
  if (plan.refreshOnly) {
    const moves = moved > 0 ? ` ${counted(moved, 'resource')} moved in the state.` : '';
    return plan.drift.length > 0
      ? `**Plan (refresh only):** ${counted(plan.drift.length, 'change')} made outside assistants-iac to record in the state; nothing changes in the API.${moves}`
      : `**Plan (refresh only):** no changes made outside assistants-iac; nothing changes in the API.${moves}`;
  }
  if (listed.length > 0 || moved > 0) {
    let add = 0;
    let change = 0;
    let replace = 0;
    let destroy = 0;
    for (const { action } of listed) {
      if (action === 'create') add++;
      else if (action === 'update') change++;
      else if (action === 'delete') destroy++;
      else replace++;
    }
    const moves = moved > 0 ? `; ${counted(moved, 'resource')} moved` : '';
    return `**Plan:** ${add} to add, ${change} to change, ${replace} to replace, ${destroy} to destroy${moves}.`;
  }
  if (plan.drift.length > 0)
    return `**Plan:** no changes; ${counted(plan.drift.length, 'resource')} changed outside assistants-iac.`;
  if (plan.errors.length > 0) return '**Plan:** no changes.';
  return `**Plan:** no changes. The ${plan.refreshed ? 'live resources match' : 'state matches'} the manifests.`;
}

/** Resources the plan only re-keys (a `moved:` entry): counted apart from their memberships. */
function movedOnly(plan: Plan): Change[] {
  return plan.changes.filter((c) => isMoved(c) && c.action === 'no-op');
}

function movedCount(plan: Plan): number {
  return plan.changes.filter((c) => isMoved(c) && c.kind !== 'vector_store_file').length;
}

/**
 * `- vector_store.kb has moved to vector_store.support-kb`, one line per moved resource; the
 * memberships that follow a moved store or file are counted per store, not listed (a renamed store
 * of 3,000 files is one line and a count). A moved resource that also changes shows the move in
 * its own block (changeLines says "moved from").
 */
function movedSections(plan: Plan): Section[] {
  const moved = movedOnly(plan);
  if (moved.length === 0) return [];
  const line = (change: Change) =>
    `- ${htmlCode(change.previousAddress as string)} has moved to ${htmlCode(change.address)}`;
  const members = new Map<string, number>();
  for (const change of moved)
    if (change.kind === 'vector_store_file') {
      const store = parseAddress(change.address)?.store as string;
      members.set(store, (members.get(store) ?? 0) + 1);
    }
  const memberLines = [...members].map(
    ([store, n]) =>
      `- ${counted(n, 'file')} attached to ${htmlCode(vectorStoreAddress(store))} ${agrees(n, 'follows', 'follow')} the move`,
  );
  // Files may move by the thousand (a folder renamed): file-level detail, left out first.
  const block = (c: Change): Block =>
    c.kind === 'file'
      ? { full: line(c), rank: 3, counts: 'moved file' }
      : { full: line(c), must: true, counts: 'move' };
  return [
    {
      title: '#### Moved (no upload, no delete: the state is re-keyed)',
      joiner: '\n',
      blocks: [
        ...moved.filter((c) => c.kind !== 'vector_store_file').map(block),
        ...memberLines.map((full) => ({ full, must: true, counts: 'move' })),
      ],
    },
  ];
}

/** The changes, by what a reviewer looks at first: losses, then agents, stores, and files last. */
function changeSections(plan: Plan, listed: readonly Change[], groups: MembershipGroup[]): Section[] {
  const isFile = (c: Change) => c.kind === 'file';
  const destroyed = listed.filter((c) => c.kind !== 'vector_store_file' && c.action === 'delete');
  const replaced = listed.filter((c) => c.kind !== 'vector_store_file' && !isFile(c) && isReplace(c.action));
  const agents = listed.filter(
    (c) =>
      (c.kind === 'agent' || c.kind === 'assistant' || c.kind === 'skill') &&
      (c.action === 'create' || c.action === 'update'),
  );
  const stores = listed.filter(
    (c) => c.kind === 'vector_store' && (c.action === 'create' || c.action === 'update'),
  );
  const fileChanges = listed.filter((c) => isFile(c) && c.action !== 'delete' && c.action !== 'create');
  const newFiles = listed.filter((c) => isFile(c) && c.action === 'create');
  const must = (c: Change) => changeBlock(c, plan, true);
  const sections: Section[] = [
    {
      title: '#### Destroyed',
      joiner: '\n',
      blocks: destroyed.map((c) => ({ full: destroyLine(c, plan), must: true, counts: 'change' })),
    },
    { title: '#### Replaced', blocks: replaced.map(must) },
    { title: '#### Agents, assistants and skills', blocks: agents.map(must) },
    { title: '#### Vector stores', blocks: stores.map(must) },
    {
      title: '#### Files in vector stores',
      header: '| Store | Files | Change |\n| --- | ---: | --- |',
      joiner: '\n',
      blocks: groups.map((g) => ({ full: groupRow(g), must: true, counts: 'change' })),
    },
    { title: '', blocks: groups.map(groupNamesBlock) },
    { title: '#### Files', blocks: fileChanges.map((c) => changeBlock(c, plan, false)) },
    {
      title: '#### New files',
      header: '| File | Path | Bytes |\n| --- | --- | ---: |',
      joiner: '\n',
      blocks: newFiles.map((c) => ({ full: newFileRow(c), rank: 3, counts: 'file change' })),
    },
  ];
  return sections.filter((s) => s.blocks.length > 0);
}

function changeBlock(change: Change, plan: Plan, must: boolean): Block {
  const quiet = quietCreate(change);
  const [, ...lines] = changeLines(quiet.change, plan, PLAIN);
  if (quiet.hidden > 0)
    lines.push({
      depth: 1,
      text: `(${counted(quiet.hidden, 'attribute')} at ${quiet.hidden === 1 ? 'its default' : 'their defaults'} hidden)`,
    });
  const { verb, reason } = actionPhrase(change, plan);
  const marker = ACTION_MARKERS[change.action as keyof typeof ACTION_MARKERS];
  const summary = `${marker} ${htmlCode(change.address)} ${escapeHtml(`${verb}${reason ? ` (${reason})` : ''}`)}`;
  if (!must) return { full: details(summary, lines), rank: 3, counts: 'file change' };
  return {
    full: details(summary, lines),
    short: `- ${summary}`,
    partial: (limit) => details(summary, lines, limit),
    must: true,
    counts: 'change',
  };
}

/** A destroy needs no diff: `- file.x (file-abc) will be destroyed (not in the manifests)`. */
function destroyLine(change: Change, plan: Plan): string {
  const { verb, reason } = actionPhrase(change, plan);
  const id = change.id ? ` (${htmlCode(change.id)})` : '';
  return `- ${htmlCode(change.address)}${id} ${escapeHtml(`${verb}${reason ? ` (${reason})` : ''}`)}`;
}

/** `~ 750 files re-attached to vector_store.kb: chunking 800/400 → 1000/400`. */
function groupLine(group: MembershipGroup): string {
  const marker = ACTION_MARKERS[group.action];
  const files = counted(group.changes.length, 'file');
  const [verb, ...rest] = group.words.split(': ');
  const to = group.action === 'delete' ? 'from' : 'to';
  const why = rest.length > 0 ? `: ${escapeHtml(rest.join(': '))}` : '';
  return `${marker} ${files} ${escapeHtml(verb ?? '')} ${to} ${htmlCode(group.store)}${why}`;
}

/** `| vector_store.kb | 750 | -/+ re-attached: chunking 800/400 → 1000/400 |`. */
function groupRow(group: MembershipGroup): string {
  const marker = ACTION_MARKERS[group.action];
  const count = group.changes.length.toLocaleString('en-US');
  return `| ${cell(htmlCode(group.store))} | ${count} | ${marker} ${cell(escapeHtml(group.words))} |`;
}

/** The names of a group's files, folded (file-level detail: dropped first). */
function groupNamesBlock(group: MembershipGroup): Block {
  const names = group.changes.map((c) => c.address.slice(c.address.indexOf('/') + 1));
  const shown = names.slice(0, GROUP_NAMES);
  if (names.length > shown.length) shown.push(`… and ${names.length - shown.length} more`);
  const fence = fenceFor(shown);
  const words = group.words.split(': ')[0] ?? '';
  const summary = `The ${counted(names.length, 'file')} ${escapeHtml(words)} (${htmlCode(group.store)})`;
  return {
    full: `<details><summary>${summary}</summary>\n\n${fence}text\n${shown.join('\n')}\n${fence}\n\n</details>`,
    rank: 3,
    counts: 'file list',
  };
}

function newFileRow(change: Change): string {
  const after = (change.after ?? {}) as unknown as Record<string, unknown>;
  const path = typeof after.path === 'string' ? after.path : '';
  const bytes = typeof after.bytes === 'number' ? after.bytes.toLocaleString('en-US') : '';
  return `| ${cell(htmlCode(change.address))} | ${cell(htmlCode(path))} | ${bytes} |`;
}

/** A table cell: a `|` would end it, even inside code. */
function cell(html: string): string {
  return html.replace(/\|/g, '&#124;');
}

/** The Mermaid graph of what changes and its neighbours; a note instead when it is too large. */
function graphBlock(plan: Plan): Block {
  const graph = buildResourceGraph(planResources(plan), { changedOnly: true });
  if (graph.nodes.length > GRAPH_MAX_NODES)
    return {
      full: `<sub>The graph of the changes has ${graph.nodes.length} nodes, more than ${GRAPH_MAX_NODES}: it is left out. \`assistants graph --plan PLANFILE\` draws it.</sub>`,
      rank: 2,
    };
  const nodes = counted(graph.nodes.length, 'resource');
  return {
    full: `<details><summary>Graph of the changes (${nodes})</summary>\n\n\`\`\`mermaid\n${renderGraphMermaid(graph)}\`\`\`\n\n</details>`,
    rank: 2,
    counts: 'graph',
  };
}

/**
 * One change folded in `<details>`, its lines in a ```diff block. With a finite `limit`, lines are
 * dropped from the end to fit and the block still closes, ending with a line saying what was cut.
 */
function details(summary: string, lines: PlanLine[], limit = Number.POSITIVE_INFINITY): string {
  const body = linesToDiff(lines).split('\n');
  const fence = fenceFor(body);
  const wrap = (kept: string[]) =>
    `<details><summary>${summary}</summary>\n\n${fence}diff\n${kept.join('\n')}\n${fence}\n\n</details>`;
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

function cutNote(left: Map<string, number>, shortened: number, partial: boolean, maxChars: number): string {
  const parts = [...left].map(([what, n]) =>
    what === 'graph' ? 'the graph is not shown' : `${counted(n, what)} ${n === 1 ? 'is' : 'are'} not shown`,
  );
  if (shortened > 0)
    parts.push(
      `${counted(shortened, 'change')} ${shortened === 1 ? 'is shown without its' : 'are shown without their'} diff`,
    );
  if (partial) parts.push('one change is shown in part');
  if (parts.length === 0) return '';
  const list = parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
  return alert('NOTE', [
    `This comment is cut to stay within ${maxChars.toLocaleString('en-US')} characters: ${list}. Run \`assistants plan\` for the full plan.`,
  ]);
}

function alerts(plan: Plan, listed: readonly Change[], groups: MembershipGroup[]): string[] {
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
  const lost = listed.filter(
    (c) => c.kind !== 'vector_store_file' && (c.action === 'delete' || isReplace(c.action)),
  );
  const reattached = groups.filter((g) => g.action !== 'create' && g.action !== 'update');
  if (lost.length + reattached.length > 0) {
    const files = reattached.reduce((n, g) => n + g.changes.length, 0);
    const what = [
      lost.length > 0 ? `destroys or replaces ${counted(lost.length, 'resource')}` : '',
      files > 0 ? `detaches or re-attaches ${counted(files, 'file')}` : '',
    ].filter(Boolean);
    out.push(
      alert('WARNING', [
        `This plan ${what.join(' and ')}:`,
        ...capped([
          ...lost.map((c) => {
            const { verb, reason } = actionPhrase(c, plan);
            return `- ${codeSpan(c.address)} ${escapeHtml(verb)}${reason ? ` (${escapeHtml(reason)})` : ''}`;
          }),
          ...reattached.map((g) => `- ${groupLine(g).replace(/^\S+ /, '')}`),
        ]),
      ]),
    );
  }
  if (!plan.refreshed)
    out.push(
      alert('NOTE', [
        'The API was not read (`--refresh=false`): this plan compares the manifests with the state alone and cannot see changes made outside assistants-iac.',
      ]),
    );
  if (plan.targets.length > 0)
    out.push(
      alert('IMPORTANT', [
        `Resource targeting is in effect: this plan covers only ${shortList(plan.targets.map(codeSpan))} (\`--target\`) and what ${plan.targets.length === 1 ? 'it depends' : 'they depend'} on, so it may not show every change the manifests ask for.`,
      ]),
    );
  return out;
}

/** `a, b, c` for at most BANNER_ITEMS items, then how many more. */
function shortList(items: string[]): string {
  if (items.length <= BANNER_ITEMS) return items.join(', ');
  return `${items.slice(0, BANNER_ITEMS).join(', ')} and ${items.length - BANNER_ITEMS} more`;
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
  const file =
    d.location && d.location.file.length > MESSAGE_CHARS
      ? `…${d.location.file.slice(-MESSAGE_CHARS)}`
      : d.location?.file;
  const where = d.location ? ` (${file}:${d.location.line}:${d.location.column})` : '';
  const message = d.message.replace(/\s+/g, ' ');
  const shown = message.length > MESSAGE_CHARS ? `${message.slice(0, MESSAGE_CHARS - 1)}…` : message;
  return `- ${codeSpan(d.code)} ${escapeHtml(shown)}${escapeHtml(where)}`;
}
