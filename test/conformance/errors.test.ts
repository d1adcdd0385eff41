import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { startFixture, upload, useEmulator } from '../helpers/emulator.js';

const fx = useEmulator();

/** The SDK's error for a call that must fail, with the envelope fields it exposes. */
async function failure(call: Promise<unknown>) {
  try {
    await call;
  } catch (err) {
    if (err instanceof OpenAI.APIError) {
      return { status: err.status, type: err.type, param: err.param, code: err.code, message: err.message };
    }
    throw err;
  }
  throw new Error('the call succeeded');
}

describe('400: requests checked as the API checks them, with param', () => {
  it('reports unknown fields, types, enums, lengths, counts and ranges', async () => {
    const { client } = fx();
    const assistants = client.beta.assistants;
    const cases: [() => Promise<unknown>, string, string][] = [
      [() => assistants.create({ model: 'gpt-4o', colour: 'red' } as never), 'colour', 'unknown_parameter'],
      [() => assistants.create({} as never), 'model', 'missing_required_parameter'],
      [
        () => assistants.create({ model: 'gpt-4o', temperature: 'hot' } as never),
        'temperature',
        'invalid_type',
      ],
      [
        () => assistants.create({ model: 'gpt-4o', temperature: 2.5 }),
        'temperature',
        'decimal_above_max_value',
      ],
      [() => assistants.create({ model: 'gpt-4o', top_p: -1 }), 'top_p', 'decimal_below_min_value'],
      [
        () => assistants.create({ model: 'gpt-4o', name: 'n'.repeat(257) }),
        'name',
        'string_above_max_length',
      ],
      [
        () => assistants.create({ model: 'gpt-4o', tools: Array(129).fill({ type: 'code_interpreter' }) }),
        'tools',
        'array_above_max_length',
      ],
      [
        () => assistants.create({ model: 'gpt-4o', tools: [{ type: 'retrieval' }] } as never),
        'tools[0].type',
        'invalid_value',
      ],
      [
        () => assistants.create({ model: 'gpt-4o', tools: [{ type: 'function' }] } as never),
        'tools[0].function',
        'missing_required_parameter',
      ],
      [
        () =>
          assistants.create({
            model: 'gpt-4o',
            tools: [{ type: 'file_search', file_search: { max_num_results: 51 } }],
          }),
        'tools[0].file_search.max_num_results',
        'integer_above_max_value',
      ],
      [
        () =>
          assistants.create({
            model: 'gpt-4o',
            metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])),
          }),
        'metadata',
        'object_above_max_properties',
      ],
      [
        () => assistants.create({ model: 'gpt-4o', metadata: { ['k'.repeat(65)]: 'v' } }),
        'metadata',
        'string_above_max_length',
      ],
      [
        () => assistants.create({ model: 'gpt-4o', metadata: { k: 'v'.repeat(513) } }),
        'metadata.k',
        'string_above_max_length',
      ],
      [
        () => client.vectorStores.create({ expires_after: { anchor: 'last_active_at', days: 366 } }),
        'expires_after.days',
        'integer_above_max_value',
      ],
      [
        () =>
          client.vectorStores.create({
            chunking_strategy: {
              type: 'static',
              static: { max_chunk_size_tokens: 400, chunk_overlap_tokens: 300 },
            },
          }),
        'chunking_strategy.static.chunk_overlap_tokens',
        'invalid_value',
      ],
      [
        () => client.vectorStores.create({ chunking_strategy: { type: 'semantic' } } as never),
        'chunking_strategy.type',
        'invalid_value',
      ],
      [
        () => client.vectorStores.update('vs_x', { description: 'd' } as never),
        'description',
        'unknown_parameter',
      ],
      [
        () => client.vectorStores.fileBatches.create('vs_x', {} as never),
        'file_ids',
        'missing_required_parameter',
      ],
      [
        () => client.vectorStores.fileBatches.retrieve('vs_abc', { vector_store_id: 'vs_x' }),
        'batch_id',
        'invalid_value',
      ],
      [() => client.vectorStores.search('vs_x', {} as never), 'query', 'missing_required_parameter'],
    ];
    for (const [call, param, code] of cases) {
      expect(await failure(call()), `${param} ${code}`).toMatchObject({
        status: 400,
        type: 'invalid_request_error',
        param,
        code,
      });
    }
  });

  it('words messages as the API does', async () => {
    const { client } = fx();
    expect(
      (
        await failure(
          client.beta.assistants.create({ model: 'gpt-4o', tools: [{ type: 'retrieval' }] } as never),
        )
      ).message,
    ).toBe(
      "400 Invalid value: 'retrieval'. Supported values are: 'code_interpreter', 'file_search', and 'function'.",
    );
    expect(
      (await failure(client.vectorStores.fileBatches.retrieve('vs_abc', { vector_store_id: 'vs_x' })))
        .message,
    ).toBe("400 Invalid 'batch_id': 'vs_abc'. Expected an ID that begins with 'vsfb_'.");
  });

  it('rejects a body that is not JSON, and file_ids with files in one batch', async () => {
    const response = await fx().raw('POST', '/vector_stores', {
      body: '{"name": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
    const store = await fx().client.vectorStores.create({ name: 's' });
    const file = await upload(fx().client, 'a.md', 'a');
    expect(
      await failure(
        fx().client.vectorStores.fileBatches.create(store.id, {
          file_ids: [file.id],
          files: [{ file_id: file.id }],
        }),
      ),
    ).toMatchObject({ status: 400, param: 'files' });
  });
});

