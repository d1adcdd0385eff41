import { dirname } from 'node:path';
import {
  type Document,
  isAlias,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseAllDocuments,
  Scalar,
} from 'yaml';
import type { Diagnostic, SourceLocation } from '../errors/index.js';
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
        const pair = node.items.find((p) => isPair(p) && keyText(p.key) === String(step));
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
   * The location of a substring of a string value, when the scalar is written on one line in plain
   * or quoted style (so offsets in the value match offsets in the source); else the whole value.
   */
  locateInString(path: ValuePath, index: number, length: number): SourceLocation {
    const node = this.nodeAt(path);
    if (!isScalar(node) || !node.range || typeof node.value !== 'string') return this.locate(path);
    const [start, end] = node.range;
    const quoted = node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE;
    if (node.type !== Scalar.PLAIN && !quoted) return this.locate(path);
    const inner = this.text.slice(quoted ? start + 1 : start, quoted ? end - 1 : end);
    if (inner.includes('\n') || (quoted && inner !== node.value)) return this.locate(path);
    const from = (quoted ? start + 1 : start) + index;
    return this.span(from, from + length);
  }
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}

/** Parses a manifest file into its documents; YAML syntax errors and duplicate keys come back located. */
export function parseManifest(
  file: ManifestFile,
  text: string,
): { documents: SourceDocument[]; diagnostics: Diagnostic[] } {
  const lines = new LineCounter();
  const parsed = parseAllDocuments(text, {
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: true,
    merge: true,
  });
  // parseAllDocuments returns an EmptyStream (an array-like with no documents) for empty input.
  const docs = Array.isArray(parsed) ? parsed : [];
  const documents: SourceDocument[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const doc of docs) {
    const source = new SourceDocument(file, text, doc, lines, undefined);
    // Errors found at the end of input (an unclosed bracket or quote) point past the last line;
    // point at the end of the last written line instead, where the fix goes.
    const end = text.trimEnd().length;
    for (const problem of [...doc.errors, ...doc.warnings]) {
      const start = Math.min(problem.pos[0], end);
      const location = source.span(start, Math.max(start, Math.min(problem.pos[1], end)));
      const duplicate = problem.code === 'DUPLICATE_KEY';
      diagnostics.push({
        severity: doc.errors.includes(problem as never) ? 'error' : 'warning',
        code: duplicate ? 'YAML_DUPLICATE_KEY' : 'YAML_SYNTAX',
        message: duplicate ? duplicateKeyMessage(source, problem.pos[0]) : yamlMessage(problem.message),
        location,
        excerpt: source.lineText(location.line),
      });
    }
    if (doc.errors.length > 0) continue;
    // An empty document (a file of comments, or a trailing `---`) contributes nothing.
    if (doc.contents === null) continue;
    try {
      const value: unknown = doc.toJS({ maxAliasCount: 100 });
      documents.push(new SourceDocument(file, text, doc, lines, value));
    } catch (err) {
      // toJS throws on alias bombs ("Excessive alias count") and similar: report, don't crash.
      const location = source.position(doc.range[0]);
      diagnostics.push({
        severity: 'error',
        code: 'YAML_SYNTAX',
        message: err instanceof Error ? err.message : String(err),
        location,
        excerpt: source.lineText(location.line),
      });
    }
  }
  return { documents, diagnostics };
}

function duplicateKeyMessage(source: SourceDocument, offset: number): string {
  const rest = source.text.slice(offset);
  const key = /^["']?([^"':\n]*)/.exec(rest)?.[1]?.trim();
  return key ? `key "${key}" appears twice in this mapping` : 'a key appears twice in this mapping';
}

/** yaml's messages end with a quoted excerpt after a colon; we print our own excerpt, so drop it. */
function yamlMessage(message: string): string {
  const first = message.split('\n')[0] ?? message;
  return first.replace(/ at line \d+, column \d+:?$/, '');
}
