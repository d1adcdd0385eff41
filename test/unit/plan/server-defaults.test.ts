import type OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import type { LiveView } from '../../../src/model/live.js';
import { planHasChanges } from '../../../src/model/plan.js';
import { liveAssistant } from '../../../src/provider/assistants.js';
import { liveFile } from '../../../src/provider/files.js';
import { liveMember } from '../../../src/provider/vector-store-files.js';
import { liveVectorStore } from '../../../src/provider/vector-stores.js';
import { apiFile, apiMember, apiStore } from '../../helpers/api-objects.js';
import {
  appliedState,
  assistant,
  desired,
  emptyLive,
  file,
  LINEAGE,
  member,
  planOf,
  store,
} from '../../helpers/planner-builders.js';

const stamp = (address: string) => ({ assistants_iac_lineage: LINEAGE, assistants_iac_address: address });

/**
 * The live side here is what the API sends back (hand-written API objects through the provider's
 * normalisers), not what the planner wrote: these tests fail if a server default is not normalised.
 */
function echoes(extra: Partial<LiveView> = {}): LiveView {
  const live = emptyLive();
  const f = liveFile(
    apiFile('file-doc', { bytes: 100, created_at: 1, filename: 'doc.md' }) as OpenAI.Files.FileObject,
  );
  live.files.set(f.id, f);
  const s = liveVectorStore(
    apiStore('vs_kb', {
      created_at: 1,
      name: 'kb',
      usage_bytes: 100,
      file_counts: { in_progress: 0, completed: 1, failed: 0, cancelled: 0, total: 1 },
      last_active_at: 1,
      metadata: stamp('vector_store.kb'),
    }) as OpenAI.VectorStores.VectorStore,
  );
  live.vectorStores.set(s.id, s);
  const m = liveMember(
    apiMember('file-doc', 'vs_kb', {
      usage_bytes: 100,
      created_at: 1,
    }) as OpenAI.VectorStores.VectorStoreFile,
  );
  live.members.set('vs_kb', new Map([[m.id, m]]));
  for (const [id, model, extraFields] of [
    ['asst_chat', 'gpt-4o', { temperature: 1, top_p: 1 }],
    ['asst_think', 'o3-mini', { temperature: null, top_p: null }],
  ] as const) {
    const a = liveAssistant({
      id,
      object: 'assistant',
      created_at: 1,
      name: null,
      description: null,
      model,
      instructions: null,
      tools: [
        {
          type: 'file_search',
          file_search: { ranking_options: { ranker: 'default_2024_08_21', score_threshold: 0 } },
        },
        { type: 'code_interpreter' },
        { type: 'function', function: { name: 'escalate', parameters: { type: 'object' }, strict: false } },
      ],
      tool_resources: { code_interpreter: { file_ids: [] }, file_search: { vector_store_ids: ['vs_kb'] } },
      metadata: stamp(id === 'asst_chat' ? 'assistant.chat' : 'assistant.think'),
      response_format: 'auto',
      ...extraFields,
    } as OpenAI.Beta.Assistants.Assistant);
    live.assistants.set(id, a);
  }
  return { ...live, ...extra };
}

function manifest() {
  const tools = [
    { type: 'file_search' as const },
    { type: 'code_interpreter' as const },
    { type: 'function' as const, function: { name: 'escalate', parameters: { type: 'object' } } },
  ];
  const toolResources = { file_search: { vector_stores: ['kb'], vector_store_ids: [] } };
  return desired({
    files: [file('doc', { relativePath: 'doc.md' })],
    vectorStores: [store('kb')],
    memberships: [member('kb', 'doc')],
    assistants: [
      assistant('chat', { tools, toolResources }),
      assistant('think', { model: 'o3-mini', reasoning_effort: 'low', tools, toolResources }),
    ],
  });
}

describe('planner: server defaults', () => {
  it('an applied manifest plans clean against what the API reports', () => {
    const d = manifest();
    const plan = planOf({ desired: d, state: appliedState(d), live: echoes() });
    expect(plan.drift).toEqual([]);
    expect(plan.changes.filter((c) => c.action !== 'no-op')).toEqual([]);
    expect(planHasChanges(plan)).toBe(false);
  });

  it('still sees a real difference through the defaults', () => {
    const d = manifest();
    const [chat] = d.assistants;
    if (chat) chat.temperature = 0.5;
    const plan = planOf({ desired: d, state: appliedState(manifest()), live: echoes() });
    expect(plan.changes.filter((c) => c.action !== 'no-op').map((c) => [c.address, c.changedPaths])).toEqual([
      ['assistant.chat', ['temperature']],
    ]);
  });

  it('reads legacy "other" chunking as unknown and re-attaches the file', () => {
    const d = manifest();
    const live = echoes();
    const doc = live.members.get('vs_kb')?.get('file-doc');
    if (doc) doc.attributes = { ...doc.attributes, chunking_strategy: null };
    const plan = planOf({ desired: d, state: appliedState(d), live });
    expect(plan.changes.find((c) => c.address === 'vector_store_file.kb/doc')).toMatchObject({
      action: 'delete-create',
      replacePaths: ['chunking_strategy'],
    });
  });
});
