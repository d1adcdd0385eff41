import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RawAssistant, RawToolDefinition } from '../../../src/manifest/manifest-types.js';
import {
  ASSISTANT_FIELDS,
  type MigratedAgent,
  type MigrateResult,
  migrateAssistants,
  rebase,
} from '../../../src/manifest/migrate-assistants.js';

const ESCALATE: RawToolDefinition = {
  type: 'function',
  function: {
    name: 'escalate_ticket',
    parameters: { type: 'object', properties: {} },
    strict: true,
  },
};

/** Migrates one assistant named "bot" (with shared tools, from a manifest in folder `base`). */
function migrate(
  assistant: RawAssistant,
  options: { base?: string; shared?: Record<string, RawToolDefinition> } = {},
): MigrateResult & { agent: MigratedAgent } {
  const result = migrateAssistants({
    assistants: [{ name: 'bot', assistant, base: options.base ?? '' }],
    sharedTools: new Map(Object.entries(options.shared ?? { escalate: ESCALATE })),
  });
  return { ...result, agent: result.agents.get('bot') as MigratedAgent };
}

/** The differences as `field: message`, the agent name checked. */
function fields(result: MigrateResult): string[] {
  return result.differences.map((d) => {
    expect(d.agent).toBe('bot');
    return d.field;
  });
}

describe('migrateAssistants: fields carried over as they are', () => {
  it('keeps model, description, instructions, temperature, top_p, metadata and protect, in that order', () => {
    const { agent, differences } = migrate({
      protect: true,
      metadata: { owner: 'support' },
      top_p: 1,
      temperature: 0.3,
      instructions: 'Be brief.',
      description: 'Answers product questions',
      model: 'gpt-4o',
    });
    expect(differences).toEqual([]);
    expect(agent).toEqual({
      model: 'gpt-4o',
      description: 'Answers product questions',
      instructions: 'Be brief.',
      temperature: 0.3,
      top_p: 1,
      metadata: { owner: 'support' },
      protect: true,
    });
    expect(Object.keys(agent)).toEqual([
      'model',
      'description',
      'instructions',
      'temperature',
      'top_p',
      'metadata',
      'protect',
    ]);
  });

  it('keeps ${env:...} strings as written, for the new manifest to interpolate', () => {
    const { agent } = migrate({
      model: '${env:MODEL:-gpt-4o}',
      instructions: 'You help ${env:SHOP:-Acme}; write $${literal}.',
      metadata: { env: '${env:DEPLOY_ENV:-dev}' },
    });
    expect(agent.model).toBe('${env:MODEL:-gpt-4o}');
    expect(agent.instructions).toBe('You help ${env:SHOP:-Acme}; write $${literal}.');
    expect(agent.metadata).toEqual({ env: '${env:DEPLOY_ENV:-dev}' });
  });

  it('keeps protect: false and temperature: 0 (falsy values are values)', () => {
    const { agent } = migrate({ model: 'm', protect: false, temperature: 0, top_p: 0 });
    expect(agent).toEqual({ model: 'm', temperature: 0, top_p: 0, protect: false });
  });

  it('maps reasoning_effort to reasoning.effort, placed after text', () => {
    const { agent, differences } = migrate({
      model: 'o4-mini',
      reasoning_effort: 'low',
      response_format: { type: 'text' },
      metadata: { a: 'b' },
    });
    expect(differences).toEqual([]);
    expect(agent.reasoning).toEqual({ effort: 'low' });
    expect(Object.keys(agent)).toEqual(['model', 'text', 'reasoning', 'metadata']);
  });
});

