import OpenAI from 'openai';
import type { Response as ApiResponse, ResponseOutputMessage } from 'openai/resources/responses/responses';
import { describe, expect, it } from 'vitest';
import { upload, useEmulator } from '../helpers/emulator.js';

const fx = useEmulator();

const HANDBOOK = 'Refunds are issued within 14 days of purchase. Ask the support desk for a refund form.';
const SHIPPING = 'Shipping takes 3 days. Refunds for shipping costs are not offered.';

/** Two managed files in one store, each with attributes, indexed at once (the fixture's delay is 0). */
async function seed() {
  const { client } = fx();
  const handbook = await upload(client, 'handbook.md', HANDBOOK);
  const shipping = await upload(client, 'shipping.md', SHIPPING);
  const store = await client.vectorStores.create({ name: 'docs' });
  await client.vectorStores.files.create(store.id, {
    file_id: handbook.id,
    attributes: { topic: 'refunds', year: 2026 },
  });
  await client.vectorStores.files.create(store.id, {
    file_id: shipping.id,
    attributes: { topic: 'shipping' },
  });
  return { client, store, handbook, shipping };
}

/** The closing assistant message of a response, and its text part. */
function echoOf(response: ApiResponse) {
  const message = response.output.at(-1) as ResponseOutputMessage;
  expect(message).toMatchObject({ type: 'message', role: 'assistant', status: 'completed' });
  expect(message.id).toMatch(/^msg_[A-Za-z0-9]{24}$/);
  const part = message.content[0];
  if (part?.type !== 'output_text') throw new Error(`no output_text in ${JSON.stringify(message)}`);
  return part;
}

/** The SDK's error for a call that must fail, with the envelope fields it exposes. */
async function failure(call: Promise<unknown>) {
  try {
    await call;
  } catch (err) {
    if (err instanceof OpenAI.APIError) return { status: err.status, param: err.param, code: err.code };
    throw err;
  }
  throw new Error('the call succeeded');
}

