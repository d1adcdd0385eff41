import { escapeControls, formatPath, isLongText, isPlainObject, valueLines } from './format-value.js';
import type { PlanLine } from './plan-lines.js';
import type { Style } from './style.js';
import { groupEntries, lineDiff, structuredDiff, type ValueDiffEntry } from './value-diff.js';

/**
 * One attribute (or nested path) to show: `+` a value that appears, `-` one that goes, `~` one that
 * changes. `label` is the path as printed; `note` (styled) ends the entry's first line.
 */
export interface AttributeEntry {
  sign: '+' | '-' | '~';
  label: string;
  before?: unknown;
  after?: unknown;
  note?: string;
  /** For `-`: the attribute stays, cleared (`-> null`), rather than disappearing from an object. */
  toNull?: boolean;
}

/** Every attribute of `after` as `+` entries, in its key order (what a create lists). */
export function createdEntries(after: Record<string, unknown>): AttributeEntry[] {
  return Object.entries(after).map(([label, value]) => ({ sign: '+', label, after: value }));
}

/**
 * Entries for the named top-level attributes of a change. A value that appears from null is `+`
 * and one cleared to null is `-`, as Terraform shows them; `forces` names those that force a
 * replacement, which get `# forces replacement`.
 */
export function changedEntries(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  paths: readonly string[],
  forces: readonly string[],
  style: Style,
): AttributeEntry[] {
  return paths.map((label) => {
    const b = before[label] ?? null;
    const a = after[label] ?? null;
    const forced = forces.some((p) => p === label || p.startsWith(`${label}.`) || p.startsWith(`${label}[`));
    const note = forced ? ` ${style.red('# forces replacement')}` : undefined;
    if (b === null) return { sign: '+', label, after: a, note };
    if (a === null) return { sign: '-', label, before: b, note, toNull: true };
    return { sign: '~', label, before: b, after: a, note };
  });
}

/**
 * Lines for sibling entries at one depth. With `align`, values that fit on the entry's line are
 * aligned after the longest label, as Terraform aligns `=`; that suits attribute names, which are
 * short, but not nested paths and metadata keys, whose lengths vary widely, so nested entries are
 * not aligned. Entries whose detail goes below (line diffs, nested diffs) keep a bare `label:`.
 */
export function entriesToLines(
  entries: readonly AttributeEntry[],
  depth: number,
  style: Style,
  align = true,
): PlanLine[] {
  const width = align ? Math.max(0, ...entries.filter(hasInlineValue).map((e) => e.label.length + 1)) : 0;
  return entries.flatMap((entry) => entryLines(entry, depth, width, style));
}

function entryLines(entry: AttributeEntry, depth: number, width: number, style: Style): PlanLine[] {
  const note = entry.note ?? '';
  const head = (value: string) => `${`${entry.label}:`.padEnd(width)} ${value}`;
  if (entry.sign === '+') return valueBlock('+', valueLines(entry.after), depth, head, note);
  if (entry.sign === '-') {
    const lines = valueLines(entry.before);
    if (entry.toNull) lines[lines.length - 1] = `${lines[lines.length - 1]} -> null`;
    return valueBlock('-', lines, depth, head, note);
  }

  const { before, after } = entry;
  const bare: PlanLine = { depth, marker: '~', text: `${entry.label}:${note}` };
  if (typeof before === 'string' && typeof after === 'string' && (isLongText(before) || isLongText(after)))
    return [bare, ...textDiffLines(before, after, depth + 1, style)];
  if (sameContainer(before, after)) {
    const group = groupEntries(structuredDiff(before, after));
    const label = joinPath(entry.label, formatPath(group.prefix));
    const nested = entriesToLines(group.entries.map(nestedEntry), depth + 1, style, false);
    return [{ depth, marker: '~', text: `${label}:${note}` }, ...nested];
  }
  const old = valueLines(before);
  const now = valueLines(after);
  if (old.length === 1 && now.length === 1)
    return [{ depth, marker: '~', text: `${head(`${old[0]} -> ${now[0]}`)}${note}` }];
  const value = (v: string) => v;
  return [bare, ...valueBlock('-', old, depth + 1, value, ''), ...valueBlock('+', now, depth + 1, value, '')];
}

function hasInlineValue(entry: AttributeEntry): boolean {
  if (entry.sign !== '~') return true;
  const { before, after } = entry;
  if (typeof before === 'string' && typeof after === 'string' && (isLongText(before) || isLongText(after)))
    return false;
  if (sameContainer(before, after)) return false;
  return valueLines(before).length === 1 && valueLines(after).length === 1;
}

function sameContainer(a: unknown, b: unknown): boolean {
  return (isPlainObject(a) && isPlainObject(b)) || (Array.isArray(a) && Array.isArray(b));
}

function nestedEntry(entry: ValueDiffEntry): AttributeEntry {
  const label = formatPath(entry.path);
  switch (entry.op) {
    case 'add':
      return { sign: '+', label, after: entry.after };
    case 'remove':
      return { sign: '-', label, before: entry.before };
    case 'change':
      return { sign: '~', label, before: entry.before, after: entry.after };
  }
}

/** `tools` + `[2].function` → `tools[2].function`; `metadata` + `team` → `metadata.team`. */
function joinPath(label: string, suffix: string): string {
  if (suffix === '') return label;
  return suffix.startsWith('[') ? `${label}${suffix}` : `${label}.${suffix}`;
}

/** A value's lines under one sign: the first carries the marker, the rest follow at the text column. */
function valueBlock(
  sign: '+' | '-',
  lines: readonly string[],
  depth: number,
  head: (first: string) => string,
  note: string,
): PlanLine[] {
  const [first = '', ...rest] = lines;
  return [
    { depth, marker: sign, text: `${head(first)}${note}` },
    ...rest.map((text): PlanLine => ({ depth, text, tone: sign })),
  ];
}

/** A unified diff of two texts, hunk headers at the marker column, as `git diff` prints them. */
export function textDiffLines(before: string, after: string, depth: number, style: Style): PlanLine[] {
  const diff = lineDiff(before, after);
  const lines: PlanLine[] = [];
  if (!diff.complete)
    lines.push({ depth, atMarker: true, text: style.dim('(too different to compare line by line)') });
  for (const hunk of diff.hunks) {
    lines.push({ depth, atMarker: true, text: style.cyan(hunk.header) });
    for (const line of hunk.lines) lines.push({ depth, marker: line.sign, text: escapeControls(line.text) });
  }
  if (diff.newline)
    lines.push({ depth, atMarker: true, text: style.dim(`(newline at end of text ${diff.newline})`) });
  return lines;
}
