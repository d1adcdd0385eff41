import nock from 'nock';
import OpenAI from 'openai';
import { describe, expect, it, vi } from 'vitest';
import { AssistantsError } from '../../../src/errors/index.js';
import type { RefreshRequest } from '../../../src/model/live.js';
import { type ApiClient, createApiClient } from '../../../src/provider/api-client.js';
import { toApiError } from '../../../src/provider/api-errors.js';
import { refresh } from '../../../src/provider/refresh.js';
import { sdkReader } from '../../../src/provider/sdk-reader.js';
import { mapLimit } from '../../../src/util/concurrency.js';
import { apiAssistant, apiFile, apiList, apiMember, apiStore } from '../../helpers/api-objects.js';
import { fakeKey } from '../../helpers/fake-key.js';
import { NOCK_BASE_URL, NOCK_ORIGIN, useNock } from '../../helpers/nock-api.js';

const ORIGIN = NOCK_ORIGIN;
const BASE_URL = NOCK_BASE_URL;
const KEY = fakeKey('sk-test-', 16, 'provider');

const unmatched = useNock();

function client(): ApiClient {
  // maxRetries 0: a 500 or a refused connection must surface at once, with one request to mock.
  return createApiClient({ baseUrl: BASE_URL, env: { OPENAI_API_KEY: KEY }, maxRetries: 0 });
}

function request(overrides: Partial<RefreshRequest> = {}): RefreshRequest {
  return {
    fileIds: new Set(),
    vectorStoreIds: new Set(),
    assistantIds: new Set(),
    probeAssistants: false,
    ...overrides,
  };
}

const list = apiList;
const rawFile = apiFile;
const rawStore = apiStore;
const rawMember = apiMember;
const rawAssistant = apiAssistant;

const storeIds = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => `vs_${String(from + i).padStart(3, '0')}`);

