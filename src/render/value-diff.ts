import { diffArrays, structuredPatch } from 'diff';
import { isPlainObject } from './format-value.js';

/** A path into a value: object keys and array indexes. */
export type ValuePath = (string | number)[];

/**
 * One difference between two values, at a path relative to them:
 * - `add`: the key (or array element) exists only in `after`;
 * - `remove`: only in `before` (for array elements, `path` ends with the index in `before`);
 * - `change`: both exist and differ, and the diff does not go deeper (scalars, or a change of type).
 */
export type ValueDiffEntry =
  | { op: 'add'; path: ValuePath; after: unknown }
  | { op: 'remove'; path: ValuePath; before: unknown }
  | { op: 'change'; path: ValuePath; before: unknown; after: unknown };

/** Structural equality of attribute values; UNKNOWN equals only itself, key order does not matter. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a))
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]))
    );
  }
  return false;
}

/**
 * The differences between two values, by path, in reading order (`after`'s key order, then keys
 * only in `before`). Objects are compared key by key. Arrays are first matched with an LCS diff, so
 * that an insertion does not read as a change to every later element; then a run of removed
 * elements followed by a run of added ones is paired up element by element where the two look like
 * versions of one thing (scalars, or objects of the same `type`), and the pairs are compared in
 * turn. Unpaired elements are listed whole: `remove` paths end with the index in `before`, `add`
 * and paired paths with the index in `after`. Equal values give no entries.
 */
export function structuredDiff(before: unknown, after: unknown, path: ValuePath = []): ValueDiffEntry[] {
  if (deepEqual(before, after)) return [];
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(after), ...Object.keys(before)])];
    return keys.flatMap((key): ValueDiffEntry[] => {
      const at = [...path, key];
      if (!Object.hasOwn(before, key)) return [{ op: 'add', path: at, after: after[key] }];
      if (!Object.hasOwn(after, key)) return [{ op: 'remove', path: at, before: before[key] }];
      return structuredDiff(before[key], after[key], at);
    });
  }
  if (Array.isArray(before) && Array.isArray(after)) return arrayDiff(before, after, path);
  return [{ op: 'change', path, before, after }];
}

function arrayDiff(before: unknown[], after: unknown[], path: ValuePath): ValueDiffEntry[] {
  const entries: ValueDiffEntry[] = [];
  let oldIndex = 0;
  let newIndex = 0;
  let removed: { index: number; value: unknown }[] = [];
  const flushRemoved = () => {
    for (const r of removed) entries.push({ op: 'remove', path: [...path, r.index], before: r.value });
    removed = [];
  };
  for (const part of diffArrays(before, after, { comparator: deepEqual })) {
    if (part.removed) {
      flushRemoved();
      removed = part.value.map((value) => ({ index: oldIndex++, value }));
      continue;
    }
    if (part.added) {
      part.value.forEach((value, i) => {
        const index = newIndex++;
        const old = removed[i];
        if (old && similar(old.value, value)) {
          entries.push(...structuredDiff(old.value, value, [...path, index]));
          return;
        }
        if (old) entries.push({ op: 'remove', path: [...path, old.index], before: old.value });
        entries.push({ op: 'add', path: [...path, index], after: value });
      });
      removed = removed.slice(part.value.length);
      flushRemoved();
      continue;
    }
    flushRemoved();
    oldIndex += part.value.length;
    newIndex += part.value.length;
  }
  flushRemoved();
  return entries;
}

/** Whether two array elements read as versions of one thing, worth comparing field by field. */
function similar(a: unknown, b: unknown): boolean {
  if (isPlainObject(a) && isPlainObject(b)) return a.type === b.type;
  if (Array.isArray(a) || Array.isArray(b) || isPlainObject(a) || isPlainObject(b))
    return Array.isArray(a) && Array.isArray(b);
  return true;
}

/** Entries regrouped under the longest path they share, with paths made relative to it. */
export interface DiffGroup {
  prefix: ValuePath;
  entries: ValueDiffEntry[];
}

