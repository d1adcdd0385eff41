import { describe, expect, it } from 'vitest';
import { runInProcess } from '../helpers/run-cli.js';
import { workspace, yaml } from '../helpers/workspace.js';

/** Validates one agent (with a store and a function to refer to); the CLI's output. */
async function validateAgent(agent: string) {
  const dir = await workspace({
    'docs/faq.md': '# FAQ\n',
    'assistants.yaml': `${yaml`
      version: 1
      files:
        faq: { path: docs/faq.md }
      vector_stores:
        kb:
          files: [{ file: faq, attributes: { category: faq, region: eu } }]
      tools:
        escalate:
          type: function
          function: { name: escalate_ticket, parameters: { type: object, properties: {} } }
      agents:
        bot:
    `}${agent
      .split('\n')
      .map((line) => `    ${line}`)
      .join('\n')}\n`,
  });
  return runInProcess(['validate'], { cwd: dir });
}

describe('validate: agents', () => {
  it('accepts a full agent', async () => {
    const run = await validateAgent(yaml`
      model: gpt-5-mini
      instructions: Be brief.
      tools:
        - { type: file_search, vector_stores: [kb], filters: { type: eq, key: category, value: faq } }
        - escalate
        - { type: web_search, search_context_size: low }
      tool_choice: { type: function, name: escalate_ticket }
      reasoning: { effort: low }
    `);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('1 agent');
  });

  it.each([
    [
      'a tool type the API does not have, with the closest one',
      '{ type: web_serch }',
      'error[INVALID_VALUE]: agent "bot": the Responses API has no tool of type "web_serch"; did you mean "web_search"?',
    ],
    [
      'a key a passed-through tool does not take',
      '{ type: web_search, serch_context_size: low }',
      'error[UNKNOWN_KEY]: agent "bot": the web_search tool has no field "serch_context_size"; did you mean "search_context_size"?',
    ],
    [
      "a passed-through tool's value, checked in the schema its type picks",
      '{ type: image_generation, quality: best }',
      'agent "bot": the rendered request is not valid for the Responses API: tools[0].quality must be equal to one of the allowed values',
    ],
  ])('refuses %s', async (_what, tool, message) => {
    const run = await validateAgent(`model: gpt-4.1\ntools:\n  - ${tool}\n`);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toMatch(/assistants\.yaml:\d+:\d+ error/);
  });

  it.each([
    [
      'temperature on a reasoning model',
      'model: o3\ntemperature: 0.2\n',
      'sets temperature, which o3 (a reasoning model) does not accept',
    ],
    [
      'reasoning on another model',
      'model: gpt-4.1\nreasoning: { effort: low }\n',
      'sets reasoning, which gpt-4.1 (not a reasoning model) does not accept',
    ],
    [
      'an undefined store',
      'model: gpt-4.1\ntools: [{ type: file_search, vector_stores: [kbb] }]\n',
      'uses vector store "kbb", which is not defined under vector_stores:; did you mean "kb"?',
    ],
    [
      'a file_search with no store',
      'model: gpt-4.1\ntools: [{ type: file_search }]\n',
      'file_search needs at least one store',
    ],
    [
      'a tool_choice naming a function it lacks',
      'model: gpt-4.1\ntools: [escalate]\ntool_choice: { type: function, name: escalate_tiket }\n',
      'chooses function "escalate_tiket", which is not among its tools; did you mean "escalate_ticket"?',
    ],
    [
      'two functions of one name',
      'model: gpt-4.1\ntools: [escalate, { type: function, name: escalate_ticket }]\n',
      'has two functions named "escalate_ticket"',
    ],
    [
      'more than 50 container files',
      `model: gpt-4.1\ntools: [{ type: code_interpreter, file_ids: [${Array.from({ length: 51 }, (_, i) => `file-${i}`).join(', ')}] }]\n`,
      'puts 51 files in its code_interpreter container',
    ],
  ])('refuses %s', async (_what, agent, message) => {
    const run = await validateAgent(agent);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(message);
  });

  it('warns of a filter key no member of the stores carries, suggesting the closest', async () => {
    const run = await validateAgent(
      'model: gpt-4.1\ntools: [{ type: file_search, vector_stores: [kb], filters: { type: eq, key: categroy, value: faq } }]\n',
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      'warning[UNDEFINED_REFERENCE]: agent "bot" filters on attribute "categroy", which no file of "kb" has; did you mean "category"?',
    );
  });
});
