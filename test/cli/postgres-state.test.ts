import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { postgresUrl, uniqueSchema, withPostgresClient } from '../helpers/postgres-state.js';
import { runInProcess } from '../helpers/run-cli.js';
import { sampleState, stateText } from '../helpers/state-fixtures.js';
import { workspace } from '../helpers/workspace.js';

// The CLI against the test run's PostgreSQL server, in process: how it finds the stack's row, and
// what it refuses before it writes. (Applies, locks and crashes: test/e2e/postgres-state.test.ts.)

const MANIFEST = 'version: 1\nstack: support\n';

async function folder(files: Record<string, string> = { 'assistants.yaml': MANIFEST }) {
  return workspace(files);
}

describe('the PostgreSQL state from the CLI', () => {
  it('takes the stack from the manifests; without one, or with one it cannot read, stops with STATE_STACK_UNKNOWN', async () => {
    const state = postgresUrl(uniqueSchema());
    const empty = await folder({});
    const none = await runInProcess(['state', 'list', '--state', state], { cwd: empty });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('STATE_STACK_UNKNOWN');

    const broken = await folder({ 'assistants.yaml': 'version: 1\nstack: [support\n' });
    const unread = await runInProcess(['state', 'list', '--state', state], { cwd: broken });
    expect(unread.stderr).toContain('STATE_STACK_UNKNOWN');
    expect(unread.stderr).toContain('the manifests cannot be read');
    // destroy reads no manifest: it must not guess "default" either.
    const destroy = await runInProcess(['destroy', '--auto-approve', '--state', state], {
      cwd: broken,
      env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' },
    });
    expect(destroy.code).toBe(1);
    expect(destroy.stderr).toContain('STATE_STACK_UNKNOWN');

    const named = await runInProcess(['state', 'list', '--state', `${state}&stack=support`], { cwd: empty });
    expect(named).toMatchObject({ code: 0, stdout: '' });
  });

  it('fills in ${env:...} in the stack as validation does', async () => {
    const dir = await folder({ 'assistants.yaml': 'version: 1\nstack: ${env:STACK}\n' });
    const state = postgresUrl(uniqueSchema());
    await writeFile(path.join(dir, 'a.json'), stateText({ ...sampleState(), stack: 'billing' }));
    const env = { STACK: 'billing' };
    const pushed = await runInProcess(
      ['state', 'push', '-f', 'assistants.yaml', 'a.json', '--state', state],
      {
        cwd: dir,
        env,
      },
    );
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(pushed.stdout).toContain('(stack billing, workspace default)');
    const unset = await runInProcess(['state', 'list', '--state', state], { cwd: dir });
    expect(unset.code).toBe(1);
    expect(unset.stderr).toContain('STATE_STACK_UNKNOWN');
  });

  it('refuses a URL that names another stack than the manifests', async () => {
    const dir = await folder();
    const run = await runInProcess(
      ['state', 'list', '--state', postgresUrl(uniqueSchema(), '&stack=billing')],
      {
        cwd: dir,
      },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('STACK_MISMATCH');
    expect(run.stderr).toContain('"billing"');
  });

  it('push refuses the same serial with other content, and a lineage another workspace holds', async () => {
    const dir = await folder();
    const state = postgresUrl(uniqueSchema());
    const doc = { ...sampleState(), serial: 5 };
    await writeFile(path.join(dir, 'a.json'), stateText(doc));
    const first = await runInProcess(['state', 'push', 'a.json', '--state', state], { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    const again = await runInProcess(['state', 'push', 'a.json', '--state', state], { cwd: dir });
    expect(again.stdout).toContain('nothing was written');

    await writeFile(path.join(dir, 'b.json'), stateText({ ...doc, resources: {} }));
    const diverged = await runInProcess(['state', 'push', 'b.json', '--state', state], { cwd: dir });
    expect(diverged.code).toBe(1);
    expect(diverged.stderr).toContain('went separate ways');

    const copy = await runInProcess(['--workspace', 'prod', 'state', 'push', 'a.json', '--state', state], {
      cwd: dir,
    });
    expect(copy.code).toBe(1);
    expect(copy.stderr).toContain('stack support, workspace default holds already');
    const listed = await runInProcess(['workspace', 'list', '--json', '--state', state], { cwd: dir });
    expect(JSON.parse(listed.stdout)).toEqual(['default']);
  });

  it('never prints PGPASSWORD, yet leaves data that happens to contain it as it is', async () => {
    // A role whose password is a word the state holds ("postgres", in the stack's name).
    const role = `docs_${uniqueSchema()}`;
    await withPostgresClient(async (admin) => {
      await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'postgres'`);
      await admin.query(`GRANT CREATE ON DATABASE postgres TO ${role}`);
    });
    const server = new URL(postgresUrl(uniqueSchema()));
    server.username = role;
    server.password = '';
    const dir = await folder({ 'assistants.yaml': 'version: 1\nstack: postgres-docs\n' });
    const env = { ASSISTANTS_STATE: server.toString(), PGPASSWORD: 'postgres' };
    await writeFile(path.join(dir, 'a.json'), stateText({ ...sampleState(), stack: 'postgres-docs' }));
    const pushed = await runInProcess(['state', 'push', 'a.json'], { cwd: dir, env });
    expect(pushed.code, pushed.stderr).toBe(0);
    const pulled = await runInProcess(['state', 'pull'], { cwd: dir, env });
    expect(JSON.parse(pulled.stdout).stack).toBe('postgres-docs');

    const wrong = await runInProcess(['--debug', 'state', 'pull'], {
      cwd: dir,
      env: { ...env, PGPASSWORD: 'Wrong-Secret-77' },
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('the server refused the login');
  });

  it('takes the password out of every message that quotes it, on stderr and in JSON errors on stdout', async () => {
    // A stack named after the password, so that messages naming the state quote it.
    const server = new URL(postgresUrl(uniqueSchema()));
    const password = decodeURIComponent(server.password);
    server.password = '';
    const dir = await folder({ 'assistants.yaml': `version: 1\nstack: s-${password}\n` });
    const env = { ASSISTANTS_STATE: server.toString(), PGPASSWORD: password };
    const missing = await runInProcess(['workspace', 'delete', 'nope'], { cwd: dir, env });
    expect(missing.stderr).toContain('WORKSPACE_NOT_FOUND');
    expect(missing.stderr).toContain('stack s-[redacted]');
    expect(missing.stderr).not.toContain(password);
    const json = await runInProcess(['state', 'show', 'file.x', '--json'], { cwd: dir, env });
    expect(json.code).toBe(1);
    expect(json.stdout).toContain('[redacted]');
    expect(json.stdout).not.toContain(password);
  });

  it('refuses a saved plan made for another workspace', async () => {
    const dir = await folder();
    await writeFile(
      path.join(dir, 'p.plan'),
      JSON.stringify({
        format_version: '1.0',
        workspace: 'staging',
        lineage: sampleState().lineage,
        serial: 0,
        manifest_digest: 'sha256:x',
        resource_changes: [],
      }),
    );
    const run = await runInProcess(['apply', 'p.plan', '--workspace', 'prod'], {
      cwd: dir,
      env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('was made for workspace "staging"');
  });
});
