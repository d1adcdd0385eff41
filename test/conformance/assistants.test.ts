import { describe, expect, it } from 'vitest';
import { upload, useEmulator } from '../helpers/emulator.js';

const fx = useEmulator();

describe('assistants', () => {
  it('creates with the server defaults a client must expect, retrieves, lists, deletes', async () => {
    const { client } = fx();
    const data = await upload(client, 'rows.csv', 'a\n1\n');
    const assistant = await client.beta.assistants.create({
      model: 'gpt-4o',
      name: 'Support',
      instructions: 'Be brief.',
      tools: [
        { type: 'file_search' },
        { type: 'code_interpreter' },
        { type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: {} } } },
      ],
      tool_resources: { code_interpreter: { file_ids: [data.id] } },
      metadata: { team: 'support' },
    });
    expect(assistant.id).toMatch(/^asst_[A-Za-z0-9]{24}$/);
    expect(assistant).toMatchObject({
      object: 'assistant',
      name: 'Support',
      description: null,
      instructions: 'Be brief.',
      temperature: 1,
      top_p: 1,
      response_format: 'auto',
      tools: [
        {
          type: 'file_search',
          file_search: { ranking_options: { ranker: 'default_2024_08_21', score_threshold: 0 } },
        },
        { type: 'code_interpreter' },
        { type: 'function', function: { name: 'lookup', strict: false } },
      ],
      tool_resources: { code_interpreter: { file_ids: [data.id] }, file_search: { vector_store_ids: [] } },
    });
    expect(await client.beta.assistants.retrieve(assistant.id)).toEqual(assistant);
    expect((await client.beta.assistants.list()).data.map((a) => a.id)).toEqual([assistant.id]);
    expect(await client.beta.assistants.delete(assistant.id)).toEqual({
      id: assistant.id,
      object: 'assistant.deleted',
      deleted: true,
    });
    await expect(client.beta.assistants.retrieve(assistant.id)).rejects.toMatchObject({ status: 404 });
  });

  it('creates a store through the tool_resources.file_search.vector_stores helper', async () => {
    const { client } = fx();
    const doc = await upload(client, 'faq.md', 'faq');
    const assistant = await client.beta.assistants.create({
      model: 'gpt-4.1-mini',
      tools: [{ type: 'file_search' }],
      tool_resources: {
        file_search: { vector_stores: [{ file_ids: [doc.id], metadata: { via: 'helper' } }] },
      },
    });
    const [storeId] = assistant.tool_resources?.file_search?.vector_store_ids ?? [];
    expect(storeId).toMatch(/^vs_/);
    const store = await client.vectorStores.retrieve(storeId as string);
    expect(store).toMatchObject({ metadata: { via: 'helper' }, file_counts: { total: 1 } });
  });

  it('updates: given fields replace, null clears, and a stale temperature blocks a reasoning model', async () => {
    const { client } = fx();
    const assistant = await client.beta.assistants.create({ model: 'gpt-4o', temperature: 0.2, name: 'A' });
    await expect(client.beta.assistants.update(assistant.id, { model: 'o3-mini' })).rejects.toMatchObject({
      status: 400,
      param: 'temperature',
      code: 'unsupported_parameter',
      error: { message: "Unsupported parameter: 'temperature' is not supported with this model." },
    });
    // The refused update changed nothing.
    expect((await client.beta.assistants.retrieve(assistant.id)).model).toBe('gpt-4o');
    const switched = await client.beta.assistants.update(assistant.id, {
      model: 'o3-mini',
      temperature: null,
      reasoning_effort: 'high',
      name: null,
    });
    expect(switched).toMatchObject({ model: 'o3-mini', temperature: null, top_p: null, name: null });
    await expect(
      client.beta.assistants.create({ model: 'gpt-4o', reasoning_effort: 'low' }),
    ).rejects.toMatchObject({ status: 400, param: 'reasoning_effort' });
  });

  it('updates tool resources per key: a list given replaces, an empty one clears, one left out stays', async () => {
    const { client } = fx();
    const table = await upload(client, 'table.csv', 'a\n1\n');
    const first = await client.vectorStores.create({ name: 'first' });
    const second = await client.vectorStores.create({ name: 'second' });
    const assistant = await client.beta.assistants.create({
      model: 'gpt-4o',
      tools: [{ type: 'code_interpreter' }, { type: 'file_search' }],
      tool_resources: {
        code_interpreter: { file_ids: [table.id] },
        file_search: { vector_store_ids: [first.id] },
      },
    });
    const resources = async (body: Parameters<typeof client.beta.assistants.update>[1]) =>
      (await client.beta.assistants.update(assistant.id, body)).tool_resources;

    // Left out: the whole key, the tool's key, or the list inside it. Nothing is cleared.
    const both = {
      code_interpreter: { file_ids: [table.id] },
      file_search: { vector_store_ids: [first.id] },
    };
    expect(await resources({ name: 'renamed' })).toEqual(both);
    expect(await resources({ tool_resources: {} })).toEqual(both);
    expect(await resources({ tool_resources: { code_interpreter: {}, file_search: {} } })).toEqual(both);

    // Given: that list is replaced, the other stays.
    expect(await resources({ tool_resources: { file_search: { vector_store_ids: [second.id] } } })).toEqual({
      code_interpreter: { file_ids: [table.id] },
      file_search: { vector_store_ids: [second.id] },
    });
    expect(await resources({ tool_resources: { code_interpreter: { file_ids: [] } } })).toEqual({
      code_interpreter: { file_ids: [] },
      file_search: { vector_store_ids: [second.id] },
    });
    expect(await resources({ tool_resources: { file_search: { vector_store_ids: [] } } })).toEqual({
      code_interpreter: { file_ids: [] },
      file_search: { vector_store_ids: [] },
    });
    expect((await client.beta.assistants.retrieve(assistant.id)).tool_resources).toEqual({
      code_interpreter: { file_ids: [] },
      file_search: { vector_store_ids: [] },
    });
    // A missing id refuses the whole update.
    await expect(
      resources({
        tool_resources: {
          code_interpreter: { file_ids: [table.id] },
          file_search: { vector_store_ids: ['vs_gone'] },
        },
      }),
    ).rejects.toMatchObject({ status: 404, param: 'tool_resources.file_search.vector_store_ids[0]' });
    expect((await client.beta.assistants.retrieve(assistant.id)).tool_resources?.code_interpreter).toEqual({
      file_ids: [],
    });
  });

  it('takes temperature on the gpt-5 chat variants, which are not reasoning models', async () => {
    const { client } = fx();
    for (const model of ['gpt-5-chat-latest', 'gpt-5.1-chat-latest']) {
      const bare = await client.beta.assistants.create({ model });
      expect(bare).toMatchObject({ model, temperature: 1, top_p: 1 });
      const tuned = await client.beta.assistants.create({ model, temperature: 0.3, top_p: 0.9 });
      expect(tuned).toMatchObject({ model, temperature: 0.3, top_p: 0.9 });
      await expect(client.beta.assistants.create({ model, reasoning_effort: 'low' })).rejects.toMatchObject({
        status: 400,
        param: 'reasoning_effort',
      });
    }
    await expect(client.beta.assistants.create({ model: 'gpt-5', temperature: 0.3 })).rejects.toMatchObject({
      status: 400,
      param: 'temperature',
    });
  });

  it('refuses an unknown model and references to missing files or stores', async () => {
    const { client } = fx();
    await expect(client.beta.assistants.create({ model: 'gpt-9-ultra' })).rejects.toMatchObject({
      status: 400,
      param: 'model',
      code: 'model_not_found',
    });
    await expect(
      client.beta.assistants.create({
        model: 'gpt-4o',
        tool_resources: { file_search: { vector_store_ids: ['vs_missing'] } },
      }),
    ).rejects.toMatchObject({ status: 404, param: 'tool_resources.file_search.vector_store_ids[0]' });
    expect((await client.beta.assistants.list()).data).toEqual([]);
  });

  it('requires the OpenAI-Beta header, as the live Assistants API did', async () => {
    const response = await fx().raw('GET', '/assistants');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'invalid_beta' } });
  });
});
