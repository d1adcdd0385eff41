import { LIMITS } from '../../model/limits.js';
import { STAMP_KEY_PREFIX } from '../../model/stamp.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { Entry } from '../merge.js';
import { validEntries } from '../merge.js';
import type { RuleContext } from './context.js';

/**
 * API limits the schema cannot express: the chunk overlap against the chunk size, counts that add
 * managed names and raw ids together, and metadata keys reserved for the ownership stamp.
 */
export function checkLimits(ctx: RuleContext): void {
  const { merged, report } = ctx;

  for (const store of validEntries(merged.vector_stores)) {
    const chunking = store.value.chunking_strategy;
    if (chunking?.type === 'static') {
      const { max_chunk_size_tokens: size, chunk_overlap_tokens: overlap } = chunking.static;
      if (overlap > size / 2) {
        report(
          diagnosticAt(
            store.doc,
            [...store.path, 'chunking_strategy', 'static', 'chunk_overlap_tokens'],
            'OUT_OF_RANGE',
            `chunk_overlap_tokens of vector store "${store.name}" is ${overlap}; it must not exceed half of max_chunk_size_tokens (${Math.floor(size / 2)})`,
          ),
        );
      }
    }
    checkReservedMetadata(ctx, store, 'vector store');
  }

  for (const assistant of validEntries(merged.assistants)) {
    const { value, doc, path, name } = assistant;
    const search = value.tool_resources?.file_search;
    const stores = (search?.vector_stores?.length ?? 0) + (search?.vector_store_ids?.length ?? 0);
    if (stores > LIMITS.vectorStoresPerAssistant) {
      report(
        diagnosticAt(
          doc,
          [...path, 'tool_resources', 'file_search'],
          'OUT_OF_RANGE',
          `assistant "${name}" has ${stores} vector stores for file_search; the API allows ${LIMITS.vectorStoresPerAssistant}`,
          { at: 'key', hint: 'merge the stores into one, or use one of them' },
        ),
      );
    }
    const code = value.tool_resources?.code_interpreter;
    const files = (code?.files?.length ?? 0) + (code?.file_ids?.length ?? 0);
    if (files > LIMITS.codeInterpreterFiles) {
      report(
        diagnosticAt(
          doc,
          [...path, 'tool_resources', 'code_interpreter'],
          'OUT_OF_RANGE',
          `assistant "${name}" has ${files} code_interpreter files (files and file_ids together); the API allows ${LIMITS.codeInterpreterFiles}`,
          { at: 'key' },
        ),
      );
    }
    checkReservedMetadata(ctx, assistant, 'assistant');
  }
}

function checkReservedMetadata(
  ctx: RuleContext,
  entry: Entry<{ metadata?: Record<string, string> }>,
  noun: string,
): void {
  for (const key of Object.keys(entry.value.metadata ?? {})) {
    if (!key.startsWith(STAMP_KEY_PREFIX)) continue;
    ctx.report(
      diagnosticAt(
        entry.doc,
        [...entry.path, 'metadata', key],
        'RESERVED_METADATA_KEY',
        `metadata key "${key}" of ${noun} "${entry.name}" is reserved: keys starting with "${STAMP_KEY_PREFIX}" hold the ownership stamp`,
        { at: 'key' },
      ),
    );
  }
}
