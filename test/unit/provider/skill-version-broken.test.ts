import { Readable } from 'node:stream';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { createApiClient } from '../../../src/provider/api-client.js';
import { sdkReader } from '../../../src/provider/sdk-reader.js';
import { readSkillVersion } from '../../../src/provider/skill-version-content.js';
import { fakeKey } from '../../helpers/fake-key.js';
import { NOCK_BASE_URL, NOCK_ORIGIN, useNock } from '../../helpers/nock-api.js';
import { rejection } from '../../helpers/rejection.js';

// A skill version's download whose body breaks off mid-way (the connection dropped after the
// headers): an API error naming the call, not an internal defect.

const KEY = fakeKey('sk-test-', 16, 'skill-version-broken');
useNock();

describe('readSkillVersion with a body that breaks off', () => {
  it('is API_UNREACHABLE naming the call', async () => {
    nock(NOCK_ORIGIN)
      .get('/v1/skills/skill_1/versions/2/content')
      .reply(
        200,
        () => {
          const body = new Readable({ read() {} });
          body.push(Buffer.from('PK\u0003\u0004 part of a zip'));
          setTimeout(() => body.destroy(new Error('socket hang up')), 10);
          return body;
        },
        { 'content-type': 'application/zip' },
      );
    const api = createApiClient({ baseUrl: NOCK_BASE_URL, env: { OPENAI_API_KEY: KEY }, maxRetries: 0 });
    const err = await rejection(readSkillVersion(sdkReader(api), 'skill_1', '2'));
    expect(err).toMatchObject({ code: 'API_UNREACHABLE' });
    expect((err as Error).message).toContain(
      'the download of GET /skills/skill_1/versions/2/content broke off',
    );
  });
});
