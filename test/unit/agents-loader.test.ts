import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { type AgentRequest, loadAgent, loadAgentSync, loadAgents } from '../../src/agents.js';
import { workspace } from '../helpers/workspace.js';

const REQUEST = {
  model: 'gpt-5-mini',
  instructions: 'Answer from the FAQ.',
  tools: [{ type: 'file_search', vector_store_ids: ['vs_abc'], max_num_results: 4 }],
};

describe('assistants-iac/agents', () => {
  it('loads a rendered request, typed so that adding input gives the SDK its create params', async () => {
    const dir = await workspace({ 'agent.json': `${JSON.stringify(REQUEST, null, 2)}\n` });
    const agent: AgentRequest = await loadAgent(path.join(dir, 'agent.json'));
    const params: OpenAI.Responses.ResponseCreateParamsNonStreaming = {
      ...agent,
      input: 'Where is my parcel?',
    };
    expect(params).toEqual({ ...REQUEST, input: 'Where is my parcel?' });
    expect(loadAgentSync(path.join(dir, 'agent.json'))).toEqual(REQUEST);
  });

  it('loads every agent from `output --format responses`', async () => {
    const dir = await workspace({
      'agents.json': JSON.stringify({ support: REQUEST, triage: { model: 'gpt-4.1' } }),
    });
    expect(await loadAgents(path.join(dir, 'agents.json'))).toEqual({
      support: REQUEST,
      triage: { model: 'gpt-4.1' },
    });
  });

  it('refuses what is not a rendered request, saying why', async () => {
    const dir = await workspace({ 'x.json': '' });
    const file = path.join(dir, 'x.json');
    const cases: [string, RegExp][] = [
      ['{not json', /is not JSON/],
      ['[1]', /does not hold a JSON object/],
      ['{"tools": []}', /has no model/],
      ['{"model": "gpt-4.1", "input": "hi"}', /already has an input/],
    ];
    for (const [text, message] of cases) {
      await writeFile(file, text);
      await expect(loadAgent(file)).rejects.toThrow(message);
    }
    await writeFile(file, '{"a": {"tools": []}}');
    await expect(loadAgents(file)).rejects.toThrow(/agent "a" has no model/);
  });

  it('is what the package exports as assistants-iac/agents (the built module)', async () => {
    const exported = await import('assistants-iac/agents');
    expect(Object.keys(exported).sort()).toEqual(['loadAgent', 'loadAgentSync', 'loadAgents']);
  });
});
