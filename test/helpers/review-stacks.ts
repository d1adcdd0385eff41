import type { Desired, DesiredAgent } from '../../src/model/desired.js';
import type { Plan } from '../../src/model/plan.js';
import {
  appliedState,
  assistant,
  at,
  desired,
  file,
  liveFromState,
  member,
  planOf,
  store,
} from './planner-builders.js';

/** Stacks for the review renderings (Markdown plan, graph), planned by the real planner. */

export function agent(name: string, overrides: Partial<DesiredAgent> = {}): DesiredAgent {
  return {
    address: `agent.${name}`,
    name,
    model: 'gpt-5-mini',
    tools: [],
    settings: {},
    protect: false,
    source: at(30),
    ...overrides,
  };
}

/**
 * `files` files spread over `stores` stores (`kb-0`, ...), an assistant searching the first store
 * and an agent searching the second (or the first), with `chunking` on `kb-0` when given.
 */
export function reviewStack(
  size: { files: number; stores: number },
  options: { chunking?: number; instructions?: string; agent?: boolean } = {},
): Desired {
  const files = Array.from({ length: size.files }, (_, i) =>
    file(`docs/guide-${String(i).padStart(4, '0')}.md`, {
      relativePath: `docs/guide-${String(i).padStart(4, '0')}.md`,
      bytes: 1_000 + i,
      origin: 'glob',
    }),
  );
  const stores = Array.from({ length: size.stores }, (_, i) =>
    store(`kb-${i}`, {
      displayName: `Knowledge base ${i}`,
      ...(i === 0 && options.chunking
        ? {
            chunking_strategy: {
              type: 'static' as const,
              static: { max_chunk_size_tokens: options.chunking, chunk_overlap_tokens: 400 },
            },
          }
        : {}),
    }),
  );
  const memberships = files.map((f, i) => member(`kb-${i % size.stores}`, f.name));
  const agents =
    options.agent === false
      ? []
      : [
          agent('support-agent', {
            instructions: 'Answer from the guides.',
            tools: [{ type: 'file_search', vector_stores: [`kb-${Math.min(1, size.stores - 1)}`] }],
          }),
        ];
  return desired({
    files,
    vectorStores: stores,
    memberships,
    assistants: [
      assistant('support-bot', {
        displayName: 'Support Bot',
        instructions: options.instructions ?? 'You are the support assistant.\nCite the guide you used.',
        tools: [{ type: 'file_search' }],
        toolResources: { file_search: { vector_stores: ['kb-0'], vector_store_ids: [] } },
      }),
    ],
    agents,
  });
}

/** The plan of `after` against a state and live view in which `before` was applied. */
export function planChange(before: Desired, after: Desired): Plan {
  const state = appliedState(before);
  return { ...planOf({ desired: after, state, live: liveFromState(state) }), stack: 'support' };
}

/** The plan of a stack never applied. */
export function planFresh(d: Desired): Plan {
  return { ...planOf({ desired: d }), stack: 'support' };
}