describe('migrateAssistants: settings the model refuses on the Responses API', () => {
  it('reasoning_effort on a model that is not a reasoning model: left out, listed', () => {
    const result = migrate({ model: 'gpt-4o', reasoning_effort: 'low', temperature: 0.2 });
    expect(result.agent).toEqual({ model: 'gpt-4o', temperature: 0.2 });
    expect(result.differences).toEqual([
      {
        agent: 'bot',
        field: 'reasoning_effort',
        message:
          'gpt-4o is not a reasoning model, and Responses refuses reasoning options for it; low is left out',
      },
    ]);
  });

  it('temperature and top_p on a reasoning model: left out, listed', () => {
    const result = migrate({ model: 'gpt-5-mini', reasoning_effort: 'high', temperature: 0.2, top_p: 1 });
    expect(result.agent).toEqual({ model: 'gpt-5-mini', reasoning: { effort: 'high' } });
    expect(result.differences).toEqual([
      {
        agent: 'bot',
        field: 'temperature',
        message: 'gpt-5-mini is a reasoning model, and Responses refuses temperature for it; 0.2 is left out',
      },
      {
        agent: 'bot',
        field: 'top_p',
        message: 'gpt-5-mini is a reasoning model, and Responses refuses top_p for it; 1 is left out',
      },
    ]);
  });

  it('decides by the model once interpolated, and writes the model as written', () => {
    const result = migrateAssistants({
      assistants: [
        {
          name: 'bot',
          assistant: { model: '${env:MODEL:-gpt-4o}', reasoning_effort: 'low', temperature: 0.5 },
          base: '',
          model: 'o3',
        },
      ],
      sharedTools: new Map(),
    });
    expect(result.agents.get('bot')).toEqual({ model: '${env:MODEL:-gpt-4o}', reasoning: { effort: 'low' } });
    expect(result.differences.map((d) => d.message)).toEqual([
      'o3 (what ${env:MODEL:-gpt-4o} gives now) is a reasoning model, and Responses refuses temperature for it; 0.5 is left out',
    ]);
  });
});

describe('migrateAssistants: instructions from a file', () => {
  it('keeps the path when the new manifest is in the same folder', () => {
    expect(migrate({ model: 'm', instructions: { file: 'prompts/x.md' } }).agent.instructions).toEqual({
      file: 'prompts/x.md',
    });
  });

  it('re-bases the path on the folder of the new manifest', () => {
    expect(
      migrate({ model: 'm', instructions: { file: 'prompts/x.md' } }, { base: 'sub' }).agent.instructions,
    ).toEqual({ file: 'sub/prompts/x.md' });
    expect(
      migrate({ model: 'm', instructions: { file: 'prompts/x.md' } }, { base: '..' }).agent.instructions,
    ).toEqual({ file: '../prompts/x.md' });
  });

  it.each([
    ['', 'prompts/x.md', 'prompts/x.md'],
    ['sub', 'prompts/x.md', 'sub/prompts/x.md'],
    ['..', 'prompts/x.md', '../prompts/x.md'],
    ['../a', '../prompts/x.md', '../prompts/x.md'],
    ['sub', './x.md', 'sub/x.md'],
    ['sub', '/abs/x.md', '/abs/x.md'],
    ['sub', 'prompts/${env:LANG:-en}.md', 'sub/prompts/${env:LANG:-en}.md'],
  ])('rebase(%j, %j) is %j', (base, file, expected) => {
    expect(rebase(base, file)).toBe(expected);
  });
});

