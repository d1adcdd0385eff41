import type { Diagnostic } from '../errors/index.js';
import { diagnosticAt } from './diagnostic-at.js';
import {
  type RawMove,
  type RawSections,
  SECTION_NOUNS,
  SECTIONS,
  type SectionName,
} from './manifest-types.js';
import type { SourceDocument, ValuePath } from './source-document.js';

/** One named resource of the merged manifest, with the document and path it was written at. */
export interface Entry<T> {
  section: SectionName;
  name: string;
  value: T;
  doc: SourceDocument;
  path: ValuePath;
  /**
   * False when the schema (or an interpolation) rejected the entry as a whole: its name still counts
   * as defined, so references to it are not reported as dangling, but no further rule looks at it.
   * A valid entry may still have lost invalid parts; rules check what is left.
   */
  valid: boolean;
}

/** One `moved:` entry that passed the schema, with the document and path it was written at. */
export interface MoveEntry {
  value: RawMove;
  doc: SourceDocument;
  path: ValuePath;
}

/**
 * The stack name, each section's entries by name (one map per section of RawSections), and the
 * `moved:` entries of every file in the order read.
 */
export type MergedManifest = { stack: string; moved: MoveEntry[] } & {
  [S in SectionName]: Map<string, Entry<RawSections[S]>>;
};

/**
 * A document after interpolation and schema checks: `written` is its value as written (after
 * interpolation), `value` the part of it that the schema accepts (see checkSchema).
 */
export interface CheckedDocument {
  doc: SourceDocument;
  written: unknown;
  value: unknown;
}

export const DEFAULT_STACK = 'default';

/** A YAML mapping as parsed: a plain object. */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Merges partial manifests into one. A name defined twice is an error naming both places; so are
 * two files naming different stacks. The first definition wins, so later rules see one of them.
 */
export function mergeDocuments(documents: readonly CheckedDocument[]): {
  merged: MergedManifest;
  diagnostics: Diagnostic[];
} {
  const diagnostics: Diagnostic[] = [];
  const merged = {
    stack: DEFAULT_STACK,
    moved: [] as MoveEntry[],
    ...Object.fromEntries(SECTIONS.map((section) => [section, new Map()])),
  } as MergedManifest;
  let stackFrom: { doc: SourceDocument; value: string } | undefined;

  for (const { doc, written, value: accepted } of documents) {
    if (!isMapping(written)) continue;
    const value = isMapping(accepted) ? accepted : {};
    const stack = value.stack;
    if (typeof stack === 'string') {
      if (!stackFrom) {
        stackFrom = { doc, value: stack };
        merged.stack = stack;
      } else if (stackFrom.value !== stack) {
        diagnostics.push(
          diagnosticAt(
            doc,
            ['stack'],
            'STACK_CONFLICT',
            `stack "${stack}" differs from stack "${stackFrom.value}"`,
            {
              related: [
                { message: `stack "${stackFrom.value}" set here`, location: stackFrom.doc.locate(['stack']) },
              ],
              hint: 'manifests merged in one run describe one stack: make them agree, or plan them separately',
            },
          ),
        );
      }
    }
    if (Array.isArray(value.moved))
      // Entries the schema rejected are holes (see prune): the others keep their index.
      value.moved.forEach((move: RawMove, index) => {
        merged.moved.push({ value: move, doc, path: ['moved', index] });
      });
    for (const section of SECTIONS) {
      const entries = written[section];
      if (!isMapping(entries)) continue;
      const kept = isMapping(value[section]) ? (value[section] as Record<string, unknown>) : {};
      const map = merged[section] as Map<string, Entry<unknown>>;
      for (const name of Object.keys(entries)) {
        const path: ValuePath = [section, name];
        const first = map.get(name);
        if (first) {
          diagnostics.push(
            diagnosticAt(
              doc,
              path,
              'DUPLICATE_NAME',
              `${SECTION_NOUNS[section]} "${name}" is defined twice`,
              {
                at: 'key',
                related: [{ message: 'first defined here', location: first.doc.locate(first.path, 'key') }],
              },
            ),
          );
          continue;
        }
        const valid = Object.hasOwn(kept, name);
        map.set(name, { section, name, value: kept[name], doc, path, valid });
      }
    }
  }
  return { merged, diagnostics };
}

/** The entries of a section that passed the schema. */
export function validEntries<T>(map: Map<string, Entry<T>>): Entry<T>[] {
  return [...map.values()].filter((e) => e.valid);
}