describe('refresh: walking lists by cursor', () => {
  it('follows `after` from the last id of a page and stops once every wanted id is seen', async () => {
    const api = nock(ORIGIN)
      .matchHeader('authorization', `Bearer ${KEY}`)
      .get('/v1/vector_stores')
      .query({ limit: '100' })
      .reply(
        200,
        list(
          storeIds(0, 100).map((id) => rawStore(id)),
          true,
        ),
      )
      .get('/v1/vector_stores')
      .query({ limit: '100', after: 'vs_099' })
      .reply(
        200,
        list(
          storeIds(100, 200).map((id) => rawStore(id)),
          true,
        ),
      )
      .get('/v1/vector_stores/vs_005/files')
      .query({ limit: '100' })
      .reply(200, list([]))
      .get('/v1/vector_stores/vs_150/files')
      .query({ limit: '100' })
      .reply(200, list([]));
    // Page 2 still says has_more, but both wanted stores are found by then: page 3 must not be read.
    const page3 = nock(ORIGIN)
      .get('/v1/vector_stores')
      .query({ limit: '100', after: 'vs_199' })
      .reply(200, list([rawStore('vs_200')]));

    const view = await refresh(
      sdkReader(client()),
      request({ vectorStoreIds: new Set(['vs_005', 'vs_150']) }),
    );

    expect([...view.vectorStores.keys()]).toEqual(['vs_005', 'vs_150']);
    expect(api.isDone()).toBe(true);
    expect(page3.isDone()).toBe(false);
    expect(page3.pendingMocks()).toHaveLength(1);
    expect(unmatched).toEqual([]);
  });

  it('reads to the last page when a wanted id is missing, and leaves it out (gone)', async () => {
    const api = nock(ORIGIN)
      .get('/v1/vector_stores')
      .query({ limit: '100' })
      .reply(200, list([rawStore('vs_a')], true))
      .get('/v1/vector_stores')
      .query({ limit: '100', after: 'vs_a' })
      .reply(200, list([rawStore('vs_b')], false))
      .get('/v1/vector_stores/vs_a/files')
      .query({ limit: '100' })
      .reply(200, list([]));

    const view = await refresh(
      sdkReader(client()),
      request({ vectorStoreIds: new Set(['vs_a', 'vs_gone']) }),
    );

    expect([...view.vectorStores.keys()]).toEqual(['vs_a']);
    expect([...view.members.keys()]).toEqual(['vs_a']);
    expect(api.isDone()).toBe(true);
    expect(unmatched).toEqual([]);
  });

  it("lists each live store's files (every page), none for an expired store; files ask limit=10000", async () => {
    const api = nock(ORIGIN)
      .get('/v1/files')
      .query({ limit: '10000', order: 'desc' })
      .reply(200, list([rawFile('file-a'), rawFile('file-unrelated')]))
      .get('/v1/vector_stores')
      .query({ limit: '100' })
      .reply(
        200,
        list([
          rawStore('vs_live'),
          rawStore('vs_expired', { status: 'expired' }),
          rawStore('vs_indexing', { status: 'in_progress' }),
        ]),
      )
      // A store's files are kept whole (no wanted set), so its list is read to the end.
      .get('/v1/vector_stores/vs_live/files')
      .query({ limit: '100' })
      .reply(200, list([rawMember('file-a', 'vs_live')], true))
      .get('/v1/vector_stores/vs_live/files')
      .query({ limit: '100', after: 'file-a' })
      .reply(200, list([rawMember('file-b', 'vs_live')]))
      .get('/v1/vector_stores/vs_indexing/files')
      .query({ limit: '100' })
      .reply(200, list([rawMember('file-c', 'vs_indexing', { status: 'in_progress' })]));

    const view = await refresh(
      sdkReader(client()),
      request({
        fileIds: new Set(['file-a']),
        vectorStoreIds: new Set(['vs_live', 'vs_expired', 'vs_indexing']),
      }),
    );

    expect([...view.files.keys()]).toEqual(['file-a']);
    expect(view.vectorStores.get('vs_expired')?.status).toBe('expired');
    expect([...view.members.keys()].sort()).toEqual(['vs_indexing', 'vs_live']);
    expect([...(view.members.get('vs_live')?.keys() ?? [])]).toEqual(['file-a', 'file-b']);
    expect(view.members.get('vs_indexing')?.get('file-c')?.status).toBe('in_progress');
    expect(api.isDone()).toBe(true);
    // A request for vs_expired's files would have had no interceptor.
    expect(unmatched).toEqual([]);
  });

  it('drops a store whose files list answers 404 (deleted after the store list): gone, not an error', async () => {
    const api = nock(ORIGIN)
      .get('/v1/vector_stores')
      .query({ limit: '100' })
      .reply(200, list([rawStore('vs_kept'), rawStore('vs_deleted'), rawStore('vs_deleted_later')]))
      .get('/v1/vector_stores/vs_kept/files')
      .query({ limit: '100' })
      .reply(200, list([rawMember('file-a', 'vs_kept')]))
      .get('/v1/vector_stores/vs_deleted/files')
      .query({ limit: '100' })
      .reply(404, {
        error: { message: 'No vector store found with id vs_deleted.', type: 'invalid_request_error' },
      })
      // Gone between two pages of its own files list: gone as well, the first page forgotten.
      .get('/v1/vector_stores/vs_deleted_later/files')
      .query({ limit: '100' })
      .reply(200, list([rawMember('file-b', 'vs_deleted_later')], true))
      .get('/v1/vector_stores/vs_deleted_later/files')
      .query({ limit: '100', after: 'file-b' })
      .reply(404, { error: { message: 'No vector store found with id vs_deleted_later.' } });

    const view = await refresh(
      sdkReader(client()),
      request({ vectorStoreIds: new Set(['vs_kept', 'vs_deleted', 'vs_deleted_later']) }),
    );

    expect([...view.vectorStores.keys()]).toEqual(['vs_kept']);
    expect([...view.members.keys()]).toEqual(['vs_kept']);
    expect([...(view.members.get('vs_kept')?.keys() ?? [])]).toEqual(['file-a']);
    expect(api.isDone()).toBe(true);
    expect(unmatched).toEqual([]);
  });

  it("a store's files call answers undefined on 404, and still throws on other failures", async () => {
    nock(ORIGIN)
      .get('/v1/vector_stores/vs_gone/files')
      .query(true)
      .reply(404, { error: { message: 'No vector store found' } })
      .get('/v1/vector_stores/vs_broken/files')
      .query(true)
      .reply(500, { error: { message: 'boom' } });
    const reader = sdkReader(client());

    expect(await reader.listVectorStoreFiles('vs_gone')).toBeUndefined();
    const error = await rejection(reader.listVectorStoreFiles('vs_broken'));
    expect(error.code).toBe('API_ERROR');
    expect(error.message).toContain('GET /vector_stores/vs_broken/files');
  });

  it('treats an empty page that claims has_more as the end (no cursor to follow)', async () => {
    const api = nock(ORIGIN).get('/v1/files').query({ limit: '10000', order: 'desc' }).reply(200, {
      object: 'list',
      data: [],
      first_id: null,
      last_id: null,
      has_more: true,
    });

    const view = await refresh(sdkReader(client()), request({ fileIds: new Set(['file-a']) }));

    expect(view.files.size).toBe(0);
    expect(api.isDone()).toBe(true);
    expect(unmatched).toEqual([]);
  });
});