describe('POST /responses with file_search', () => {
  it('searches the named store and answers a labelled echo that cites the managed files', async () => {
    const { client, store, handbook, shipping } = await seed();
    const response = await client.responses.create({
      model: 'gpt-4o',
      instructions: 'Answer from the handbook.',
      input: 'How are refunds issued?',
      tools: [{ type: 'file_search', vector_store_ids: [store.id] }],
    });

    expect(response.id).toMatch(/^resp_[A-Za-z0-9]{24}$/);
    expect(response).toMatchObject({
      object: 'response',
      status: 'completed',
      model: 'gpt-4o',
      instructions: 'Answer from the handbook.',
      error: null,
      incomplete_details: null,
      tool_choice: 'auto',
      parallel_tool_calls: true,
      temperature: 1,
      top_p: 1,
      text: { format: { type: 'text' } },
      metadata: {},
    });
    // The tool comes back with what the API fills in.
    expect(response.tools).toEqual([
      {
        type: 'file_search',
        vector_store_ids: [store.id],
        filters: null,
        max_num_results: 20,
        ranking_options: { ranker: 'auto', score_threshold: 0 },
      },
    ]);

    expect(response.output).toHaveLength(2);
    const [call] = response.output;
    expect(call).toMatchObject({
      type: 'file_search_call',
      status: 'completed',
      queries: ['How are refunds issued?'],
      results: null,
    });
    expect(call?.id).toMatch(/^fs_[A-Za-z0-9]{24}$/);

    const echo = echoOf(response);
    expect(echo.text).toBe(
      [
        '[emulator] No model runs here. Top results for "How are refunds issued?":',
        `1. handbook.md: ${HANDBOOK.slice(0, 80)}…`,
        `2. shipping.md: ${SHIPPING}`,
      ].join('\n'),
    );
    expect(echo.logprobs).toEqual([]);
    // Each citation names a managed file and sits at the end of the line that quotes it.
    expect(echo.annotations.map((a) => a.type === 'file_citation' && [a.file_id, a.filename])).toEqual([
      [handbook.id, 'handbook.md'],
      [shipping.id, 'shipping.md'],
    ]);
    for (const annotation of echo.annotations) {
      if (annotation.type !== 'file_citation') continue;
      const line = echo.text.slice(0, annotation.index).split('\n').at(-1);
      expect(line).toContain(`${annotation.filename}: `);
      expect(['\n', undefined]).toContain(echo.text[annotation.index]);
    }
    // output_text is the SDK's own convenience, made from the message; the body has no such field.
    expect(response.output_text).toBe(echo.text);
    const usage = response.usage;
    expect(usage?.total_tokens).toBe((usage?.input_tokens ?? 0) + (usage?.output_tokens ?? 0));
    expect(usage?.input_tokens).toBeGreaterThan(0);
    // The fixture checked the body against the spec's `Response` (a failure fails the test).
    expect(fx().checker.seen.filter((seen) => seen.schema === 'Response')).toHaveLength(1);
  });

  it('returns the results only when include asks for them', async () => {
    const { client, store, handbook } = await seed();
    const response = await client.responses.create({
      model: 'gpt-4o',
      input: 'refund form',
      include: ['file_search_call.results'],
      tools: [{ type: 'file_search', vector_store_ids: [store.id] }],
    });
    const [call] = response.output;
    if (call?.type !== 'file_search_call') throw new Error('no file_search_call');
    expect(call.results).toEqual([
      {
        file_id: handbook.id,
        filename: 'handbook.md',
        score: 1,
        text: HANDBOOK,
        attributes: { topic: 'refunds', year: 2026 },
      },
    ]);
  });

  it('applies the tool’s filters and max_num_results, over every store it names', async () => {
    const { client, store, handbook, shipping } = await seed();
    const filtered = await client.responses.create({
      model: 'gpt-4o',
      input: 'refunds',
      include: ['file_search_call.results'],
      tools: [
        {
          type: 'file_search',
          vector_store_ids: [store.id],
          filters: { type: 'eq', key: 'topic', value: 'shipping' },
        },
      ],
    });
    const filteredCall = filtered.output[0];
    if (filteredCall?.type !== 'file_search_call') throw new Error('no file_search_call');
    expect(filteredCall.results?.map((r) => r.file_id)).toEqual([shipping.id]);
    expect(echoOf(filtered).annotations).toEqual([
      expect.objectContaining({ type: 'file_citation', file_id: shipping.id }),
    ]);

    const other = await client.vectorStores.create({ name: 'more' });
    const faq = await upload(client, 'faq.txt', 'Refunds: see the handbook.');
    await client.vectorStores.files.create(other.id, { file_id: faq.id });
    const both = await client.responses.create({
      model: 'gpt-4o',
      input: 'refunds handbook',
      include: ['file_search_call.results'],
      tools: [{ type: 'file_search', vector_store_ids: [store.id, other.id], max_num_results: 2 }],
    });
    const bothCall = both.output[0];
    if (bothCall?.type !== 'file_search_call') throw new Error('no file_search_call');
    // faq.txt has both words (score 1); of the two with one word (0.5), the lower file id comes first.
    const half = [handbook.id, shipping.id].sort((a, b) => a.localeCompare(b))[0];
    expect(bothCall.results?.map((r) => [r.file_id, r.score])).toEqual([
      [faq.id, 1],
      [half, 0.5],
    ]);
    expect(both.tools[0]).toMatchObject({ max_num_results: 2 });
  });

  it('searches for the last user message of an input list; says so when nothing is found', async () => {
    const { client, store } = await seed();
    const response = await client.responses.create({
      model: 'gpt-4o',
      input: [
        { role: 'user', content: 'How long does shipping take?' },
        { role: 'assistant', content: 'Three days.' },
        { role: 'user', content: [{ type: 'input_text', text: 'Is it sunny tomorrow?' }] },
      ],
      tools: [{ type: 'file_search', vector_store_ids: [store.id] }],
    });
    expect(response.output[0]).toMatchObject({ queries: ['Is it sunny tomorrow?'] });
    const echo = echoOf(response);
    expect(echo.text).toBe('[emulator] No model runs here. No results for "Is it sunny tomorrow?".');
    expect(echo.annotations).toEqual([]);
  });

  it('without a file_search tool, answers one message that says nothing was searched; echoes what was sent', async () => {
    const { client } = fx();
    const response = await client.responses.create({
      model: 'gpt-5',
      input: 'hello',
      metadata: { app: 'demo' },
      tool_choice: 'none',
      parallel_tool_calls: false,
      reasoning: { effort: 'low' },
      max_output_tokens: 256,
      text: { verbosity: 'low' },
    });
    expect(response.output).toHaveLength(1);
    expect(echoOf(response).text).toBe(
      '[emulator] No model runs here. No file_search tool was given, so nothing was searched.',
    );
    expect(response).toMatchObject({
      model: 'gpt-5',
      instructions: null,
      tools: [],
      metadata: { app: 'demo' },
      tool_choice: 'none',
      parallel_tool_calls: false,
      reasoning: { effort: 'low' },
      max_output_tokens: 256,
      text: { format: { type: 'text' }, verbosity: 'low' },
    });
    const stats = await fx().control('stats');
    expect((stats.requests as Record<string, number>)['POST /v1/responses']).toBe(1);
  });

  it('is rate limited by rate_limit_per_min, in a bucket of its own, with the API headers', async () => {
    const { control, raw } = fx();
    await control('config', { rate_limit_per_min: 2 });
    const send = () => raw('POST', '/responses', { body: { model: 'gpt-4.1', input: 'hi' } });
    const first = await send();
    expect(first.status).toBe(200);
    expect(first.headers.get('x-ratelimit-limit-requests')).toBe('2');
    expect(first.headers.get('x-ratelimit-remaining-requests')).not.toBeNull();
    // The limit is quantised as the API's is, so the refusal comes within the next two.
    const statuses = [(await send()).status, (await send()).status];
    expect(statuses).toContain(429);
    const limited = await send();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Stores have a bucket of their own: the responses spent none of it.
    expect((await raw('GET', '/vector_stores')).status).toBe(200);
  });

  it('is use of the store: last_active_at moves, and the expiry deadline with it', async () => {
    const { client, control } = fx();
    const store = await client.vectorStores.create({
      name: 's',
      expires_after: { anchor: 'last_active_at', days: 1 },
    });
    await control('clock', { advance_seconds: 3600 });
    await client.responses.create({
      model: 'gpt-4o',
      input: 'anything',
      tools: [{ type: 'file_search', vector_store_ids: [store.id] }],
    });
    const used = await client.vectorStores.retrieve(store.id);
    expect(used.last_active_at).toBeGreaterThanOrEqual((store.last_active_at as number) + 3600);
    expect(used.expires_at).toBe((used.last_active_at as number) + 86_400);
  });
});

