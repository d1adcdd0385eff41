import { dirname } from 'node:path';
import {
  type Document,
  isAlias,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  type LineCounter,
  type Node,
  type Pair,
  stringify,
  type YAMLMap,
} from 'yaml';
import type { SourceLocation } from '../errors/index.js';
import type { ManifestFile } from './manifest-files.js';

/** A path into a manifest value: keys of mappings and indexes of sequences. */
export type ValuePath = readonly (string | number)[];

/**
 * One YAML document of a manifest file, with what is needed to point at any of its values: the
 * parsed value, the YAML node tree and a line counter. A file with several `---` documents gives
 * several of these, each a partial manifest.
 */
export class SourceDocument {
  constructor(
    readonly file: ManifestFile,
    readonly text: string,
    readonly doc: Document.Parsed,
    readonly lines: LineCounter,
    /** The plain value of the document (mappings as objects); `${env:...}` not yet applied. */
    readonly value: unknown,
    /** True when the YAML has errors: there is no value then, and nothing in it is checked further. */
    readonly broken = false,
  ) {}

  /** The folder of the manifest file: relative paths in the document resolve against it. */
  get dir(): string {
    return dirname(this.file.path);
  }

  /** Where the value at `path` is, or its key when `at` is 'key'. Falls back to the nearest ancestor found. */
  locate(path: ValuePath, at: 'value' | 'key' = 'value'): SourceLocation {
    const node = this.nodeAt(path, at);
    const range = node?.range;
    if (!range) return this.position(0);
    return this.span(range[0], range[1]);
  }

  /** The source text of the value at `path` (e.g. `1.0` where the value is the number 1). */
  sourceText(path: ValuePath): string | undefined {
    const range = this.nodeAt(path)?.range;
    return range ? this.text.slice(range[0], range[1]) : undefined;
  }

  /** The location of a character offset in the file. */
  position(offset: number): SourceLocation {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file.displayPath, line, column: col };
  }

  /** The location of the text between two offsets. */
  span(start: number, end: number): SourceLocation {
    const from = this.lines.linePos(start);
    const to = this.lines.linePos(Math.max(start, end));
    return {
      file: this.file.displayPath,
      line: from.line,
      column: from.col,
      endLine: to.line,
      endColumn: to.col,
    };
  }

  /** The text of line `line` (1-based), without its line break. */
  lineText(line: number): string {
    const starts = this.lines.lineStarts;
    const start = starts[line - 1];
    if (start === undefined) return '';
    const next = starts[line];
    const raw = this.text.slice(start, next === undefined ? undefined : next);
    return raw.replace(/\r?\n$/, '');
  }

  /** The YAML node at `path` (or the key node of its last step), or the deepest ancestor that exists. */
  nodeAt(path: ValuePath, at: 'value' | 'key' = 'value'): Node | undefined {
    let node: unknown = this.doc.contents;
    let found: Node | undefined = isNode(node) ? node : undefined;
    for (let i = 0; i < path.length; i++) {
      const step = path[i];
      if (isAlias(node)) node = node.resolve(this.doc);
      if (isMap(node)) {
        const pair = pairsByKey(node).get(String(step));
        if (!pair) return found;
        if (at === 'key' && i === path.length - 1 && isNode(pair.key)) return pair.key;
        // A key with no value (`name:`) has no value node, or an empty one: point at the key then.
        node = pair.value;
        const range = isNode(pair.value) ? pair.value.range : undefined;
        const written = range !== undefined && range !== null && range[1] > range[0];
        const next = written ? (pair.value as Node) : isNode(pair.key) ? pair.key : undefined;
        if (!next) return found;
        found = next;
      } else if (isSeq(node)) {
        const item = node.items[Number(step)];
        if (!isNode(item)) return found;
        node = item;
        found = item;
      } else {
        return found;
      }
    }
    return found;
  }

  /**
   * The location of the text `match`, which stands at `index` in the string value at `path`: found
   * in the source of the scalar (block and quoted styles included) by counting earlier occurrences;
   * the whole value when the source spells it differently (escapes, line folding).
   */
  locateInString(path: ValuePath, index: number, match: string): SourceLocation {
    const node = this.nodeAt(path);
    if (!isScalar(node) || !node.range || typeof node.value !== 'string') return this.locate(path);
    let occurrence = 0;
    for (let i = node.value.indexOf(match); i !== -1 && i < index; i = node.value.indexOf(match, i + 1))
      occurrence++;
    const [start, end] = node.range;
    const source = this.text.slice(start, end);
    let at = source.indexOf(match);
    for (let k = 0; k < occurrence && at !== -1; k++) at = source.indexOf(match, at + 1);
    if (at === -1) return this.locate(path);
    return this.span(start + at, start + at + match.length);
  }
}

/** The pairs of a mapping by key text, the first of each key: built once, as diagnostics ask often. */
const pairIndex = new WeakMap<YAMLMap, Map<string, Pair>>();
function pairsByKey(map: YAMLMap): Map<string, Pair> {
  let index = pairIndex.get(map);
  if (!index) {
    index = new Map();
    for (const pair of map.items) {
      if (!isPair(pair)) continue;
      const key = keyText(pair.key);
      if (key !== undefined && !index.has(key)) index.set(key, pair);
    }
    pairIndex.set(map, index);
  }
  return index;
}

/** A mapping key as the plain value sees it: collection keys are stringified like yaml's toJS does. */
export function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  // An alias cannot be stringified on its own (its anchor is elsewhere): known at once, without
  // the Error stringify would throw, as YAML that does not parse may hold hundreds of thousands.
  if (!isNode(key) || isAlias(key)) return undefined;
  try {
    // The same text yaml's toJS makes of a collection key.
    return stringify(key, { flow: true }).trimEnd();
  } catch {
    // A collection key holding an unresolvable alias or merge cannot be stringified.
    return undefined;
  }
}