describe('refresh: assistants', () => {
  it('reads nothing at all when nothing is wanted and assistants are not probed', async () => {
    const view = await refresh(sdkReader(client()), request());

    expect(view).toEqual({
      files: new Map(),
      vectorStores: new Map(),
      members: new Map(),
      assistants: new Map(),
      skills: new Map(),
    });
    expect(unmatched).toEqual([]);
  });

  it('reads one page of assistants when probing, even if that page says has_more', async () => {
    const api = nock(ORIGIN)
      .get('/v1/assistants')
      .query({ limit: '100' })
      .reply(200, list([rawAssistant('asst_other')], true));
    const page2 = nock(ORIGIN)
      .get('/v1/assistants')
      .query({ limit: '100', after: 'asst_other' })
      .reply(200, list([]));

    const view = await refresh(sdkReader(client()), request({ probeAssistants: true }));

    // The probe only checks the endpoint serves assistants; with none wanted, none are kept.
    expect(view.assistants.size).toBe(0);
    expect(api.isDone()).toBe(true);
    expect(page2.isDone()).toBe(false);
    expect(unmatched).toEqual([]);
  });

  it('reads assistants when the state holds some, without a probe', async () => {
    const api = nock(ORIGIN)
      .get('/v1/assistants')
      .query({ limit: '100' })
      .reply(200, list([rawAssistant('asst_1'), rawAssistant('asst_2')]));

    const view = await refresh(sdkReader(client()), request({ assistantIds: new Set(['asst_2']) }));

    expect([...view.assistants.keys()]).toEqual(['asst_2']);
    expect(api.isDone()).toBe(true);
  });
});

describe('refresh: empty lists', () => {
  it.each([
    ['null', null],
    ['empty-string', ''],
  ])('an empty list whose first_id/last_id are %s breaks nothing', async (_label, edgeId) => {
    const empty = { object: 'list', data: [], first_id: edgeId, last_id: edgeId, has_more: false };
    const api = nock(ORIGIN)
      .get('/v1/files')
      .query({ limit: '10000', order: 'desc' })
      .reply(200, empty)
      .get('/v1/vector_stores')
      .query({ limit: '100' })
      .reply(200, list([rawStore('vs_1')]))
      .get('/v1/vector_stores/vs_1/files')
      .query({ limit: '100' })
      .reply(200, empty)
      .get('/v1/assistants')
      .query({ limit: '100' })
      .reply(200, empty);

    const view = await refresh(
      sdkReader(client()),
      request({
        fileIds: new Set(['file-a']),
        vectorStoreIds: new Set(['vs_1']),
        assistantIds: new Set(['asst_1']),
      }),
    );

    expect(view.files.size).toBe(0);
    expect([...view.vectorStores.keys()]).toEqual(['vs_1']);
    expect(view.members.get('vs_1')).toEqual(new Map());
    expect(view.assistants.size).toBe(0);
    expect(api.isDone()).toBe(true);
    expect(unmatched).toEqual([]);
  });
});