describe('POST /responses refusals (every body checked against the spec by the fixture)', () => {
  it('400 for an unknown field, a missing model, a bad filter type, an out-of-range max_num_results', async () => {
    const { client } = fx();
    const store = await client.vectorStores.create({ name: 's' });
    const tool = { type: 'file_search' as const, vector_store_ids: [store.id] };
    const cases: [Promise<unknown>, string, string][] = [
      [
        client.responses.create({ model: 'gpt-4o', input: 'x', colour: 'red' } as never),
        'colour',
        'unknown_parameter',
      ],
      [
        client.responses.create({ model: 'gpt-4o', tools: [{ ...tool, colour: 'red' }] } as never),
        'tools[0].colour',
        'unknown_parameter',
      ],
      [client.responses.create({ input: 'x' } as never), 'model', 'missing_required_parameter'],
      [client.responses.create({ model: 12 } as never), 'model', 'invalid_type'],
      [
        client.responses.create({
          model: 'gpt-4o',
          tools: [{ ...tool, filters: { type: 'like', key: 'topic', value: 'x' } }],
        } as never),
        'tools[0].filters.type',
        'invalid_value',
      ],
      [
        client.responses.create({ model: 'gpt-4o', tools: [{ ...tool, max_num_results: 51 }] }),
        'tools[0].max_num_results',
        'integer_above_max_value',
      ],
      [
        client.responses.create({
          model: 'gpt-4o',
          tools: [{ ...tool, ranking_options: { score_threshold: 1.5 } }],
        }),
        'tools[0].ranking_options.score_threshold',
        'decimal_above_max_value',
      ],
    ];
    for (const [call, param, code] of cases) {
      expect(await failure(call)).toEqual({ status: 400, param, code });
    }
  });

  it('404 for a store that does not exist, and nothing is used: no store named before it is touched', async () => {
    const { client, control } = fx();
    const store = await client.vectorStores.create({ name: 's' });
    await control('clock', { advance_seconds: 3600 });
    const refused = await failure(
      client.responses.create({
        model: 'gpt-4o',
        input: 'x',
        tools: [{ type: 'file_search', vector_store_ids: [store.id, 'vs_missing'] }],
      }),
    );
    expect(refused).toEqual({ status: 404, param: 'tools[0].vector_store_ids[1]', code: null });
    expect((await client.vectorStores.retrieve(store.id)).last_active_at).toBe(store.last_active_at);
  });

  it('400 vector_store_expired for an expired store, as the store routes answer', async () => {
    const { client, control } = fx();
    const store = await client.vectorStores.create({
      name: 's',
      expires_after: { anchor: 'last_active_at', days: 1 },
    });
    await control('clock', { advance_seconds: 86_400 + 60 });
    expect(
      await failure(
        client.responses.create({
          model: 'gpt-4o',
          input: 'x',
          tools: [{ type: 'file_search', vector_store_ids: [store.id] }],
        }),
      ),
    ).toEqual({ status: 400, param: 'tools[0].vector_store_ids[0]', code: 'vector_store_expired' });
  });

  it('refuses what it does not emulate: streaming, background runs, earlier responses', async () => {
    const { raw } = fx();
    const stream = await raw('POST', '/responses', { body: { model: 'gpt-4o', input: 'x', stream: true } });
    expect(stream.status).toBe(400);
    expect(((await stream.json()) as { error: object }).error).toMatchObject({
      param: 'stream',
      code: 'unsupported_value',
    });
    const background = await raw('POST', '/responses', { body: { model: 'gpt-4o', background: true } });
    expect(background.status).toBe(400);
    const chained = await raw('POST', '/responses', {
      body: { model: 'gpt-4o', input: 'x', previous_response_id: 'resp_earlier' },
    });
    expect(chained.status).toBe(404);
    expect(((await chained.json()) as { error: object }).error).toMatchObject({
      param: 'previous_response_id',
    });
  });
});
