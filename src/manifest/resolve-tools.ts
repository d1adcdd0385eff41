import type { RawAssistant, RawToolDefinition } from './manifest-types.js';
import type { Entry } from './merge.js';
import type { SourceDocument, ValuePath } from './source-document.js';

/** A tool of an assistant or agent with shared definitions inlined, and where it is written. */
export interface ResolvedTool<T = RawToolDefinition> {
  definition: T;
  /** The item in the `tools:` list of the assistant or agent. */
  doc: SourceDocument;
  path: ValuePath;
  /** For a shared tool: its name and where it is defined. */
  shared?: { name: string; doc: SourceDocument; path: ValuePath };
}

/**
 * The tools of an assistant or agent in order, shared ones looked up by name and turned into the
 * entry's shape by `fromShared`. Names that are undefined or whose definition failed the schema are
 * skipped (they are reported elsewhere, once).
 */
export function resolveToolList<T>(
  entry: Entry<{ tools?: readonly (string | T)[] }>,
  shared: ReadonlyMap<string, Entry<RawToolDefinition>>,
  fromShared: (definition: RawToolDefinition) => T,
): ResolvedTool<T>[] {
  const resolved: ResolvedTool<T>[] = [];
  (entry.value.tools ?? []).forEach((item, index) => {
    const path = [...entry.path, 'tools', index];
    if (typeof item !== 'string') {
      resolved.push({ definition: item, doc: entry.doc, path });
      return;
    }
    const found = shared.get(item);
    if (!found?.valid) return;
    resolved.push({
      definition: fromShared(found.value),
      doc: entry.doc,
      path,
      shared: { name: item, doc: found.doc, path: found.path },
    });
  });
  return resolved;
}

/** The tools of an assistant: shared definitions are already in its shape. */
export function resolveTools(
  assistant: Entry<RawAssistant>,
  shared: ReadonlyMap<string, Entry<RawToolDefinition>>,
): ResolvedTool[] {
  return resolveToolList<RawToolDefinition>(assistant, shared, (definition) => definition);
}
