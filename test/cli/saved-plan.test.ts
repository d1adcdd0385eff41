import { describe, expect, it } from 'vitest';
import { fakeKey } from '../helpers/fake-key.js';
import { runInProcess } from '../helpers/run-cli.js';
import { workspace } from '../helpers/workspace.js';

describe('assistants apply PLANFILE with a broken plan file', () => {
  it('gives a located PLAN_FILE_INVALID for a null change, exit 1, no stack trace, no API call', async () => {
    const text = `${JSON.stringify(
      {
        lineage: '00000000-0000-4000-8000-000000000001',
        serial: 0,
        manifest_digest: 'sha256:x',
        resource_changes: [null],
      },
      null,
      2,
    )}\n`;
    const dir = await workspace({ 'assistants.yaml': 'version: 1\n', 'p.json': text });
    // A closed port: a request would fail differently, as API_UNREACHABLE.
    const run = await runInProcess(['apply', 'p.json', '--base-url', 'http://127.0.0.1:9/v1'], {
      cwd: dir,
      env: { OPENAI_API_KEY: fakeKey('sk-test-', 16, 'saved-plan') },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('p.json:6:5 error[PLAN_FILE_INVALID]: p.json is not a usable saved plan');
    expect(run.stderr).not.toContain('INTERNAL');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