describe('refresh: normalising what the API reports', () => {
  it('normalises files, stores, members and assistants', async () => {
    const { name: _omitted, ...unnamed } = rawStore('vs_unnamed');
    nock(ORIGIN)
      .get('/v1/files')
      .query({ limit: '10000', order: 'desc' })
      .reply(200, list([rawFile('file-a', { filename: 'faq.md', bytes: 1234 })]))
      .get('/v1/vector_stores')
      .query({ limit: '100' })
      .reply(
        200,
        list([
          unnamed,
          rawStore('vs_null_name', { name: null, metadata: null }),
          rawStore('vs_expiring', {
            name: 'kb',
            expires_after: { anchor: 'last_active_at', days: 7 },
            metadata: { team: 'docs' },
          }),
        ]),
      )
      .get('/v1/vector_stores/vs_unnamed/files')
      .query({ limit: '100' })
      .reply(
        200,
        list([
          rawMember('file-legacy', 'vs_unnamed', { chunking_strategy: { type: 'other' }, attributes: null }),
          rawMember('file-failed', 'vs_unnamed', {
            status: 'failed',
            last_error: { code: 'unsupported_file', message: 'no text' },
            attributes: { lang: 'en', page: 3, draft: false },
          }),
        ]),
      )
      .get('/v1/vector_stores/vs_null_name/files')
      .query({ limit: '100' })
      .reply(200, list([]))
      .get('/v1/vector_stores/vs_expiring/files')
      .query({ limit: '100' })
      .reply(200, list([]))
      .get('/v1/assistants')
      .query({ limit: '100' })
      .reply(
        200,
        list([
          rawAssistant('asst_gpt', {
            model: 'gpt-4o',
            name: null,
            temperature: null,
            top_p: null,
            response_format: null,
            metadata: null,
            tool_resources: { code_interpreter: { file_ids: [] }, file_search: { vector_store_ids: [] } },
            tools: [
              { type: 'code_interpreter' },
              { type: 'file_search' },
              { type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } },
            ],
          }),
          rawAssistant('asst_reasoning', {
            model: 'o3-mini',
            temperature: null,
            top_p: null,
            response_format: { type: 'json_object' },
            tool_resources: { file_search: { vector_store_ids: ['vs_expiring'] } },
            tools: [
              {
                type: 'file_search',
                file_search: { max_num_results: 5, ranking_options: { score_threshold: 0.5 } },
              },
              { type: 'function', function: { name: 'act', description: 'does it', strict: true } },
            ],
          }),
        ]),
      );

    const view = await refresh(
      sdkReader(client()),
      request({
        fileIds: new Set(['file-a']),
        vectorStoreIds: new Set(['vs_unnamed', 'vs_null_name', 'vs_expiring']),
        assistantIds: new Set(['asst_gpt', 'asst_reasoning']),
      }),
    );

    expect(view.files.get('file-a')).toEqual({
      id: 'file-a',
      createdAt: 1_700_000_000,
      attributes: { filename: 'faq.md', purpose: 'assistants', bytes: 1234 },
    });

    expect(view.vectorStores.get('vs_unnamed')).toEqual({
      id: 'vs_unnamed',
      createdAt: 1_700_000_000,
      expiresAt: null,
      attributes: { name: '', expires_after: null, metadata: {} },
      status: 'completed',
      usageBytes: 0,
    });
    expect(view.vectorStores.get('vs_null_name')?.attributes).toEqual({
      name: '',
      expires_after: null,
      metadata: {},
    });
    expect(view.vectorStores.get('vs_expiring')?.attributes).toEqual({
      name: 'kb',
      expires_after: { anchor: 'last_active_at', days: 7 },
      metadata: { team: 'docs' },
    });

    const members = view.members.get('vs_unnamed');
    expect(members?.get('file-legacy')).toEqual({
      id: 'file-legacy',
      attributes: {
        vector_store_id: 'vs_unnamed',
        file_id: 'file-legacy',
        attributes: {},
        chunking_strategy: null,
      },
      status: 'completed',
      lastError: null,
    });
    expect(members?.get('file-failed')).toEqual({
      id: 'file-failed',
      attributes: {
        vector_store_id: 'vs_unnamed',
        file_id: 'file-failed',
        attributes: { lang: 'en', page: 3, draft: false },
        chunking_strategy: { max_chunk_size_tokens: 800, chunk_overlap_tokens: 400 },
      },
      status: 'failed',
      lastError: { code: 'unsupported_file', message: 'no text' },
    });

    expect(view.assistants.get('asst_gpt')).toEqual({
      id: 'asst_gpt',
      createdAt: 1_700_000_000,
      attributes: {
        model: 'gpt-4o',
        name: null,
        description: null,
        instructions: null,
        tools: [
          { type: 'code_interpreter' },
          {
            type: 'file_search',
            file_search: { ranking_options: { ranker: 'default_2024_08_21', score_threshold: 0 } },
          },
          { type: 'function', function: { name: 'lookup', parameters: { type: 'object' }, strict: false } },
        ],
        // The API echoes empty id lists for bare tools; they compare as no resources at all.
        tool_resources: {},
        temperature: 1,
        top_p: 1,
        response_format: 'auto',
        metadata: {},
      },
    });
    expect(view.assistants.get('asst_reasoning')?.attributes).toMatchObject({
      model: 'o3-mini',
      // Reasoning models report no sampling parameters at all.
      temperature: null,
      top_p: null,
      response_format: { type: 'json_object' },
      tool_resources: { file_search: { vector_store_ids: ['vs_expiring'] } },
      tools: [
        {
          type: 'file_search',
          file_search: {
            max_num_results: 5,
            ranking_options: { ranker: 'default_2024_08_21', score_threshold: 0.5 },
          },
        },
        { type: 'function', function: { name: 'act', description: 'does it', strict: true } },
      ],
    });
    expect(unmatched).toEqual([]);
  });
});

