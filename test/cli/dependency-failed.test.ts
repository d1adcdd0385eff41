import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { fakeKey } from '../helpers/fake-key.js';
import { NOCK_BASE_URL, NOCK_ORIGIN, useNock } from '../helpers/nock-api.js';
import { runInProcess } from '../helpers/run-cli.js';
import { workspace, yaml } from '../helpers/workspace.js';

const KEY = fakeKey('sk-test-', 16, 'dependency');
const unmatched = useNock();

const emptyList = { object: 'list', data: [], first_id: null, last_id: null, has_more: false };

describe('a resource whose dependency failed', () => {
  it('is not attempted, and is reported as DEPENDENCY_FAILED naming the dependency', async () => {
    const dir = await workspace({
      'assistants.yaml': yaml`
        version: 1
        files:
          a: { path: a.md }
        vector_stores:
          kb:
            files: [a]
      `,
      'a.md': '# a\n',
    });
    const seen: string[] = [];
    const note = (method: string) => (uri: string) => {
      seen.push(`${method} ${uri.split('?')[0]}`);
    };
    nock(NOCK_ORIGIN)
      .persist()
      .get(/^\/v1\/(files|vector_stores|assistants)(\?.*)?$/)
      .reply(200, (uri) => {
        note('GET')(uri);
        return emptyList;
      });
    // The upload is refused for good (a 400 is not retried, and no lost upload is looked for).
    nock(NOCK_ORIGIN)
      .post('/v1/files')
      .reply(400, (uri) => {
        note('POST')(uri);
        return { error: { message: 'bad file', type: 'invalid_request_error', param: 'file', code: null } };
      });
    nock(NOCK_ORIGIN)
      .post('/v1/vector_stores')
      .reply(200, (uri) => {
        note('POST')(uri);
        return {
          id: 'vs_1',
          object: 'vector_store',
          created_at: 1_700_000_000,
          name: 'kb',
          usage_bytes: 0,
          file_counts: { in_progress: 0, completed: 0, failed: 0, cancelled: 0, total: 0 },
          status: 'completed',
          expires_after: null,
          expires_at: null,
          last_active_at: 1_700_000_000,
          metadata: {},
        };
      });

    const run = await runInProcess(
      ['apply', '--auto-approve', '--parallelism', '1', '--base-url', NOCK_BASE_URL],
      { cwd: dir, env: { OPENAI_API_KEY: KEY, CI: 'true' } },
    );

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'assistants.yaml:6:13 error[DEPENDENCY_FAILED]: vector_store_file.kb/a: not attempted: file.a was not made',
    );
    expect(run.stderr).not.toContain('skipped:');
    // Nothing was sent for the membership: no batch, no attach.
    expect(seen.filter((call) => call.startsWith('POST'))).toEqual([
      'POST /v1/files',
      'POST /v1/vector_stores',
    ]);
    expect(unmatched).toEqual([]);
  });
});
