import type { Address } from '../model/address.js';
import { type Attributes, UNKNOWN } from '../model/attributes.js';
import type { ResourceKind } from '../model/kinds.js';
import { type Action, type Change, type Drift, isReplace, type Plan } from '../model/plan.js';
import { type AttributeEntry, changedEntries, createdEntries, entriesToLines } from './attribute-lines.js';
import { escapeControls } from './format-value.js';
import type { Marker, PlanLine } from './plan-lines.js';
import type { Style } from './style.js';

/** The resource line's marker for each action (Terraform's symbols). */
export const ACTION_MARKERS: Record<Exclude<Action, 'no-op'>, Marker> = {
  create: '+',
  update: '~',
  'delete-create': '-/+',
  'create-delete': '+/-',
  delete: '-',
};

/** What each marker means, for the legend above the changes. */
export const MARKER_MEANINGS: Record<Exclude<Action, 'no-op'>, string> = {
  create: 'create',
  update: 'update in-place',
  'delete-create': 'destroy and then create replacement',
  'create-delete': 'create replacement and then destroy',
  delete: 'destroy',
};

/** True for the changes a plan lists: everything but no-ops. */
export function isListed(change: Change): change is Change & { action: Exclude<Action, 'no-op'> } {
  return change.action !== 'no-op';
}

/** True for a change whose resource a `moved:` entry renamed (listed even when nothing else changes). */
export function isMoved(change: Change): change is Change & { previousAddress: Address } {
  return change.previousAddress !== undefined;
}

/**
 * The words for a move, as Terraform writes them: `has moved to NEW` when nothing else changes
 * (after the old address), `(moved from OLD)` beneath the header of a change that does. Plain text.
 */
export function movedPhrase(change: Change & { previousAddress: Address }): string {
  return change.action === 'no-op'
    ? `${escapeControls(change.previousAddress)} has moved to ${escapeControls(change.address)}`
    : `(moved from ${escapeControls(change.previousAddress)})`;
}

/**
 * What happens to the resource, in words, with the reason: `will be created`, `must be replaced
 * (content changed)`. `plan` supplies the dependencies' actions for `dependency_replaced`. Plain
 * text: callers style it.
 */
export function actionPhrase(change: Change, plan: Pick<Plan, 'changes'>): { verb: string; reason: string } {
  const verb = {
    'no-op': 'is unchanged',
    create: 'will be created',
    update: 'will be updated in-place',
    'delete-create': 'must be replaced',
    'create-delete': 'must be replaced',
    delete: 'will be destroyed',
  }[change.action];
  return { verb, reason: reasonPhrase(change, plan) };
}

function reasonPhrase(change: Change, plan: Pick<Plan, 'changes'>): string {
  switch (change.reason) {
    case 'deleted_outside':
      return 'deleted outside assistants-iac';
    case 'expired':
      return 'expired';
    case 'content_changed':
      return 'content changed';
    case 'cannot_update':
      return change.replacePaths.length > 0
        ? `${listWords(change.replacePaths)} cannot be updated in place`
        : 'cannot be updated in place';
    case 'dependency_replaced': {
      const remade = plan.changes.filter(
        (c) => change.dependencies.includes(c.address) && isReplace(c.action),
      );
      if (remade.length === 0) return 'a dependency is replaced';
      return `${listWords(remade.map((c) => c.address))} ${remade.length === 1 ? 'is' : 'are'} replaced`;
    }
    case 'not_in_manifest':
      return 'not in the manifests';
    case 'index_failed':
      return 'the file failed to index: attached again';
    case 'leaked':
      // Skills carry no stamp: gc --skill-prefix names them, and no state of the stack holds them.
      // The address is the id alone: the name is what tells the approver which skill goes.
      if (change.kind === 'skill') {
        const name = (change.before as { name?: unknown } | undefined)?.name;
        const named = typeof name === 'string' ? `"${name}" ` : '';
        return `leaked: ${named}named with the --skill-prefix, held by no state of this stack`;
      }
      return 'leaked: stamped by this stack, absent from its state';
    case 'unused':
      return 'only expired stores used it';
    case 'replace_by_request':
      return 'as --replace asks';
    case 'new_version':
      return 'new version';
    case 'version_deleted':
      return 'its version was deleted outside assistants-iac: new version';
    case 'new':
    case 'changed':
    case 'unchanged':
      return '';
  }
}