/** The key, and the parts a server's masked echo of it keeps, must appear in no message or hint. */
function expectNoKey(error: AssistantsError) {
  for (const text of [error.message, error.hint ?? '', JSON.stringify(error.toDiagnostics())]) {
    expect(text).not.toContain(KEY);
    expect(text).not.toContain('sk-test');
    expect(text).not.toContain('1234567890');
  }
}

async function rejection(promise: Promise<unknown>): Promise<AssistantsError> {
  const error = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(AssistantsError);
  return error as AssistantsError;
}

describe('sdkReader: errors', () => {
  it('a 401 quoting a masked key becomes API_UNAUTHORIZED with the key redacted', async () => {
    nock(ORIGIN)
      .get('/v1/vector_stores')
      .query(true)
      .reply(401, {
        error: {
          message: `Incorrect API key provided: sk-test-12**********cdef. You can find your API key at https://platform.openai.com/account/api-keys.`,
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_api_key',
        },
      });

    const error = await rejection(sdkReader(client()).listVectorStores());

    expect(error.code).toBe('API_UNAUTHORIZED');
    expect(error.message).toContain('GET /vector_stores');
    expect(error.message).toContain('401');
    // The rest of the server's message is kept: it is what tells the user what went wrong.
    expect(error.message).toContain('Incorrect API key provided');
    expectNoKey(error);
  });

  it('a 403 quoting the whole key verbatim is redacted too', async () => {
    nock(ORIGIN)
      .get('/v1/files')
      .query(true)
      .reply(403, {
        error: { message: `key ${KEY} has no access to this project`, type: 'x', param: null, code: null },
      });

    const error = await rejection(sdkReader(client()).listFiles());

    expect(error.code).toBe('API_UNAUTHORIZED');
    expect(error.message).toContain('has no access to this project');
    expectNoKey(error);
  });

  it('a 404 on GET /assistants is the sunset, with a hint naming the date and the emulator', async () => {
    nock(ORIGIN)
      .get('/v1/assistants')
      .query(true)
      .reply(404, {
        error: {
          message: 'Invalid URL (GET /v1/assistants)',
          type: 'invalid_request_error',
          param: null,
          code: null,
        },
      });

    // Through refresh: a probe of an endpoint without Assistants fails the plan.
    const error = await rejection(refresh(sdkReader(client()), request({ probeAssistants: true })));

    expect(error.code).toBe('ASSISTANTS_SUNSET');
    expect(error.message).toContain('GET /assistants');
    expect(error.hint).toContain('2026-08-26');
    expect(error.hint).toContain('Run `assistants migrate` to turn the assistants into `agents:`');
    expect(error.hint).toContain('assistants emulator');
    expectNoKey(error);
  });

  it('a 404 on POST /assistants that names a parameter is an id the request sends, not the sunset', async () => {
    // What an endpoint that serves Assistants answers for a file or store id that does not exist.
    const body = {
      message: 'No vector store found with id vs_gone.',
      type: 'invalid_request_error',
      code: null,
    };
    const err = OpenAI.APIError.generate(
      404,
      { error: { ...body, param: 'tool_resources.file_search.vector_store_ids' } },
      undefined,
      new Headers(),
    );
    const error = toApiError(err, { method: 'POST', path: '/assistants' }, NOCK_BASE_URL, KEY);
    expect(error.code).toBe('API_ERROR');
    expect(error.message).toContain('No vector store found with id vs_gone.');
    expect(error.hint).toContain(
      'tool_resources.file_search.vector_store_ids names something the API does not have',
    );
    // Without a parameter, the same status on the same call is the sunset.
    const bare = OpenAI.APIError.generate(404, { error: { ...body, param: null } }, undefined, new Headers());
    expect(toApiError(bare, { method: 'POST', path: '/assistants' }, NOCK_BASE_URL, KEY).code).toBe(
      'ASSISTANTS_SUNSET',
    );
  });

  it('the sunset error also points at a wrong base URL, the other cause of a 404 on /assistants', async () => {
    // A base URL without /v1: every path answers 404, /assistants included.
    nock(ORIGIN)
      .get('/assistants')
      .query(true)
      .reply(404, { error: { message: 'Not found' } });
    const api = createApiClient({ baseUrl: ORIGIN, env: { OPENAI_API_KEY: KEY }, maxRetries: 0 });

    const error = await rejection(sdkReader(api).listAssistants());

    expect(error.code).toBe('ASSISTANTS_SUNSET');
    for (const text of [error.message, error.hint ?? '']) {
      expect(text).toContain('--base-url / OPENAI_BASE_URL is right');
      expect(text).toContain('`/v1`');
    }
    expect(error.hint).toContain('if this endpoint should serve Assistants');
    expect(error.hint).toContain('`assistants migrate`');
    expect(error.hint).toContain('remove the assistants from the manifests');
    expectNoKey(error);
  });

  it.each([
    ['files', '/files', { limit: '10000', order: 'desc' }, (api: ApiClient) => sdkReader(api).listFiles()],
    [
      'vector_stores',
      '/vector_stores',
      { limit: '100' },
      (api: ApiClient) => sdkReader(api).listVectorStores(),
    ],
  ])(
    'a 404 on GET /%s is API_ERROR with a hint to check the base URL, not the sunset',
    async (_label, route, query, read) => {
      nock(ORIGIN)
        .get(route)
        .query(query)
        .reply(404, { error: { message: 'Not found' } });
      const api = createApiClient({ baseUrl: ORIGIN, env: { OPENAI_API_KEY: KEY }, maxRetries: 0 });

      const error = await rejection(read(api));

      expect(error.code).toBe('API_ERROR');
      expect(error.message).toContain(`GET ${route}`);
      expect(error.message).toContain('404');
      expect(error.message).toContain(ORIGIN);
      expect(error.hint).toContain('--base-url / OPENAI_BASE_URL is right');
      expect(error.hint).toContain('`/v1`');
      expectNoKey(error);
      expect(unmatched).toEqual([]);
    },
  );

  it('a 404 on one resource (not a list) is a plain API_ERROR without the base-URL hint', () => {
    const notFound = new OpenAI.NotFoundError(
      404,
      { message: 'No vector store found' },
      undefined,
      new Headers(),
    );

    const error = toApiError(notFound, { method: 'GET', path: '/vector_stores/vs_9' }, BASE_URL, KEY);

    expect(error.code).toBe('API_ERROR');
    expect(error.message).toBe('GET /vector_stores/vs_9 failed with 404: No vector store found');
    expect(error.hint).toBeUndefined();
  });

  it('a 500 becomes API_ERROR naming the call and the status', async () => {
    const api = nock(ORIGIN)
      .get('/v1/vector_stores')
      .query(true)
      .reply(500, {
        error: { message: 'The server had an error while processing your request.', type: 'server_error' },
      });

    const error = await rejection(sdkReader(client()).listVectorStores());

    expect(error.code).toBe('API_ERROR');
    expect(error.message).toContain('GET /vector_stores');
    expect(error.message).toContain('500');
    expect(error.message).toContain('The server had an error');
    expectNoKey(error);
    // maxRetries 0: exactly one request, and it was made.
    expect(api.isDone()).toBe(true);
  });

  it("a store's files call is named with the store id", async () => {
    nock(ORIGIN).get('/v1/vector_stores/vs_9/files').query(true).reply(500, {});

    const error = await rejection(sdkReader(client()).listVectorStoreFiles('vs_9'));

    expect(error.code).toBe('API_ERROR');
    expect(error.message).toContain('GET /vector_stores/vs_9/files');
  });

  it('a refused connection becomes API_UNREACHABLE naming the endpoint', async () => {
    nock(ORIGIN)
      .get('/v1/files')
      .query(true)
      .replyWithError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:9' });

    const error = await rejection(sdkReader(client()).listFiles());

    expect(error.code).toBe('API_UNREACHABLE');
    expect(error.message).toContain(BASE_URL);
    expect(error.message).toContain('GET /files');
    expect(error.hint).toContain('OPENAI_BASE_URL');
    expectNoKey(error);
  });
});

