import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { useEmulator } from '../helpers/emulator.js';
import { fakeKey } from '../helpers/fake-key.js';
import { runInProcess } from '../helpers/run-cli.js';
import { schemaValidator } from '../helpers/spec-oracle.js';

// What `migrate` writes is a working part of the stack: it plans, applies beside the assistants it
// came from, renders requests the Responses API accepts, and plans clean afterwards.

const KEY = fakeKey('sk-e2e-', 16, 'migrate');
const fx = useEmulator();
const REPO = path.resolve(import.meta.dirname, '../..');
const createResponse = schemaValidator('CreateResponse');

/** Each stack with assistants, and the agents migrate makes of them (null: more than one). */
const STACKS = [
  ['examples/support-bot', ['support-bot']],
  ['examples/data-analyst', ['sales-analyst']],
  ['examples/function-calling', ['order-desk']],
  ['test/fixtures/migrate-rich', null],
] as const;

/** The rich stack names raw ids (vs_external123, file-abc123) that no account holds: planned, not applied. */
const PLAN_ONLY = 'test/fixtures/migrate-rich';

function cli(cwd: string, args: string[]) {
  return runInProcess([...args, '--base-url', fx().emulator.url], {
    cwd,
    env: { OPENAI_API_KEY: KEY, CI: 'true' },
  });
}

describe('migrated manifests plan and apply', () => {
  it.each(STACKS)('%s', async (source, expected) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'assistants-iac-migrate-apply-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    await cp(path.join(REPO, source), path.join(dir, 'stack'), { recursive: true });
    const migrated = await cli(dir, ['migrate', '-f', 'stack', '--write', 'stack/agents.yaml']);
    expect(migrated.code).toBe(0);

    const plan = await cli(dir, ['plan', '-f', 'stack', '--json']);
    expect(plan.code).toBe(0);
    const created = (
      JSON.parse(plan.stdout) as { resource_changes: { address: string; change: { actions: string[] } }[] }
    ).resource_changes.filter((c) => c.address.startsWith('agent.'));
    expect(created.every((c) => c.change.actions[0] === 'create')).toBe(true);
    if (expected) expect(created.map((c) => c.address)).toEqual(expected.map((name) => `agent.${name}`));
    else expect(created.length).toBeGreaterThan(1);

    if (source === PLAN_ONLY) return;
    const applied = await cli(dir, ['apply', '-f', 'stack', '--auto-approve']);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    const requests = JSON.parse((await cli(dir, ['output', '--format', 'responses'])).stdout) as Record<
      string,
      unknown
    >;
    expect(Object.keys(requests).sort()).toEqual(created.map((c) => c.address.slice('agent.'.length)).sort());
    for (const [name, request] of Object.entries(requests)) {
      expect(createResponse(request), `${name}: ${JSON.stringify(createResponse.errors)}`).toBe(true);
      const response = await fx().client.responses.create({
        ...(request as { model: string }),
        input: 'hello',
      });
      expect(response.status).toBe('completed');
    }
    expect((await cli(dir, ['plan', '-f', 'stack', '--detailed-exitcode'])).code).toBe(0);
    expect(fx().checker.failures()).toEqual([]);
  });
});