describe('404: unknown ids', () => {
  it('answers 404 for each kind, and a batch naming a missing file attaches nothing', async () => {
    const { client } = fx();
    const store = await client.vectorStores.create({ name: 's' });
    const file = await upload(client, 'a.md', 'a');
    const notFound: (() => Promise<unknown>)[] = [
      () => client.files.retrieve('file-missing'),
      () => client.files.delete('file-missing'),
      () => client.vectorStores.retrieve('vs_missing'),
      () => client.vectorStores.delete('vs_missing'),
      () => client.vectorStores.files.retrieve(file.id, { vector_store_id: store.id }),
      () => client.vectorStores.files.create(store.id, { file_id: 'file-missing' }),
      () => client.vectorStores.fileBatches.retrieve('vsfb_missing', { vector_store_id: store.id }),
      () => client.beta.assistants.retrieve('asst_missing'),
      () => client.beta.assistants.update('asst_missing', { name: 'x' }),
    ];
    for (const call of notFound)
      expect(await failure(call())).toMatchObject({ status: 404, type: 'invalid_request_error' });
    expect(
      await failure(
        client.vectorStores.fileBatches.create(store.id, { file_ids: [file.id, 'file-missing'] }),
      ),
    ).toMatchObject({ status: 404, param: 'file_ids[1]' });
    expect((await client.vectorStores.retrieve(store.id)).file_counts.total).toBe(0);
  });

  it('answers an unknown path with "Invalid URL"', async () => {
    const response = await fx().raw('GET', '/threads');
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { message: 'Invalid URL (GET /v1/threads)' } });
  });
});

describe('401: the Authorization header', () => {
  it('refuses a missing or malformed bearer key and accepts any non-empty one', async () => {
    const status = async (authorization?: string) =>
      (await fetch(`${fx().emulator.url}/vector_stores`, authorization ? { headers: { authorization } } : {}))
        .status;
    expect(await status()).toBe(401);
    expect(await status('Basic abc')).toBe(401);
    expect(await status('Bearer ')).toBe(401);
    expect(await status('Bearer anything')).toBe(200);
  });

  it('with --api-key, accepts only that key and never echoes a wrong one', async () => {
    const locked = await startFixture({ apiKey: 'sk-right' });
    try {
      expect((await locked.client.vectorStores.list()).data).toEqual([]);
      const wrong = new OpenAI({ apiKey: 'sk-wrong-key-123', baseURL: locked.emulator.url, maxRetries: 0 });
      const error = await failure(wrong.vectorStores.list());
      expect(error).toMatchObject({ status: 401, code: 'invalid_api_key' });
      expect(error.message).not.toContain('sk-wrong-key-123');
    } finally {
      await locked.close();
    }
  });
});