describe('migrateAssistants: tools and tool_resources', () => {
  it('file_search: managed stores, raw ids, max_num_results and ranking options on the tool', () => {
    const { agent, differences } = migrate({
      model: 'm',
      tools: [
        {
          type: 'file_search',
          file_search: { max_num_results: 8, ranking_options: { ranker: 'auto', score_threshold: 0.5 } },
        },
      ],
      tool_resources: { file_search: { vector_stores: ['support-kb'], vector_store_ids: ['vs_123'] } },
    });
    expect(differences).toEqual([]);
    expect(agent.tools).toEqual([
      {
        type: 'file_search',
        vector_stores: ['support-kb'],
        vector_store_ids: ['vs_123'],
        max_num_results: 8,
        ranking_options: { ranker: 'auto', score_threshold: 0.5 },
      },
    ]);
  });

  it('file_search: ranker default_2024_08_21 has no Responses equivalent: auto, listed', () => {
    const result = migrate({
      model: 'm',
      tools: [
        { type: 'file_search' },
        {
          type: 'file_search',
          file_search: { ranking_options: { ranker: 'default_2024_08_21', score_threshold: 0 } },
        },
      ],
      tool_resources: { file_search: { vector_store_ids: ['vs_1'] } },
    });
    expect(result.agent.tools?.[1]).toEqual({
      type: 'file_search',
      vector_store_ids: ['vs_1'],
      ranking_options: { ranker: 'auto', score_threshold: 0 },
    });
    expect(result.differences).toEqual([
      {
        agent: 'bot',
        field: 'tools[1].file_search.ranking_options.ranker',
        message:
          'ranker default_2024_08_21 has no Responses equivalent (Responses has auto and default-2024-11-15); written as auto',
      },
    ]);
  });

  it('file_search without any vector store is left out and listed (Responses requires vector_store_ids)', () => {
    for (const resources of [undefined, {}, { file_search: {} }, { file_search: { vector_stores: [] } }]) {
      const result = migrate({
        model: 'm',
        tools: [{ type: 'file_search', file_search: { max_num_results: 3 } }, 'escalate'],
        ...(resources ? { tool_resources: resources } : {}),
      });
      expect(result.agent.tools).toEqual(['escalate']);
      expect(result.differences).toEqual([
        {
          agent: 'bot',
          field: 'tools[0]',
          message:
            'file_search has no vector store (tool_resources.file_search names none); Responses requires vector_store_ids, so the tool is left out',
        },
      ]);
    }
  });

  it('an agent left with no tool has no tools key', () => {
    const { agent } = migrate({ model: 'm', tools: [{ type: 'file_search' }] });
    expect(agent).not.toHaveProperty('tools');
    expect(migrate({ model: 'm', tools: [] }).agent).toEqual({ model: 'm' });
  });

  it('code_interpreter: managed files and raw ids on the tool; without files, the bare tool', () => {
    expect(
      migrate({
        model: 'm',
        tools: [{ type: 'code_interpreter' }],
        tool_resources: { code_interpreter: { files: ['handbook'], file_ids: ['file-1'] } },
      }).agent.tools,
    ).toEqual([{ type: 'code_interpreter', files: ['handbook'], file_ids: ['file-1'] }]);
    const bare = migrate({ model: 'm', tools: [{ type: 'code_interpreter' }] });
    expect(bare.agent.tools).toEqual([{ type: 'code_interpreter' }]);
    expect(bare.differences).toEqual([]);
  });

  it('tool_resources without the tool are listed, naming what is not carried over', () => {
    const result = migrate({
      model: 'm',
      tool_resources: {
        file_search: { vector_stores: ['kb'], vector_store_ids: ['vs_1'] },
        code_interpreter: { files: ['sales'], file_ids: ['file-1'] },
      },
    });
    expect(result.agent).toEqual({ model: 'm' });
    expect(result.differences).toEqual([
      {
        agent: 'bot',
        field: 'tool_resources.file_search',
        message: 'the assistant has no file_search tool, so its vector stores are not carried over: kb, vs_1',
      },
      {
        agent: 'bot',
        field: 'tool_resources.code_interpreter',
        message:
          'the assistant has no code_interpreter tool, so its files are not carried over: sales, file-1',
      },
    ]);
    // Listed even when empty: the key was written, and nothing is dropped without a word.
    expect(fields(migrate({ model: 'm', tool_resources: { code_interpreter: {} } }))).toEqual([
      'tool_resources.code_interpreter',
    ]);
  });

  it('a shared function tool stays a name', () => {
    const result = migrate({ model: 'm', tools: ['escalate'] });
    expect(result.agent.tools).toEqual(['escalate']);
    expect(result.differences).toEqual([]);
  });

  it('a shared function without strict stays a name, listed: unset means false to assistants, true to Responses', () => {
    const result = migrate(
      { model: 'm', tools: ['loose', 'escalate'] },
      { shared: { escalate: ESCALATE, loose: { type: 'function', function: { name: 'loose' } } } },
    );
    expect(result.agent.tools).toEqual(['loose', 'escalate']);
    expect(result.differences).toEqual([
      {
        agent: 'bot',
        field: 'tools[0]',
        message:
          'shared function "loose" sets no strict: assistants take that as false, Responses as true; add strict: false to the shared tool to keep its behaviour',
      },
    ]);
  });

  it('an inline function becomes the flat Responses shape; unset strict is written as false', () => {
    const parameters = { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] };
    const { agent, differences } = migrate({
      model: 'm',
      tools: [
        { type: 'function', function: { name: 'lookup', description: 'Look up', parameters, strict: true } },
        { type: 'function', function: { name: 'ping' } },
      ],
    });
    expect(differences).toEqual([]);
    expect(agent.tools).toEqual([
      { type: 'function', name: 'lookup', description: 'Look up', parameters, strict: true },
      { type: 'function', name: 'ping', strict: false },
    ]);
    expect(Object.keys(agent.tools?.[0] as object)).toEqual([
      'type',
      'name',
      'description',
      'parameters',
      'strict',
    ]);
  });

  it('a shared file_search or code_interpreter tool is written inline with the resources, and listed', () => {
    const result = migrate(
      {
        model: 'm',
        tools: ['search', 'python', 'escalate'],
        tool_resources: { file_search: { vector_stores: ['kb'] }, code_interpreter: { files: ['sales'] } },
      },
      {
        shared: {
          escalate: ESCALATE,
          search: { type: 'file_search', file_search: { max_num_results: 4 } },
          python: { type: 'code_interpreter' },
        },
      },
    );
    expect(result.agent.tools).toEqual([
      { type: 'file_search', vector_stores: ['kb'], max_num_results: 4 },
      { type: 'code_interpreter', files: ['sales'] },
      'escalate',
    ]);
    expect(result.differences).toEqual([
      {
        agent: 'bot',
        field: 'tools[0]',
        message:
          'shared tool "search" is a file_search tool; it is written inline, since an agent\'s file_search tool carries its own vector stores',
      },
      {
        agent: 'bot',
        field: 'tools[1]',
        message:
          'shared tool "python" is a code_interpreter tool; it is written inline, since an agent\'s code_interpreter tool carries its own files',
      },
    ]);
  });

  it('keeps the order of the tools', () => {
    const { agent } = migrate({
      model: 'm',
      tools: ['escalate', { type: 'code_interpreter' }, { type: 'file_search' }],
      tool_resources: { file_search: { vector_stores: ['kb'] } },
    });
    expect(agent.tools).toEqual([
      'escalate',
      { type: 'code_interpreter' },
      { type: 'file_search', vector_stores: ['kb'] },
    ]);
  });
});

