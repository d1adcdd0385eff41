import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../../src/emulator/http-io.js';
import { useEmulator } from '../helpers/emulator.js';

const fx = useEmulator();

/** A function schema whose objects nest `levels` deep: each level is two levels of JSON. */
function nestedSchema(levels: number): Record<string, unknown> {
  let schema: Record<string, unknown> = { type: 'string' };
  for (let i = 0; i < levels; i += 1) schema = { type: 'object', properties: { inner: schema } };
  return schema;
}

function deepFunction(levels: number) {
  return {
    type: 'function' as const,
    function: { name: 'deep', parameters: nestedSchema(levels) },
  };
}

describe('nesting limits', () => {
  it('refuses a function schema nested thousands of levels with a 400, stores nothing, and lists still work', async () => {
    const { client } = fx();
    // Too deep for the SDK's own JSON.stringify: sent as text, as any HTTP client could.
    const body = (extra: Record<string, unknown>) =>
      JSON.stringify({ model: 'gpt-4o', tools: ['TOOL'], ...extra }).replace(
        '"TOOL"',
        `{"type":"function","function":{"name":"deep","parameters":${'{"type":"object","properties":{"inner":'.repeat(5000)}{"type":"string"}${'}}'.repeat(5000)}}}`,
      );
    const headers = { 'content-type': 'application/json', 'openai-beta': 'assistants=v2' };
    const refused = await fx().raw('POST', '/assistants', { body: body({}), headers });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({
      error: { type: 'invalid_request_error', message: expect.stringContaining('nested too deeply') },
    });
    const kept = await client.beta.assistants.create({ model: 'gpt-4o', name: 'kept' });
    const update = await fx().raw('POST', `/assistants/${kept.id}`, { body: body({}), headers });
    expect(update.status).toBe(400);
    const listed = await client.beta.assistants.list();
    expect(listed.data.map((a) => [a.id, a.tools])).toEqual([[kept.id, []]]);
    expect((await fx().control('stats')).statuses).not.toHaveProperty('500');
  });

  it('takes a body nested to the limit and refuses one level more, whatever the route', async () => {
    const { client } = fx();
    // Body → tools → tool → function → parameters: 5 levels, then 2 per schema level.
    const fits = Math.floor((MAX_JSON_DEPTH - 5) / 2);
    const made = await client.beta.assistants.create({ model: 'gpt-4o', tools: [deepFunction(fits)] });
    expect((await client.beta.assistants.retrieve(made.id)).tools).toHaveLength(1);

    const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
    const at = (depth: number) => `{"metadata":{"a":${nested(depth - 2)}}}`;
    expect(at(MAX_JSON_DEPTH).split('[').length - 1 + 2).toBe(MAX_JSON_DEPTH);
    // Over the limit: refused before the body is looked at (metadata of the wrong type would be a
    // different 400, with param `metadata.a`).
    const over = await fx().raw('POST', '/vector_stores', { body: at(MAX_JSON_DEPTH + 1) });
    expect(over.status).toBe(400);
    expect(await over.json()).toMatchObject({
      error: { param: null, message: expect.stringContaining('128') },
    });
    const atLimit = await fx().raw('POST', '/vector_stores', { body: at(MAX_JSON_DEPTH) });
    expect(atLimit.status).toBe(400);
    expect(await atLimit.json()).toMatchObject({ error: { param: 'metadata.a' } });
  });

  it('measures any body without parsing it first: well-formed JSON a million levels deep is a 400', async () => {
    const deep = `${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`;
    const body = `{"model":"gpt-4o","tools":[{"type":"function","function":{"name":"d","parameters":{"x":${deep}}}}]}`;
    const headers = { 'content-type': 'application/json', 'openai-beta': 'assistants=v2' };
    for (const path of ['/assistants', '/vector_stores']) {
      const response = await fx().raw('POST', path, { body, headers });
      expect(response.status).toBe(400);
    }
    expect((await fx().client.beta.assistants.list()).data).toEqual([]);
    // Brackets inside strings are text, not nesting.
    const text = `${'['.repeat(200)}\\"{`;
    const store = await fx().client.vectorStores.create({ name: text, metadata: { k: text } });
    expect(store.name).toBe(text);
    expect((await fx().client.vectorStores.list()).data).toHaveLength(1);
    expect((await fx().control('stats')).statuses).not.toHaveProperty('500');
  });
});
