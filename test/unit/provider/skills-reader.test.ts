import nock from 'nock';
import { describe, expect, it } from 'vitest';
import type { RefreshRequest } from '../../../src/model/live.js';
import { type ApiClient, createApiClient } from '../../../src/provider/api-client.js';
import { readAccount, refresh } from '../../../src/provider/refresh.js';
import { retrieveResource } from '../../../src/provider/retrieve.js';
import { sdkReader } from '../../../src/provider/sdk-reader.js';
import { apiList } from '../../helpers/api-objects.js';
import { fakeKey } from '../../helpers/fake-key.js';
import { EMPTY_LIST, NOCK_BASE_URL, NOCK_ORIGIN, useNock } from '../../helpers/nock-api.js';
import { rejection } from '../../helpers/rejection.js';

const KEY = fakeKey('sk-test-', 16, 'skills-reader');
const unmatched = useNock();

function client(): ApiClient {
  return createApiClient({ baseUrl: NOCK_BASE_URL, env: { OPENAI_API_KEY: KEY }, maxRetries: 0 });
}

const wanting = (skills?: ReadonlyMap<string, string>): RefreshRequest => ({
  fileIds: new Set(),
  vectorStoreIds: new Set(),
  assistantIds: new Set(),
  probeAssistants: false,
  ...(skills ? { skills } : {}),
});

function apiSkill(id: string, fields: Record<string, unknown> = {}) {
  return {
    id,
    object: 'skill',
    created_at: 1_700_000_000,
    name: id,
    description: `${id} does things`,
    default_version: '1',
    latest_version: '1',
    ...fields,
  };
}

function apiVersion(skillId: string, version: number) {
  return {
    id: `skillver_${skillId}_${version}`,
    object: 'skill.version',
    skill_id: skillId,
    version: String(version),
    created_at: 1_700_000_000 + version,
    name: skillId,
    description: 'd',
  };
}

/** What an endpoint without the skills API answers on any /skills path. */
const INVALID_URL = {
  error: { message: 'Invalid URL (GET /v1/skills)', type: 'invalid_request_error', param: null, code: null },
};

describe('skills reader and refresh (fake server)', () => {
  it('lists skill pages by cursor until every wanted id is seen; versions walk by the last version id', async () => {
    const first = Array.from({ length: 100 }, (_, i) => apiSkill(`skill_${String(i).padStart(3, '0')}`));
    const api = nock(NOCK_ORIGIN)
      .get('/v1/skills')
      .query({ limit: '100', order: 'desc' })
      .reply(200, apiList(first, true))
      .get('/v1/skills')
      .query({ limit: '100', order: 'desc', after: 'skill_099' })
      .reply(200, apiList([apiSkill('skill_moved', { default_version: '3', latest_version: '3' })], true))
      .get('/v1/skills/skill_moved/versions')
      .query({ limit: '100', order: 'desc' })
      .reply(200, apiList([apiVersion('skill_moved', 3), apiVersion('skill_moved', 2)], true))
      .get('/v1/skills/skill_moved/versions')
      .query({ limit: '100', order: 'desc', after: 'skillver_skill_moved_2' })
      .reply(200, apiList([apiVersion('skill_moved', 1)]));

    const view = await refresh(
      sdkReader(client()),
      wanting(
        new Map([
          ['skill_005', '1'],
          ['skill_moved', '1'],
        ]),
      ),
    );

    expect(api.isDone()).toBe(true);
    expect(unmatched).toEqual([]);
    expect(view.skills?.get('skill_005')).toEqual({
      id: 'skill_005',
      createdAt: 1_700_000_000,
      attributes: { name: 'skill_005', description: 'skill_005 does things', default_version: '1' },
      latestVersion: '1',
    });
    expect(view.skills?.get('skill_moved')?.versions).toEqual(['3', '2', '1']);
  });

  it('a skill whose versions list answers 404 was deleted meanwhile: gone, not an error', async () => {
    nock(NOCK_ORIGIN)
      .get('/v1/skills')
      .query(true)
      .reply(200, apiList([apiSkill('skill_a', { default_version: '2' })]))
      .get('/v1/skills/skill_a/versions')
      .query(true)
      .reply(404, {
        error: {
          message: "No skill found with id 'skill_a'.",
          type: 'invalid_request_error',
          param: 'skill_id',
        },
      });

    const view = await refresh(sdkReader(client()), wanting(new Map([['skill_a', '1']])));

    expect(view.skills).toEqual(new Map());
  });

  it('an endpoint without skills fails a refresh that wants some with SKILLS_UNSUPPORTED', async () => {
    nock(NOCK_ORIGIN).get('/v1/skills').query(true).reply(404, INVALID_URL);

    const error = await rejection(refresh(sdkReader(client()), wanting(new Map([['skill_a', '1']]))));

    expect(error.code).toBe('SKILLS_UNSUPPORTED');
    expect(error.message).toContain('does not serve skills (GET /skills answered 404');
    expect(error.hint).toContain('assistants emulator');
    expect(error.hint).toContain('assistants state rm');
    for (const text of [error.message, error.hint ?? '']) expect(text).not.toContain(KEY);
  });

  it('a refresh that wants no skills sends no skills request at all', async () => {
    // No interceptor: any request would be unmatched.
    expect((await refresh(sdkReader(client()), wanting())).skills).toEqual(new Map());
    expect((await refresh(sdkReader(client()), wanting(new Map()))).skills).toEqual(new Map());
    expect(unmatched).toEqual([]);
  });

  it('the account view reads every page of skills, and is undefined where /skills answers 404', async () => {
    nock(NOCK_ORIGIN)
      .get('/v1/files')
      .query(true)
      .times(2)
      .reply(200, EMPTY_LIST)
      .get('/v1/vector_stores')
      .query(true)
      .times(2)
      .reply(200, EMPTY_LIST)
      .get('/v1/assistants')
      .query(true)
      .times(2)
      .reply(200, EMPTY_LIST)
      .get('/v1/skills')
      .query({ limit: '100', order: 'desc' })
      .reply(200, apiList([apiSkill('skill_b')], true))
      .get('/v1/skills')
      .query({ limit: '100', order: 'desc', after: 'skill_b' })
      .reply(200, apiList([apiSkill('skill_a')]));

    const account = await readAccount(sdkReader(client()), { skills: true });
    expect([...(account.skills?.keys() ?? [])]).toEqual(['skill_b', 'skill_a']);

    nock(NOCK_ORIGIN).get('/v1/skills').query(true).reply(404, INVALID_URL);
    expect((await readAccount(sdkReader(client()), { skills: true })).skills).toBeUndefined();
    expect(unmatched).toEqual([]);
  });

  it('a 404 for one skill (it names skill_id) is a plain API_ERROR, not SKILLS_UNSUPPORTED', async () => {
    nock(NOCK_ORIGIN)
      .get('/v1/skills/skill_x')
      .reply(404, {
        error: {
          message: "No skill found with id 'skill_x'.",
          type: 'invalid_request_error',
          param: 'skill_id',
        },
      });

    const error = await rejection(retrieveResource(client(), 'skill', 'skill_x'));

    expect(error.code).toBe('API_ERROR');
    expect(error.message).toContain('GET /skills/skill_x failed with 404');
  });
});