describe('createApiClient', () => {
  it('throws API_KEY_MISSING without OPENAI_API_KEY, before any request', () => {
    // Even with a key in the process environment: the CLI passes its own environment explicitly.
    vi.stubEnv('OPENAI_API_KEY', KEY);
    try {
      const trap = nock(ORIGIN).get(/.*/).reply(200, {});
      for (const env of [{}, { OPENAI_API_KEY: '' }, { OPENAI_BASE_URL: BASE_URL }]) {
        let thrown: unknown;
        try {
          createApiClient({ baseUrl: BASE_URL, env, maxRetries: 0 });
        } catch (err) {
          thrown = err;
        }
        expect(thrown).toBeInstanceOf(AssistantsError);
        expect((thrown as AssistantsError).code).toBe('API_KEY_MISSING');
      }
      expect(trap.isDone()).toBe(false);
      expect(unmatched).toEqual([]);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('uses the given base URL as the endpoint, which never holds the key', () => {
    const api = client();
    expect(api.endpoint).toBe(BASE_URL);
    expect(api.endpoint).not.toContain(KEY);
  });
});

/** A promise with its resolve/reject exposed, so a test decides when each call finishes. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('mapLimit', () => {
  it('never has more than `limit` calls in flight and keeps the order of the items', async () => {
    let inFlight = 0;
    let peak = 0;
    const items = Array.from({ length: 20 }, (_, i) => i);
    const results = await mapLimit(items, 3, async (item, index) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      // Later items finish first, so completion order differs from item order.
      await new Promise((resolve) => setTimeout(resolve, 20 - item));
      inFlight -= 1;
      return `${item}@${index}`;
    });

    expect(peak).toBe(3);
    expect(results).toEqual(items.map((i) => `${i}@${i}`));
  });

  it('runs everything at once when the limit exceeds the items, and handles no items', async () => {
    const gates = [deferred(), deferred()];
    let started = 0;
    const run = mapLimit([0, 1], 10, async (i) => {
      started += 1;
      await gates[i]?.promise;
      return i * 2;
    });
    await tick();
    expect(started).toBe(2);
    for (const gate of gates) gate.resolve();
    expect(await run).toEqual([0, 2]);
    expect(await mapLimit([], 4, async () => 1)).toEqual([]);
  });

  it('rejects with the first failure only after the started calls settle, and starts no more', async () => {
    const slow = deferred<string>();
    const late = deferred<string>();
    const started: number[] = [];
    const settled: number[] = [];
    const first = new Error('item 1 failed');

    const run = mapLimit([0, 1, 2, 3], 2, async (i) => {
      started.push(i);
      try {
        if (i === 0) return await slow.promise;
        if (i === 1) throw first;
        return await late.promise;
      } finally {
        settled.push(i);
      }
    });
    let outcome: 'pending' | 'rejected' | 'resolved' = 'pending';
    run.then(
      () => {
        outcome = 'resolved';
      },
      () => {
        outcome = 'rejected';
      },
    );

    await tick();
    // Item 1 has failed; item 0 is still running, so the call must not have settled yet.
    expect(settled).toEqual([1]);
    expect(outcome).toBe('pending');

    // Item 0 then fails too: the first failure in time still wins.
    slow.reject(new Error('item 0 failed later'));
    await expect(run).rejects.toBe(first);
    expect(settled).toEqual([1, 0]);
    // After a failure no worker picks up another item.
    expect(started).toEqual([0, 1]);
    late.resolve('unused');
  });
});