describe('migrateAssistants: response_format → text.format', () => {
  it('auto (the default) is left out, without a difference', () => {
    const result = migrate({ model: 'm', response_format: 'auto' });
    expect(result.agent).toEqual({ model: 'm' });
    expect(result.differences).toEqual([]);
  });

  it.each(['text', 'json_object'] as const)('{type: %s} keeps its type', (type) => {
    expect(migrate({ model: 'm', response_format: { type } }).agent.text).toEqual({ format: { type } });
  });

  it('json_schema: name, description, schema and strict move up beside type', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    const result = migrate({
      model: 'm',
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'answer', description: 'An answer', schema, strict: false },
      },
    });
    expect(result.differences).toEqual([]);
    expect(result.agent.text).toEqual({
      format: { type: 'json_schema', name: 'answer', description: 'An answer', schema, strict: false },
    });
  });

  it('json_schema without a schema: schema {} (any JSON), listed, as Responses requires one', () => {
    const result = migrate({
      model: 'm',
      response_format: { type: 'json_schema', json_schema: { name: 'x' } },
    });
    expect(result.agent.text).toEqual({ format: { type: 'json_schema', name: 'x', schema: {} } });
    expect(fields(result)).toEqual(['response_format.json_schema.schema']);
  });
});

describe('migrateAssistants: the display name and several assistants', () => {
  it('the name has no Responses field: listed (the manifest keeps it as a comment)', () => {
    const result = migrate({ model: 'm', name: 'Support Bot' });
    expect(result.agent).toEqual({ model: 'm' });
    expect(result.differences).toEqual([
      {
        agent: 'bot',
        field: 'name',
        message: '"Support Bot" has no Responses field; kept as a comment, not sent',
      },
    ]);
  });

  it('keeps the order of the assistants and names each difference after its agent', () => {
    const result = migrateAssistants({
      assistants: [
        { name: 'b', assistant: { model: 'm', name: 'B' }, base: '' },
        { name: 'a', assistant: { model: 'm', name: 'A' }, base: '' },
      ],
      sharedTools: new Map(),
    });
    expect([...result.agents.keys()]).toEqual(['b', 'a']);
    expect(result.differences.map((d) => d.agent)).toEqual(['b', 'a']);
  });
});

