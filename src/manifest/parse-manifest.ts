import {
  type Document,
  isMap,
  isNode,
  isScalar,
  LineCounter,
  parseAllDocuments,
  visit,
  type YAMLError,
} from 'yaml';
import type { Diagnostic, ErrorCode, SourceLocation } from '../errors/index.js';
import { bareInterpolation } from './bare-interpolation.js';
import type { ManifestFile } from './manifest-files.js';
import {
  MANIFEST_KEYS,
  MANIFEST_RULE,
  meantAsManifest,
  type Skipped,
  type TopLevel,
  topLevelOf,
  whyNotManifest,
} from './manifest-rule.js';
import { listed } from './rules/listed.js';
import { keyText, SourceDocument } from './source-document.js';
import { didYouMean } from './suggest.js';
import { checkYamlShape, MAX_ALIAS_VALUES, MAX_DEPTH } from './yaml-shape.js';

/**
 * Parses a manifest file into its documents. In a file found in a folder (`file.folder`), a
 * document that is no manifest (see whyNotManifest) is skipped, and comes back in `skipped`;
 * in a file named itself, one that is not meant as one (see meantAsManifest) is a NOT_A_MANIFEST
 * error. A document that does not parse gives one located error, its first (a hint when the
 * cause is an unquoted `${`), not the cascade the parser's recovery finds after it; it comes back
 * marked `broken`, with no value, so that nothing else is checked against what it may hold.
 * Duplicate keys and values too deep or endless are located too, each of them (they are not
 * cascades). The caller bounds what it is given (see readManifests): the parser's time and memory
 * grow with the values it builds. `text` comes without a byte-order mark (readManifests takes it
 * off, which would shift every column of line 1 by one).
 */
export function parseManifest(
  file: ManifestFile,
  text: string,
): { documents: SourceDocument[]; diagnostics: Diagnostic[]; skipped: Skipped[] } {
  const lines = new LineCounter();
  const parsed = withoutStackTraces(() =>
    parseAllDocuments(text, {
      lineCounter: lines,
      prettyErrors: false,
      // Duplicate keys are found below, in one pass: yaml's own check compares every key with every
      // other, which takes minutes on a large mapping.
      uniqueKeys: false,
      merge: true,
      // YAML 1.1 tags (!!omap, !!set, !!binary, !!timestamp) would become Maps, Sets and Dates that
      // have no place in a manifest; unresolved, they are reported below.
      resolveKnownTags: false,
      // yaml would otherwise print its own warnings (e.g. about collection keys) to stderr.
      logLevel: 'silent',
    }),
  );
  // parseAllDocuments returns an EmptyStream (an array-like with no documents) for empty input.
  const docs = Array.isArray(parsed) ? parsed : [];
  const documents: SourceDocument[] = [];
  const diagnostics: Diagnostic[] = [];
  const skipped: Skipped[] = [];
  // Errors found at the end of input (an unclosed bracket or quote) point past the last line;
  // point at the end of the last written line instead, where the fix goes.
  const end = text.trimEnd().length;
  docs.forEach((doc, index) => {
    // The document as broken: used to locate errors, and kept as it is when it does not parse.
    const probe = new SourceDocument(file, text, doc, lines, undefined, true);
    const located = (code: ErrorCode, message: string, from: number, to: number): Diagnostic => {
      const start = Math.min(from, end);
      const location = probe.span(start, Math.max(start, Math.min(to, end)));
      return { severity: 'error', code, message, location, excerpt: probe.lineText(location.line) };
    };
    const report = (code: ErrorCode, message: string, from: number, to: number) =>
      diagnostics.push(located(code, message, from, to));
    // An empty document (a file of comments, `~`, or a trailing `---`) contributes nothing.
    if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) return;
    const problems = [...doc.errors, ...doc.warnings];
    const top = topLevelOf(doc, text);
    if (file.folder !== undefined) {
      const reason = whyNotManifest(top);
      if (reason !== undefined) {
        skipped.push({ file: file.displayPath, document: index + 1, reason });
        return;
      }
    } else if (problems.length === 0 && !meantAsManifest(top)) {
      diagnostics.push(notAManifest(probe, top, located));
      return;
    }
    const first = problems.sort((a, b) => a.pos[0] - b.pos[0])[0];
    if (first) {
      diagnostics.push(yamlError(probe, first, located));
      documents.push(probe);
      return;
    }
    // Endless, exploding or too deep values: located here, and never turned into plain values.
    const shape = checkYamlShape(doc);
    for (const problem of shape) report(problem.code, problem.message, problem.range[0], problem.range[1]);
    const clashes = shape.some((p) => p.code === 'YAML_TOO_DEEP') ? 0 : reportKeyClashes(doc, report);
    if (shape.length > 0 || clashes > 0) {
      documents.push(probe);
      return;
    }
    try {
      // checkYamlShape has bounded what aliases add; yaml's own count is a second guard.
      const value: unknown = doc.toJS({ maxAliasCount: MAX_ALIAS_VALUES });
      documents.push(new SourceDocument(file, text, doc, lines, value));
    } catch (err) {
      // toJS throws on what it cannot represent (e.g. a merge key whose source is not a mapping).
      const message = err instanceof Error ? err.message : String(err);
      report(/alias/i.test(message) ? 'YAML_ALIAS' : 'YAML_SYNTAX', message, doc.range[0], doc.range[0]);
      documents.push(probe);
    }
  });
  // A file of a folder with no manifest in it is skipped as a whole, and said so once.
  if (file.folder !== undefined && documents.length === 0)
    return {
      documents,
      diagnostics,
      skipped: [{ file: file.displayPath, reason: skipped[0]?.reason ?? 'no YAML document' }],
    };
  return { documents, diagnostics, skipped };
}

