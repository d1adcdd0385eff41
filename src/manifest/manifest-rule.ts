import { type Document, isMap, isScalar } from 'yaml';
import { SECTIONS } from './manifest-types.js';

/**
 * The top-level keys a manifest may have besides `version`: what tells a manifest from another
 * YAML document. A test keeps it in agreement with the schema's top-level properties.
 */
export const MANIFEST_KEYS: readonly string[] = ['stack', ...SECTIONS, 'moved'];

/**
 * What a folder search did not read as a manifest, and why: a YAML document, a whole file, or a
 * folder it does not enter. Listed with --debug.
 */
export interface Skipped {
  /** The file or folder (ending in /), as displayed. */
  file: string;
  /** The document's place in the file (1-based), when the file holds others that are read. */
  document?: number;
  reason: string;
}

/** What a YAML document's top level says about it, read from its nodes (and, where broken, its text). */
export interface TopLevel {
  /** The keys of its top-level mapping (none when it is not a mapping). */
  keys: ReadonlySet<string>;
  /** True when `version` is written as the one value the schema accepts, 1. */
  versionOne: boolean;
}

/**
 * The top level of `doc`. A document with YAML errors may have lost keys to the parser's recovery,
 * so its text adds every `key:` written at the start of a line (the keys of a block mapping at the
 * top): one bad line further down must not make a manifest look like something else.
 */
export function topLevelOf(doc: Document.Parsed, text: string): TopLevel {
  const keys = new Set<string>();
  let versionOne = false;
  if (isMap(doc.contents))
    for (const pair of doc.contents.items) {
      if (!isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      keys.add(key);
      if (key === 'version' && isScalar(pair.value) && pair.value.value === 1) versionOne = true;
    }
  if (doc.errors.length > 0) {
    const written = text.slice(doc.range[0], doc.range[2]);
    for (const match of written.matchAll(/^(["']?)([A-Za-z_][\w.-]*)\1[ \t]*:(?=\s|$)(.*)$/gm)) {
      const key = match[2] as string;
      keys.add(key);
      if (key === 'version' && /^\s*1\s*(#.*)?$/.test(match[3] ?? '')) versionOne = true;
    }
  }
  return { keys, versionOne };
}

/** Why most YAML files beside manifests are skipped. */
export const NO_VERSION = 'no top-level `version:`';

/**
 * Why a document found in a folder is not a manifest, or undefined when it is one: it has
 * `version:` and at least one of MANIFEST_KEYS at its top level, or is `version: 1` alone (an
 * empty manifest). `version:` alone is not enough, as a docker-compose.yml may have one
 * (`version: "3.8"`); a section alone is not either, as other tools' files have `files:` or `tools:`.
 */
export function whyNotManifest(top: TopLevel): string | undefined {
  if (!top.keys.has('version')) return NO_VERSION;
  if (top.versionOne && top.keys.size === 1) return undefined;
  if (!MANIFEST_KEYS.some((key) => top.keys.has(key)))
    return `a top-level \`version:\` but none of ${MANIFEST_KEYS.join(', ')}`;
  return undefined;
}

/**
 * Whether a document of a file named with -f is meant as a manifest: it has one of MANIFEST_KEYS,
 * or `version: 1`, or no top-level key but `version` (then the schema checks what it holds, typos
 * found with a "did you mean"). It is not when it has other keys and none of those: a file named
 * with -f is read as a manifest, and one that is none (a docker-compose.yml) is one error, not a
 * list of unknown keys.
 */
export function meantAsManifest(top: TopLevel): boolean {
  return (
    top.versionOne ||
    MANIFEST_KEYS.some((key) => top.keys.has(key)) ||
    [...top.keys].every((key) => key === 'version')
  );
}

/**
 * Whether the text of a file found in a folder may hold a manifest: a line that starts with the
 * key `version`, or a top-level flow mapping (`{version: 1, ...}`). A file without either is
 * skipped unparsed, so that large YAML data beside the manifests costs nothing.
 */
export function mayHoldManifest(text: string): boolean {
  return /^(["']?)version\1[ \t]*:/m.test(text) || /^[ \t]*\{/m.test(text);
}

/** The rule, as messages state it. */
export const MANIFEST_RULE = `a manifest is a YAML document with a top-level \`version:\` and at least one of ${MANIFEST_KEYS.join(', ')} (or \`version: 1\` alone)`;
