import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { fakeKey } from '../helpers/fake-key.js';
import { EMPTY_LIST, NOCK_BASE_URL, NOCK_ORIGIN, recording, useNock } from '../helpers/nock-api.js';
import { runInProcess } from '../helpers/run-cli.js';
import { workspace, yaml } from '../helpers/workspace.js';

const KEY = fakeKey('sk-test-', 16, 'dependency');
const unmatched = useNock();

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
    nock(NOCK_ORIGIN)
      .persist()
      .get(/^\/v1\/(files|vector_stores|assistants)(\?.*)?$/)
      .reply(
        200,
        recording(seen, () => EMPTY_LIST),
      );
    // The upload is refused for good (a 400 is not retried, and no lost upload is looked for).
    nock(NOCK_ORIGIN)
      .post('/v1/files')
      .reply(
        400,
        recording(seen, () => ({
          error: { message: 'bad file', type: 'invalid_request_error', param: 'file', code: null },
        })),
      );
    nock(NOCK_ORIGIN)
      .post('/v1/vector_stores')
      .reply(
        200,
        recording(seen, () => ({
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
        })),
      );

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
