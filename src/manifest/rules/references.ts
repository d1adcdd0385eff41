import { diagnosticAt } from '../diagnostic-at.js';
import { validEntries } from '../merge.js';
import { didYouMeanSuffix } from '../suggest.js';
import type { RuleContext } from './context.js';

/**
 * Dangling references: a store member naming an undefined file, an assistant naming an undefined
 * shared tool, vector store or file. Names of resources set aside by the schema still count as
 * defined, so one typo is reported once, where it is.
 */
export function checkReferences(ctx: RuleContext): void {
  const { merged, report } = ctx;
  const fileNames = [...merged.files.keys()];

  for (const store of validEntries(merged.vector_stores)) {
    (store.value.files ?? []).forEach((member, index) => {
      const name = typeof member === 'string' ? member : 'file' in member ? member.file : undefined;
      if (name === undefined || merged.files.has(name)) return;
      const path =
        typeof member === 'string'
          ? [...store.path, 'files', index]
          : [...store.path, 'files', index, 'file'];
      report(
        diagnosticAt(
          store.doc,
          path,
          'UNDEFINED_REFERENCE',
          `vector store "${store.name}" lists file "${name}", which is not defined under files:${didYouMeanSuffix(name, fileNames)}`,
        ),
      );
    });
  }

  for (const assistant of validEntries(merged.assistants)) {
    const { value, doc, path } = assistant;
    (value.tools ?? []).forEach((tool, index) => {
      if (typeof tool !== 'string' || merged.tools.has(tool)) return;
      report(
        diagnosticAt(
          doc,
          [...path, 'tools', index],
          'UNDEFINED_REFERENCE',
          `assistant "${assistant.name}" uses tool "${tool}", which is not defined under tools:${didYouMeanSuffix(tool, merged.tools.keys())}`,
          { hint: 'built-in tools are written {type: code_interpreter} or {type: file_search}' },
        ),
      );
    });
    const stores = value.tool_resources?.file_search?.vector_stores ?? [];
    stores.forEach((name, index) => {
      if (merged.vector_stores.has(name)) return;
      report(
        diagnosticAt(
          doc,
          [...path, 'tool_resources', 'file_search', 'vector_stores', index],
          'UNDEFINED_REFERENCE',
          `assistant "${assistant.name}" uses vector store "${name}", which is not defined under vector_stores:${didYouMeanSuffix(name, merged.vector_stores.keys())}`,
          { hint: 'for a store that assistants-iac does not manage, list its id under vector_store_ids' },
        ),
      );
    });
    const files = value.tool_resources?.code_interpreter?.files ?? [];
    files.forEach((name, index) => {
      if (merged.files.has(name)) return;
      report(
        diagnosticAt(
          doc,
          [...path, 'tool_resources', 'code_interpreter', 'files', index],
          'UNDEFINED_REFERENCE',
          `assistant "${assistant.name}" uses file "${name}", which is not defined under files:${didYouMeanSuffix(name, fileNames)}`,
          { hint: 'for a file that assistants-iac does not manage, list its id under file_ids' },
        ),
      );
    });
  }
}
