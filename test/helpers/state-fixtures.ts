import type { StateDocument, StateResource } from '../../src/state/state-document.js';

export const LINEAGE = '3f2a7c1e-5b8d-4e6f-9a0b-1c2d3e4f5a6b';

const SHA = (c: string) => c.repeat(64);

/** One resource of each kind, as apply would record them: a file, a store, its member, an assistant. */
export function sampleResources(): Record<string, StateResource> {
  return {
    'file.handbook': {
      kind: 'file',
      id: 'file-abc123',
      protect: false,
      dependencies: [],
      attributes: {
        path: 'docs/handbook.pdf',
        filename: 'handbook.pdf',
        purpose: 'assistants',
        bytes: 2048,
        sha256: SHA('a'),
      },
    },
    'vector_store.support-kb': {
      kind: 'vector_store',
      id: 'vs_def456',
      protect: true,
      dependencies: [],
      attributes: {
        name: 'Support KB',
        expires_after: { anchor: 'last_active_at', days: 30 },
        metadata: {
          team: 'support',
          assistants_iac_lineage: LINEAGE,
          assistants_iac_address: 'vector_store.support-kb',
        },
      },
    },
    'vector_store_file.support-kb/handbook': {
      kind: 'vector_store_file',
      id: 'file-abc123',
      protect: false,
      dependencies: ['vector_store.support-kb', 'file.handbook'],
      attributes: {
        vector_store_id: 'vs_def456',
        file_id: 'file-abc123',
        attributes: { region: 'eu', year: 2025, public: true },
        chunking_strategy: { max_chunk_size_tokens: 800, chunk_overlap_tokens: 400 },
      },
    },
    'assistant.support-bot': {
      kind: 'assistant',
      id: 'asst_ghi789',
      protect: false,
      dependencies: ['vector_store.support-kb', 'file.handbook'],
      attributes: {
        model: 'gpt-4o',
        name: 'Support Bot',
        description: null,
        instructions: 'Answer product questions.\nBe brief.',
        tools: [
          {
            type: 'file_search',
            file_search: { ranking_options: { ranker: 'default_2024_08_21', score_threshold: 0 } },
          },
          { type: 'code_interpreter' },
          {
            type: 'function',
            function: {
              name: 'escalate_ticket',
              parameters: {
                type: 'object',
                properties: { reason: { type: 'string' } },
                required: ['reason'],
              },
              strict: false,
            },
          },
        ],
        tool_resources: {
          file_search: { vector_store_ids: ['vs_def456'] },
          code_interpreter: { file_ids: ['file-abc123'] },
        },
        temperature: 0.3,
        top_p: 1,
        response_format: 'auto',
        reasoning_effort: null,
        metadata: { assistants_iac_lineage: LINEAGE, assistants_iac_address: 'assistant.support-bot' },
      },
    },
  };
}

/** A state document holding sampleResources(), or the resources given. */
export function sampleState(overrides: Partial<StateDocument> = {}): StateDocument {
  return {
    format_version: 1,
    lineage: LINEAGE,
    serial: 3,
    stack: 'support',
    resources: sampleResources(),
    pending: [],
    ...overrides,
  };
}

/** The document as a state file holds it (2-space JSON, trailing newline), keys in the order given. */
export function stateText(doc: unknown): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}