/** `a`, `a and b`, `a, b and c`; items are escaped (addresses of glob files come from file names). */
function listWords(raw: readonly string[]): string {
  const items = raw.map(escapeControls);
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/**
 * A listed change as lines: the `# ADDRESS will be …` comment (and `# (moved from OLD)` for a moved
 * one; a move with nothing else to do is `# OLD has moved to NEW` and the resource line), the resource line, then what
 * changes. A create lists every attribute and the id to come; an update or a replacement lists
 * the changed attributes (those forcing the replacement marked) and counts the others; a delete
 * lists nothing more, its header says it all.
 */
export function changeLines(change: Change, plan: Pick<Plan, 'changes'>, style: Style): PlanLine[] {
  if (change.action === 'no-op') {
    // A move alone: apply re-keys the state and calls nothing.
    if (!isMoved(change)) return [];
    return [
      { depth: 0, atMarker: true, text: style.bold(`# ${movedPhrase(change)}`) },
      { depth: 0, marker: ' ', text: resourceTitle(change.address, change.id, style) },
    ];
  }
  const { verb, reason } = actionPhrase(change, plan);
  const loud = change.action === 'create' || change.action === 'update' ? verb : emphasiseLast(verb, style);
  const lines: PlanLine[] = [
    {
      depth: 0,
      atMarker: true,
      text: `${style.bold(`# ${escapeControls(change.address)}`)} ${loud}${reason ? ` (${reason})` : ''}`,
    },
    ...(isMoved(change) ? [{ depth: 0, atMarker: true, text: style.bold(`# ${movedPhrase(change)}`) }] : []),
    {
      depth: 0,
      marker: ACTION_MARKERS[change.action],
      text: resourceTitle(change.address, change.id, style),
    },
  ];
  if (change.action === 'delete') return lines;
  const after = displayed(change.kind, change.after);
  const before = displayed(change.kind, change.before);
  if (change.action === 'create' || before === null) {
    const entries: AttributeEntry[] = createdEntries(after ?? {});
    // Memberships have no id of their own (the store's and the file's are among their attributes),
    // and agents none at all (they are not API objects).
    if (change.kind !== 'vector_store_file' && change.kind !== 'agent')
      entries.push({ sign: '+', label: 'id', after: UNKNOWN });
    return [...lines, ...entriesToLines(entries, 1, style)];
  }
  return [...lines, ...changedBody(before, after ?? {}, change.changedPaths, change.replacePaths, style)];
}

/**
 * A drift entry as lines: `# ADDRESS has changed` with what the API now reports against the state,
 * or `# ADDRESS has been deleted`.
 */
export function driftLines(drift: Drift, style: Style): PlanLine[] {
  const gone = drift.action === 'delete' || drift.after === null;
  const lines: PlanLine[] = [
    {
      depth: 0,
      atMarker: true,
      text: `${style.bold(`# ${escapeControls(drift.address)}`)} ${gone ? 'has been deleted' : 'has changed'}`,
    },
    { depth: 0, marker: gone ? '-' : '~', text: resourceTitle(drift.address, drift.id, style) },
  ];
  if (gone) return lines;
  const before = displayed(drift.kind, drift.before) ?? {};
  const after = displayed(drift.kind, drift.after) ?? {};
  return [...lines, ...changedBody(before, after, drift.changedPaths, [], style)];
}

function changedBody(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  paths: readonly string[],
  forces: readonly string[],
  style: Style,
): PlanLine[] {
  const lines = entriesToLines(changedEntries(before, after, paths, forces, style), 1, style);
  const all = new Set([...Object.keys(before), ...Object.keys(after)]);
  const hidden = [...all].filter((key) => !paths.includes(key)).length;
  // A replacement with nothing changed (an expired store) says why in its header; a lone count adds nothing.
  if (hidden > 0 && paths.length > 0)
    lines.push({
      depth: 1,
      text: style.dim(`(${hidden} unchanged ${hidden === 1 ? 'attribute' : 'attributes'} hidden)`),
    });
  return lines;
}

/** `ADDRESS (id)`. Addresses of glob files hold file names, which may hold any character. */
function resourceTitle(address: Address, id: string | null, style: Style): string {
  return `${style.bold(escapeControls(address))}${id ? ` (${escapeControls(id)})` : ''}`;
}

/** `must be replaced` → `must be` + bold red `replaced`, as Terraform stresses what is lost. */
function emphasiseLast(verb: string, style: Style): string {
  const space = verb.lastIndexOf(' ');
  return `${verb.slice(0, space)} ${style.bold(style.red(verb.slice(space + 1)))}`;
}

/**
 * Attributes as plans show them. A file's or skill's sha256 is cut to its first 12 digits: enough to
 * tell two versions apart, short enough to keep the line readable (the JSON plan keeps the whole hash).
 */
function displayed(kind: ResourceKind, attributes: Attributes | null): Record<string, unknown> | null {
  if (attributes === null) return null;
  const record = attributes as unknown as Record<string, unknown>;
  if (
    (kind !== 'file' && kind !== 'skill') ||
    typeof record.sha256 !== 'string' ||
    record.sha256.length <= 12
  )
    return record;
  return { ...record, sha256: `${record.sha256.slice(0, 12)}…` };
}
