import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { fakeKey } from '../helpers/fake-key.js';
import { NOCK_BASE_URL, NOCK_ORIGIN, QUOTA_BODY, recording, useNock } from '../helpers/nock-api.js';
import { runInProcess } from '../helpers/run-cli.js';
import { sampleState, stateText } from '../helpers/state-fixtures.js';
import { workspace, yaml } from '../helpers/workspace.js';

const KEY = fakeKey('sk-test-', 16, 'quota');
const unmatched = useNock();

const QUOTA = QUOTA_BODY;

/** Answers every matching request with the quota 429, recording each as `METHOD /path`. */
function quotaAnswers(seen: string[]) {
  return recording(seen, (): [number, unknown] => [429, QUOTA]);
}

describe('a quota 429 stops the run at once, with what to do', () => {
  it('plan: the refresh fails after 1 request (no SDK retries), naming billing and the state', async () => {
    const dir = await workspace({
      'assistants.yaml': yaml`
        version: 1
        stack: support
      `,
      '.assistants/state.json': stateText(sampleState()),
    });
    const seen: string[] = [];
    nock(NOCK_ORIGIN)
      .get(/^\/v1\/(files|vector_stores|assistants)/)
      .times(20)
      .reply(quotaAnswers(seen));

    const run = await runInProcess(['plan', '--base-url', NOCK_BASE_URL], {
      cwd: dir,
      env: { OPENAI_API_KEY: KEY },
    });

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error[API_QUOTA_EXCEEDED]');
    expect(run.stderr).toContain('insufficient_quota');
    expect(run.stderr).toContain('check its plan, billing, credit balance and spend limits');
    // The lists run side by side: each may have been sent before the first answer came back,
    // but none is sent twice.
    expect(seen.length).toBeGreaterThanOrEqual(1);
    expect(new Set(seen).size).toBe(seen.length);
    expect(unmatched).toEqual([]);
  });

  it('apply: the first upload meets the quota, and no other call is sent', async () => {
    const dir = await workspace({
      'assistants.yaml': yaml`
        version: 1
        files:
          a: { path: a.md }
          b: { path: b.md }
          c: { path: c.md }
        vector_stores:
          kb:
            files: [a, b, c]
      `,
      'a.md': '# a\n',
      'b.md': '# b\n',
      'c.md': '# c\n',
    });
    const seen: string[] = [];
    nock(NOCK_ORIGIN).post('/v1/files').times(50).reply(quotaAnswers(seen));

    const run = await runInProcess(
      ['apply', '--auto-approve', '--parallelism', '1', '--base-url', NOCK_BASE_URL],
      { cwd: dir, env: { OPENAI_API_KEY: KEY } },
    );

    expect(run.code).toBe(1);
    expect(seen).toEqual(['POST /v1/files']);
    expect(unmatched).toEqual([]);
    expect(run.stderr).toContain('error[API_QUOTA_EXCEEDED]: file.a: POST /files was refused');
    // The run halts at the first quota answer: nothing more is attempted, one error says it all.
    expect(run.stderr).not.toContain('file.b');
    expect(run.stderr.match(/error\[/g)).toHaveLength(1);
    expect(run.stderr).not.toContain('APPLY_INTERRUPTED');
    expect(run.stderr).toContain('the state records what this run did');
  });
});
