import type { RawAssistant, RawToolDefinition } from './manifest-types.js';
import type { Entry } from './merge.js';
import type { SourceDocument, ValuePath } from './source-document.js';

/** A tool of an assistant with shared definitions inlined, and where it is written. */
export interface ResolvedTool {
  definition: RawToolDefinition;
  /** The item in the assistant's `tools:` list. */
  doc: SourceDocument;
  path: ValuePath;
  /** For a shared tool: its name and where it is defined. */
  shared?: { name: string; doc: SourceDocument; path: ValuePath };
}

/**
 * The tools of an assistant in order, shared ones looked up by name. Names that are undefined or
 * whose definition failed the schema are skipped (they are reported elsewhere, once).
 */
export function resolveTools(
  assistant: Entry<RawAssistant>,
  shared: ReadonlyMap<string, Entry<RawToolDefinition>>,
): ResolvedTool[] {
  const resolved: ResolvedTool[] = [];
  (assistant.value.tools ?? []).forEach((item, index) => {
    const path = [...assistant.path, 'tools', index];
    if (typeof item !== 'string') {
      resolved.push({ definition: item, doc: assistant.doc, path });
      return;
    }
    const entry = shared.get(item);
    if (!entry?.valid) return;
    resolved.push({
      definition: entry.value,
      doc: assistant.doc,
      path,
      shared: { name: item, doc: entry.doc, path: entry.path },
    });
  });
  return resolved;
}