/**
 * Groups entries under the deepest object or array that holds them all, so a change deep in one
 * tool reads `tools[2].function.parameters:` followed by short relative paths. The prefix stops at a
 * JSON Schema root (a function's `parameters`, a response format's `schema`): paths inside a schema
 * read best from its root (`properties.reason.type`). Every entry keeps at least one segment.
 */
export function groupEntries(entries: readonly ValueDiffEntry[]): DiffGroup {
  if (entries.length === 0) return { prefix: [], entries: [] };
  let prefix = entries[0]?.path.slice(0, -1) ?? [];
  for (const entry of entries) {
    const parent = entry.path.slice(0, -1);
    let i = 0;
    while (i < prefix.length && i < parent.length && prefix[i] === parent[i]) i++;
    prefix = prefix.slice(0, i);
  }
  const root = prefix.findIndex(
    (segment, i) =>
      (segment === 'parameters' && prefix[i - 1] === 'function') ||
      (segment === 'schema' && prefix[i - 1] === 'json_schema'),
  );
  if (root >= 0) prefix = prefix.slice(0, root + 1);
  return { prefix, entries: entries.map((entry) => ({ ...entry, path: entry.path.slice(prefix.length) })) };
}

/** One line of a unified diff: ` ` context, `-` only in the old text, `+` only in the new. */
export interface DiffLine {
  sign: ' ' | '-' | '+';
  text: string;
}

export interface Hunk {
  /** `@@ -1,3 +1,3 @@`, with the unified format's convention for empty ranges. */
  header: string;
  lines: DiffLine[];
}

/**
 * A unified line diff of two texts. `newline` tells when only one of them ends with a newline,
 * which the hunks cannot show. `complete` is false when the texts were too different to diff
 * within MAX_EDIT_LENGTH edits: the one hunk then removes every old line and adds every new one.
 */
export interface LineDiff {
  hunks: Hunk[];
  newline: 'added' | 'removed' | undefined;
  complete: boolean;
}

/**
 * Bounds the work of the line diff: Myers' algorithm costs O(N·D), and instructions may be 256,000
 * characters. Past this many edited lines a plain old/new listing says as much as a diff.
 */
const MAX_EDIT_LENGTH = 1000;

/** The line diff of two texts, with `context` unchanged lines around each change (3, as git). */
export function lineDiff(before: string, after: string, context = 3): LineDiff {
  const newline =
    before.endsWith('\n') === after.endsWith('\n') ? undefined : after.endsWith('\n') ? 'added' : 'removed';
  // Both end with a newline for the diff, so that no hunk carries "\ No newline at end of file".
  const oldText = before.endsWith('\n') || before === '' ? before : `${before}\n`;
  const newText = after.endsWith('\n') || after === '' ? after : `${after}\n`;
  const patch = structuredPatch('', '', oldText, newText, undefined, undefined, {
    context,
    maxEditLength: MAX_EDIT_LENGTH,
  });
  if (!patch) {
    const oldLines = splitLines(oldText);
    const newLines = splitLines(newText);
    const lines: DiffLine[] = [
      ...oldLines.map((text) => ({ sign: '-' as const, text })),
      ...newLines.map((text) => ({ sign: '+' as const, text })),
    ];
    return {
      hunks: [{ header: hunkHeader(1, oldLines.length, 1, newLines.length), lines }],
      newline,
      complete: false,
    };
  }
  const hunks = patch.hunks.map((hunk) => ({
    header: hunkHeader(hunk.oldStart, hunk.oldLines, hunk.newStart, hunk.newLines),
    lines: hunk.lines
      .filter((line) => !line.startsWith('\\'))
      .map((line) => ({ sign: line[0] as DiffLine['sign'], text: line.slice(1) })),
  }));
  return { hunks, newline, complete: true };
}

function splitLines(text: string): string[] {
  return text === '' ? [] : text.slice(0, -1).split('\n');
}

function hunkHeader(oldStart: number, oldLines: number, newStart: number, newLines: number): string {
  // Unified diff convention: an empty range names the line before it.
  const from = oldLines === 0 ? oldStart - 1 : oldStart;
  const to = newLines === 0 ? newStart - 1 : newStart;
  return `@@ -${from},${oldLines} +${to},${newLines} @@`;
}
