import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { validateManifests } from '../../src/manifest/validate.js';
import { renderAgentRequest } from '../../src/model/agent-request.js';
import type { Desired } from '../../src/model/desired.js';
import { isReasoningModel } from '../../src/model/models.js';
import { schemaValidator } from '../helpers/spec-oracle.js';
import { createWorkspace } from '../helpers/workspace.js';

/**
 * Every rendered agent request is valid against the spec's `CreateResponse` (the test oracle's copy
 * of the bundle, compiled here, not the generated validator the CLI uses): for the examples' agents,
 * and for agents generated at random from everything a valid manifest may say.
 */

const SCALE = Number(process.env.PROPERTY_RUNS ?? 1);
const createResponse = schemaValidator('CreateResponse');
const examples = path.resolve(import.meta.dirname, '../../examples');

/** Renders every agent with ids that look like the API's, and checks each against the oracle. */
function invalidRequests(desired: Desired, seed = 0): string[] {
  let n = seed;
  const problems: string[] = [];
  for (const agent of desired.agents) {
    const request = renderAgentRequest(
      agent,
      (address) => {
        const prefix = address.startsWith('file.')
          ? 'file-'
          : address.startsWith('skill.')
            ? 'skill_'
            : 'vs_';
        return `${prefix}${(n++).toString(36).padStart(24, '0')}`;
      },
      () => String(1 + (n++ % 9)),
    );
    if (!createResponse(request))
      problems.push(
        `${agent.address}: ${JSON.stringify(createResponse.errors?.slice(0, 3))} in ${JSON.stringify(request)}`,
      );
  }
  return problems;
}

describe('every example agent renders a valid CreateResponse', async () => {
  // ci and policy hold workflows and plan checks, no manifests.
  const folders = (await readdir(examples, { withFileTypes: true })).filter(
    (e) => e.isDirectory() && e.name !== 'ci' && e.name !== 'policy',
  );
  it.each(folders.map((f) => f.name))('examples/%s', async (name) => {
    const result = await validateManifests([path.join(examples, name)], { cwd: examples, env: {} });
    expect(result.errors).toEqual([]);
    expect(invalidRequests(result.value as Desired)).toEqual([]);
  });

  it('examples/agents has agents to check', async () => {
    const result = await validateManifests([path.join(examples, 'agents')], { cwd: examples, env: {} });
    expect(result.value?.agents.length).toBeGreaterThanOrEqual(3);
  });
});

// ---- Generated agents ------------------------------------------------------------------------

/** Text with no `${`: manifests read `${...}` as interpolation, which random text is not meant to be. */
const safeString = (constraints: Parameters<typeof fc.string>[0]) =>
  fc.string(constraints).filter((value) => !value.includes('${'));
const name = fc.stringMatching(/^[a-z][a-z0-9_-]{0,11}$/);
const text = safeString({ minLength: 1, maxLength: 40 });
const scalar = fc.oneof(safeString({ maxLength: 12 }), fc.integer({ min: -1000, max: 1000 }), fc.boolean());

const comparison = fc.oneof(
  fc.record({
    type: fc.constantFrom('eq', 'ne', 'gt', 'gte', 'lt', 'lte'),
    key: fc.constantFrom('category', 'region', 'year'),
    value: scalar,
  }),
  fc.record({
    type: fc.constantFrom('in', 'nin'),
    key: fc.constantFrom('category', 'region'),
    value: fc.array(fc.oneof(safeString({ maxLength: 8 }), fc.integer()), { minLength: 1, maxLength: 4 }),
  }),
);
const { filter } = fc.letrec((tie) => ({
  filter: fc.oneof({ depthSize: 'small', withCrossShrink: true }, comparison, tie('compound')),
  compound: fc.record({
    type: fc.constantFrom('and', 'or'),
    filters: fc.array(tie('filter'), { minLength: 1, maxLength: 3 }),
  }),
}));

const someOf = <T>(values: readonly T[]) => fc.subarray([...values], { minLength: 1 });

const fileSearch = fc.record(
  {
    type: fc.constant('file_search'),
    vector_stores: someOf(['kb', 'archive']),
    vector_store_ids: fc.array(fc.stringMatching(/^vs_[A-Za-z0-9]{8}$/), { maxLength: 2 }),
    max_num_results: fc.integer({ min: 1, max: 50 }),
    ranking_options: fc.record(
      {
        ranker: fc.constantFrom('auto', 'default-2024-11-15'),
        score_threshold: fc.double({ min: 0, max: 1, noNaN: true }),
        hybrid_search: fc.record({
          embedding_weight: fc.double({ min: 0, max: 5, noNaN: true }),
          text_weight: fc.double({ min: 0, max: 5, noNaN: true }),
        }),
      },
      { requiredKeys: [] },
    ),
    filters: filter,
  },
  { requiredKeys: ['type', 'vector_stores'] },
);
const container = (type: string) =>
  fc.record(
    {
      type: fc.constant(type),
      files: someOf(['sales', 'regions']),
      file_ids: fc.array(fc.stringMatching(/^file-[A-Za-z0-9]{8}$/), { maxLength: 3 }),
      memory_limit: fc.constantFrom('1g', '4g', '16g', '64g'),
    },
    { requiredKeys: ['type'] },
  );