/**
 * A value for every field of RawAssistant, keyed like ASSISTANT_FIELDS: a field added to
 * RawAssistant is a type error here too until it has one.
 */
const SAMPLES: { [K in keyof Required<RawAssistant>]: RawAssistant[K] } = {
  model: 'gpt-4o',
  name: 'Bot',
  description: 'For people',
  instructions: { file: 'prompts/x.md' },
  tools: [{ type: 'code_interpreter' }],
  tool_resources: { code_interpreter: { files: ['sales'] } },
  temperature: 0.5,
  top_p: 0.9,
  response_format: { type: 'json_object' },
  reasoning_effort: 'medium',
  metadata: { owner: 'x' },
  protect: true,
};

describe('every field of RawAssistant is carried over or listed', () => {
  const keys = Object.keys(ASSISTANT_FIELDS).sort();

  it('the table names the fields the manifest schema gives an assistant, no more, no fewer', () => {
    const schema = JSON.parse(
      readFileSync(path.resolve(import.meta.dirname, '../../../schema/manifest.schema.json'), 'utf8'),
    );
    expect(keys).toEqual(Object.keys(schema.$defs.Assistant.properties).sort());
    expect(Object.keys(SAMPLES).sort()).toEqual(keys);
  });

  it.each(keys.filter((k) => k !== 'model'))('%s: shows in the agent or in the differences', (key) => {
    const field = key as keyof RawAssistant;
    const base = migrate({ model: 'gpt-4o' });
    // tool_resources shows on a tool, so the tool comes with it.
    const extra = field === 'tool_resources' ? { tools: SAMPLES.tools } : {};
    const bare = migrate({ model: 'gpt-4o', ...extra });
    const result = migrate({ model: 'gpt-4o', ...extra, [field]: SAMPLES[field] } as RawAssistant);
    const carried = JSON.stringify(result.agent) !== JSON.stringify(bare.agent);
    const listed = result.differences.some((d) => d.field === field || d.field.startsWith(`${field}.`));
    expect(carried || listed, `${key} is neither carried over nor listed`).toBe(true);
    expect(base.differences).toEqual([]);
  });

  it('an assistant with every field set: each is carried over or listed, nothing else is listed', () => {
    const result = migrate({ ...SAMPLES }, { base: 'sub' });
    expect(result.agent).toEqual({
      model: 'gpt-4o',
      description: 'For people',
      instructions: { file: 'sub/prompts/x.md' },
      tools: [{ type: 'code_interpreter', files: ['sales'] }],
      text: { format: { type: 'json_object' } },
      temperature: 0.5,
      top_p: 0.9,
      metadata: { owner: 'x' },
      protect: true,
    });
    // gpt-4o takes no reasoning options; a reasoning model would take them and refuse sampling.
    expect(fields(result)).toEqual(['name', 'reasoning_effort']);
    const reasoning = migrate({ ...SAMPLES, model: 'o4-mini' });
    expect(reasoning.agent).toMatchObject({ reasoning: { effort: 'medium' } });
    expect(fields(reasoning)).toEqual(['name', 'temperature', 'top_p']);
  });

  it('every line of the table says where the field goes and how', () => {
    for (const [key, mapping] of Object.entries(ASSISTANT_FIELDS)) {
      expect(mapping.to, key).not.toBe('');
      expect(mapping.how, key).not.toBe('');
    }
  });
});