type Locate = (code: ErrorCode, message: string, from: number, to: number) => Diagnostic;

/**
 * The one error of a document that does not parse: the parser's first, which is where the mistake
 * is (what it finds after it comes from its recovery). An unquoted `${...}` on that line, the
 * common cause in a flow mapping, is pointed at, with the fix as a hint.
 */
function yamlError(probe: SourceDocument, problem: YAMLError, located: Locate): Diagnostic {
  const [from, to] = problem.pos;
  if (problem.code === 'RESOURCE_EXHAUSTION')
    return located(
      'YAML_TOO_DEEP',
      `values nest too deeply to be read (manifests allow ${MAX_DEPTH} levels)`,
      from,
      to,
    );
  if (problem.code === 'TAG_RESOLVE_FAILED')
    return located(
      'YAML_SYNTAX',
      `${yamlMessage(problem.message)}; manifests use plain YAML without tags`,
      from,
      to,
    );
  const error = located('YAML_SYNTAX', yamlMessage(problem.message), from, to);
  const at = error.location as SourceLocation;
  const bare = bareInterpolation(error.excerpt ?? '', at.column);
  if (!bare) return error;
  const lineStart = probe.lines.lineStarts[at.line - 1] ?? from;
  return {
    ...located('YAML_SYNTAX', error.message, lineStart + bare.start, lineStart + bare.end),
    hint: bare.hint,
  };
}

/** The error for a document of a file named with -f that is not meant as a manifest, at its first key. */
function notAManifest(probe: SourceDocument, top: TopLevel, located: Locate): Diagnostic {
  const contents = probe.doc.contents;
  const firstKey = isMap(contents) ? contents.items[0]?.key : undefined;
  const range = (isNode(firstKey) ? firstKey.range : undefined) ?? probe.doc.range;
  const typo = [...top.keys]
    .map((key) => ({ key, meant: didYouMean(key, MANIFEST_KEYS) }))
    .find((guess) => guess.meant !== undefined && guess.key !== guess.meant);
  const others = [...top.keys].filter((key) => key !== 'version');
  const diagnostic = located(
    'NOT_A_MANIFEST',
    `${probe.file.displayPath} is not a manifest: its top level has ${listed(others.map((key) => `"${key}"`))} but none of ${MANIFEST_KEYS.join(', ')}${typo ? `; did you mean "${typo.meant}" for "${typo.key}"?` : ''}`,
    range[0],
    range[1],
  );
  return {
    ...diagnostic,
    hint: `${MANIFEST_RULE}. A file named with -f is read as a manifest; a folder (or the working folder, without -f) skips YAML files that are not manifests`,
  };
}

/**
 * Runs `parse` with stack traces off. yaml makes an Error for each problem it finds, and a broken
 * file can hold hundreds of thousands: without a stack trace each costs a fraction of the time and
 * memory. The parse is synchronous, so no other code runs while the limit is lowered.
 */
function withoutStackTraces<T>(parse: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return parse();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * Reports every key written twice in one mapping, also keys that differ in YAML but not once read
 * (1 and "1", or collection keys), which would silently overwrite each other. One pass with a set
 * per mapping. Returns how many were found.
 */
function reportKeyClashes(
  doc: Document.Parsed,
  report: (code: ErrorCode, message: string, from: number, to: number) => void,
): number {
  let clashes = 0;
  visit(doc, {
    Map(_, map) {
      // A single pair cannot clash (and YAML that does not parse makes many of them).
      if (map.items.length < 2) return;
      const seen = new Set<string>();
      for (const pair of map.items) {
        // Merge keys (`<<`) are not data keys: yaml reads them as a symbol and merges them.
        if (isScalar(pair.key) && typeof pair.key.value === 'symbol') continue;
        const key = keyText(pair.key);
        if (key === undefined) continue;
        if (seen.has(key) && isNode(pair.key) && pair.key.range) {
          clashes++;
          report(
            'YAML_DUPLICATE_KEY',
            `key "${key}" appears twice in this mapping`,
            pair.key.range[0],
            pair.key.range[1],
          );
        }
        seen.add(key);
      }
    },
  });
  return clashes;
}

/** yaml's messages end with a quoted excerpt after a colon; we print our own excerpt, so drop it. */
function yamlMessage(message: string): string {
  const first = message.split('\n')[0] ?? message;
  return first.replace(/ at line \d+, column \d+:?$/, '');
}