const functionTool = fc.record(
  {
    type: fc.constant('function'),
    // Not the shared tool's function name: two functions of one name are refused (and tested elsewhere).
    name: fc.stringMatching(/^[a-zA-Z0-9_-]{1,20}$/).filter((n) => n !== 'lookup_order'),
    description: text,
    parameters: fc.constant({
      type: 'object',
      properties: { q: { type: 'string' } },
      required: ['q'],
      additionalProperties: false,
    }),
    strict: fc.boolean(),
  },
  { requiredKeys: ['type', 'name'] },
);
const passthrough = fc.constantFrom(
  { type: 'web_search' },
  { type: 'web_search', search_context_size: 'low' },
  { type: 'image_generation' },
);
const tools = fc
  .tuple(
    fc.option(fileSearch, { nil: undefined }),
    fc.option(container('code_interpreter'), { nil: undefined }),
    fc.option(container('shell'), { nil: undefined }),
    fc.uniqueArray(functionTool, { selector: (t) => t.name, maxLength: 3 }),
    fc.option(passthrough, { nil: undefined }),
    fc.boolean(),
  )
  .map(([search, code, shell, functions, other, shared]) => [
    ...[search, code, shell, other].filter((t) => t !== undefined),
    ...functions,
    ...(shared ? ['lookup'] : []),
  ]);
const format = fc.oneof(
  fc.constant({ type: 'text' }),
  fc.constant({ type: 'json_object' }),
  fc.record(
    {
      type: fc.constant('json_schema'),
      name: name,
      schema: fc.constant({
        type: 'object',
        properties: { a: { type: 'string' } },
        required: ['a'],
        additionalProperties: false,
      }),
      strict: fc.boolean(),
      description: text,
    },
    { requiredKeys: ['type', 'name', 'schema'] },
  ),
);

const common = {
  description: text,
  instructions: text,
  tools,
  tool_choice: fc.constantFrom('none', 'auto', 'required'),
  parallel_tool_calls: fc.boolean(),
  max_tool_calls: fc.integer({ min: 1, max: 20 }),
  text: fc.record({ format, verbosity: fc.constantFrom('low', 'medium', 'high') }, { requiredKeys: [] }),
  max_output_tokens: fc.integer({ min: 16, max: 100_000 }),
  truncation: fc.constantFrom('auto', 'disabled'),
  include: fc.uniqueArray(
    fc.constantFrom(
      'file_search_call.results',
      'code_interpreter_call.outputs',
      'reasoning.encrypted_content',
    ),
  ),
  store: fc.boolean(),
  service_tier: fc.constantFrom('auto', 'default', 'flex', 'priority'),
  prompt_cache_key: name,
  safety_identifier: name,
  metadata: fc.dictionary(name, safeString({ maxLength: 20 }), { maxKeys: 16 }),
  protect: fc.boolean(),
};
const reasoningAgent = fc.record(
  {
    model: fc.constantFrom('gpt-5-mini', 'gpt-5', 'o3', 'o4-mini'),
    ...common,
    reasoning: fc.record(
      {
        effort: fc.constantFrom('minimal', 'low', 'medium', 'high'),
        summary: fc.constantFrom('auto', 'concise', 'detailed'),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ['model'] },
);
const samplingAgent = fc.record(
  {
    model: fc.constantFrom('gpt-4.1', 'gpt-4o', 'gpt-4o-mini', 'gpt-5-chat-latest'),
    ...common,
    temperature: fc.double({ min: 0, max: 2, noNaN: true }),
    top_p: fc.double({ min: 0, max: 1, noNaN: true }),
    top_logprobs: fc.integer({ min: 0, max: 20 }),
  },
  { requiredKeys: ['model'] },
);
const agents = fc.dictionary(name, fc.oneof(reasoningAgent, samplingAgent), { minKeys: 1, maxKeys: 3 });

let dir: string;
let remove: () => Promise<void>;
beforeAll(async () => {
  ({ dir, remove } = await createWorkspace({
    'docs/a.md': '# A\n',
    'docs/b.md': '# B\n',
    'data/sales.csv': 'a,b\n1,2\n',
    'data/regions.csv': 'r\nnorth\n',
  }));
});
afterAll(() => remove());

const BASE = {
  version: 1,
  files: {
    a: { path: 'docs/a.md' },
    b: { path: 'docs/b.md' },
    sales: { path: 'data/sales.csv' },
    regions: { path: 'data/regions.csv' },
  },
  vector_stores: {
    kb: { files: [{ file: 'a', attributes: { category: 'faq', region: 'eu', year: 2026 } }] },
    archive: { files: [{ file: 'b', attributes: { category: 'policy', region: 'global', year: 2025 } }] },
  },
  tools: {
    lookup: {
      type: 'function',
      function: { name: 'lookup_order', parameters: { type: 'object', properties: {} } },
    },
  },
};

describe('agents generated from random valid manifests', () => {
  it('validate accepts them, and every rendered request is a valid CreateResponse', async () => {
    await fc.assert(
      fc.asyncProperty(agents, fc.nat(), async (generated, seed) => {
        const file = path.join(dir, 'assistants.yaml');
        await writeFile(file, stringify({ ...BASE, agents: generated }));
        const result = await validateManifests([file], { cwd: dir, env: {} });
        expect(result.errors).toEqual([]);
        expect(invalidRequests(result.value as Desired, seed)).toEqual([]);
        // The model rules held by construction: sampling settings only on models that take them.
        for (const agent of result.value?.agents ?? [])
          expect(isReasoningModel(agent.model) && 'temperature' in agent.settings).toBe(false);
      }),
      { numRuns: 60 * SCALE },
    );
  });
});
