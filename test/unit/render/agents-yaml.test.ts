import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { MigratedAgent } from '../../../src/manifest/migrate-assistants.js';
import { renderAgentsYaml } from '../../../src/render/agents-yaml.js';

const SUPPORT: MigratedAgent = {
  model: '${env:MODEL:-gpt-4o}',
  description: 'Answers product questions',
  instructions: { file: 'prompts/support.md' },
  tools: [
    { type: 'file_search', vector_stores: ['kb'], max_num_results: 8, ranking_options: { ranker: 'auto' } },
    'escalate',
    {
      type: 'function',
      name: 'lookup',
      parameters: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] },
      strict: false,
    },
  ],
  temperature: 0.3,
  metadata: { owner: 'support' },
  protect: true,
};

const ANALYST: MigratedAgent = {
  model: 'o4-mini',
  instructions: 'Line one.\nLine two.\n',
  text: { format: { type: 'json_object' } },
  reasoning: { effort: 'high' },
};

describe('renderAgentsYaml', () => {
  const agents = new Map([
    ['support', SUPPORT],
    ['analyst', ANALYST],
  ]);

  it('writes a manifest that reads back as version 1, the stack and the agents, exactly', () => {
    const text = renderAgentsYaml({ stack: 'rich', agents, differences: [], from: ['a.yaml'] });
    expect(parse(text)).toEqual({
      version: 1,
      stack: 'rich',
      agents: { support: SUPPORT, analyst: ANALYST },
    });
    expect(Object.keys(parse(text))).toEqual(['version', 'stack', 'agents']);
  });

  it('leaves the stack out when the manifests set none', () => {
    const text = renderAgentsYaml({ agents, differences: [], from: ['a.yaml'] });
    expect(parse(text)).toEqual({ version: 1, agents: { support: SUPPORT, analyst: ANALYST } });
  });

  it('puts each difference as a comment above its agent, a blank line between agents', () => {
    const text = renderAgentsYaml({
      stack: 'rich',
      agents,
      differences: [
        {
          agent: 'analyst',
          field: 'name',
          message: '"Analyst" has no Responses field; kept as a comment, not sent',
        },
        { agent: 'analyst', field: 'tools[0]', message: 'left out,\nfor a reason' },
      ],
      from: ['a.yaml', 'sub/b.yaml'],
    });
    expect(text).toContain(
      [
        '    protect: true',
        '',
        '  # name: "Analyst" has no Responses field; kept as a comment, not sent',
        '  # tools[0]: left out, for a reason',
        '  analyst:',
        '    model: o4-mini',
        '    instructions: |',
        '      Line one.',
        '      Line two.',
      ].join('\n'),
    );
    expect(
      text.startsWith('# Agents made by `assistants migrate` from the assistants of a.yaml, sub/b.yaml.\n'),
    ).toBe(true);
  });

  it('writes small maps and lists on one line, the tools one a line', () => {
    const text = renderAgentsYaml({ agents, differences: [], from: ['a.yaml'] });
    expect(text).toContain(
      [
        '  support:',
        '    model: ${env:MODEL:-gpt-4o}',
        '    description: Answers product questions',
        '    instructions: { file: prompts/support.md }',
        '    tools:',
        '      - type: file_search',
        '        vector_stores: [ kb ]',
        '        max_num_results: 8',
        '        ranking_options: { ranker: auto }',
        '      - escalate',
        '      - type: function',
        '        name: lookup',
        '        parameters:',
        '          type: object',
        '          properties:',
        '            q: { type: string }',
        '          required: [ q ]',
        '        strict: false',
        '    temperature: 0.3',
        '    metadata: { owner: support }',
        '    protect: true',
      ].join('\n'),
    );
    expect(text).toContain(
      '    text:\n      format: { type: json_object }\n    reasoning: { effort: high }\n',
    );
  });

  it('says where relative paths point from: this file, or the folder named when printed', () => {
    const written = renderAgentsYaml({ agents, differences: [], from: ['a.yaml'] });
    expect(written).toContain("# Paths are relative to this file's folder.\n");
    const printed = renderAgentsYaml({ agents, differences: [], from: ['a.yaml'], pathsRelativeTo: 'stack' });
    expect(printed).toContain('# Paths are relative to stack: save this file there (or use --write FILE).\n');
    const here = renderAgentsYaml({ agents, differences: [], from: ['a.yaml'], pathsRelativeTo: '.' });
    expect(here).toContain(
      '# Paths are relative to the working folder: save this file there (or use --write FILE).\n',
    );
  });
});
