import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../helpers/emulator.js';
import { fakeKey } from '../helpers/fake-key.js';
import { runInProcess } from '../helpers/run-cli.js';
import { workspace, yaml } from '../helpers/workspace.js';

const KEY = fakeKey('sk-e2e-', 16, 'agents');
const fx = useEmulator();

function cli(cwd: string, args: string[]) {
  return runInProcess([...args, '--base-url', fx().emulator.url], {
    cwd,
    env: { OPENAI_API_KEY: KEY, CI: 'true' },
  });
}

const manifest = (options: { instructions?: string; chunk?: number } = {}) => yaml`
  version: 1
  files:
    refunds:
      path: docs/refunds.md
    sales:
      path: data/sales.csv
  vector_stores:
    kb:
      files:
        - file: refunds
          attributes: { category: policy }
        - glob: docs/faq/*.md
          attributes: { category: faq }
      chunking_strategy: { type: static, static: { max_chunk_size_tokens: ${options.chunk ?? 800}, chunk_overlap_tokens: 200 } }
      expires_after: { anchor: last_active_at, days: 7 }
  agents:
    support:
      model: gpt-5-mini
      instructions: { file: prompts/support.md }
      tools:
        - type: file_search
          vector_stores: [kb]
          max_num_results: 3
          filters: { type: eq, key: category, value: policy }
      include: [file_search_call.results]
      render_to: build/support.json
    analyst:
      model: gpt-4.1
      instructions: ${options.instructions ?? 'Compute what is asked from the CSV.'}
      tools:
        - type: code_interpreter
          files: [sales]
      temperature: 0.2
      render_to: build/analyst.json
`;

const FILES = {
  'docs/refunds.md': '# Refunds\n\nItems may be returned within 30 days for a full refund.\n',
  'docs/faq/orders.md': '# Orders\n\nYou can change an order until it ships.\n',
  'data/sales.csv': 'month,revenue\n2026-01,100\n',
  'prompts/support.md': 'Answer from the policies.\nCite the document.\n',
};

type Requests = Record<string, OpenAI.Responses.ResponseCreateParamsNonStreaming>;

async function rendered(dir: string): Promise<Requests> {
  const out = await cli(dir, ['output', '--format', 'responses']);
  expect(out.code).toBe(0);
  return JSON.parse(out.stdout) as Requests;
}

async function stateIds(dir: string): Promise<Record<string, string>> {
  const doc = JSON.parse(await readFile(path.join(dir, '.assistants/state.json'), 'utf8')) as {
    resources: Record<string, { id: string }>;
  };
  return Object.fromEntries(Object.entries(doc.resources).map(([address, r]) => [address, r.id]));
}

const assistantsCalls = async () =>
  Object.entries(((await fx().control('stats')).requests ?? {}) as Record<string, number>)
    .filter(([route]) => route.includes('/assistants'))
    .reduce((sum, [, n]) => sum + n, 0);

describe('agents: Responses requests rendered from the manifests', () => {
  it('apply renders requests that the Responses API answers with the managed files', async () => {
    const dir = await workspace({ 'assistants.yaml': manifest(), ...FILES });
    const applied = await cli(dir, ['apply', '--auto-approve']);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('Apply complete! Resources: 8 added, 0 changed, 0 destroyed.');
    const ids = await stateIds(dir);

    const requests = await rendered(dir);
    expect(Object.keys(requests)).toEqual(['analyst', 'support']);
    expect(requests.support).toEqual({
      model: 'gpt-5-mini',
      instructions: FILES['prompts/support.md'],
      tools: [
        {
          type: 'file_search',
          vector_store_ids: [ids['vector_store.kb']],
          max_num_results: 3,
          filters: { type: 'eq', key: 'category', value: 'policy' },
        },
      ],
      include: ['file_search_call.results'],
    });
    expect(requests.analyst?.tools).toEqual([
      { type: 'code_interpreter', container: { type: 'auto', file_ids: [ids['file.sales']] } },
    ]);
    // The rendered file is the same request; `output agent.NAME --json` prints one of them.
    expect(JSON.parse(await readFile(path.join(dir, 'build/support.json'), 'utf8'))).toEqual(
      requests.support,
    );
    const one = await cli(dir, ['output', 'agent.support', '--json']);
    expect(JSON.parse(one.stdout)).toEqual(requests.support);

    // Every request, sent as the application sends it, gets a valid Response (checked against the spec).
    for (const request of Object.values(requests)) {
      const response = await fx().client.responses.create({
        ...request,
        input: 'How long do I have for a refund?',
      });
      expect(response.object).toBe('response');
      expect(response.status).toBe('completed');
    }
    const response = await fx().client.responses.create({
      ...requests.support,
      input: 'refund within 30 days',
    } as never);
    const search = response.output.find((item) => item.type === 'file_search_call');
    expect(search?.type === 'file_search_call' && search.results?.map((r) => r.file_id)).toEqual([
      ids['file.refunds'],
    ]);
    const message = response.output.find((item) => item.type === 'message');
    const text = message?.type === 'message' ? message.content[0] : undefined;
    expect(
      text?.type === 'output_text' && text.annotations.map((a) => a.type === 'file_citation' && a.file_id),
    ).toEqual([ids['file.refunds']]);
    expect(fx().checker.failures()).toEqual([]);
    // No Assistants API was needed.
    expect(await assistantsCalls()).toBe(0);
  });

  it('plans instructions as a line diff and rewrites only the agent that changed', async () => {
    const dir = await workspace({ 'assistants.yaml': manifest(), ...FILES });
    expect((await cli(dir, ['apply', '--auto-approve'])).code).toBe(0);
    const supportBefore = await stat(path.join(dir, 'build/support.json'));

    await writeFile(
      path.join(dir, 'prompts/support.md'),
      'Answer from the policies.\nCite the document and its section.\n',
    );
    const plan = await cli(dir, ['plan', '--detailed-exitcode', '--no-color']);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('~ agent.support');
    expect(plan.stdout).not.toContain('agent.analyst');
    expect(plan.stdout).toMatch(/@@ .* @@/);
    expect(plan.stdout).toContain('- Cite the document.');
    expect(plan.stdout).toContain('+ Cite the document and its section.');
    expect(plan.stdout).toContain('Plan: 0 to add, 1 to change, 0 to destroy.');

    const analystBefore = await stat(path.join(dir, 'build/analyst.json'));
    expect((await cli(dir, ['apply', '--auto-approve'])).code).toBe(0);
    expect((await stat(path.join(dir, 'build/analyst.json'))).mtimeMs).toBe(analystBefore.mtimeMs);
    expect((await stat(path.join(dir, 'build/support.json'))).mtimeMs).not.toBe(supportBefore.mtimeMs);
    expect(JSON.parse(await readFile(path.join(dir, 'build/support.json'), 'utf8')).instructions).toContain(
      'its section',
    );
    expect((await cli(dir, ['plan', '--detailed-exitcode'])).code).toBe(0);
  });

  it('re-attaches files for a chunking change without touching agents, and follows a replaced store', async () => {
    const dir = await workspace({ 'assistants.yaml': manifest(), ...FILES });
    expect((await cli(dir, ['apply', '--auto-approve'])).code).toBe(0);
    const oldStore = (await stateIds(dir))['vector_store.kb'];

    await writeFile(path.join(dir, 'assistants.yaml'), manifest({ chunk: 1000 }));
    const chunking = await cli(dir, ['plan', '--json']);
    const changes = (
      JSON.parse(chunking.stdout) as {
        resource_changes: { address: string; change: { actions: string[] } }[];
      }
    ).resource_changes;
    const acting = changes.filter((c) => c.change.actions[0] !== 'no-op').map((c) => c.address);
    expect(acting.length).toBeGreaterThan(0);
    expect(acting.every((address) => address.startsWith('vector_store_file.kb/'))).toBe(true);
    expect((await cli(dir, ['apply', '--auto-approve'])).code).toBe(0);
    expect((await rendered(dir)).support?.tools).toEqual([
      expect.objectContaining({ vector_store_ids: [oldStore] }),
    ]);

    // The store expires unused: it is replaced, and the agent follows the new id.
    await fx().control('clock', { advance_seconds: 8 * 86_400 });
    const replace = await cli(dir, ['plan', '--no-color']);
    expect(replace.stdout).toContain('-/+ vector_store.kb');
    expect(replace.stdout).toContain('~ agent.support');
    expect(replace.stdout).toContain('(known after apply)');
    expect((await cli(dir, ['apply', '--auto-approve'])).code).toBe(0);
    const newStore = (await stateIds(dir))['vector_store.kb'];
    expect(newStore).not.toBe(oldStore);
    const onDisk = JSON.parse(await readFile(path.join(dir, 'build/support.json'), 'utf8'));
    expect(onDisk.tools[0].vector_store_ids).toEqual([newStore]);
    expect((await cli(dir, ['plan', '--detailed-exitcode'])).code).toBe(0);
    expect(await assistantsCalls()).toBe(0);
  });

  it('treats a hand-edited or deleted rendered file as drift, and destroy removes what it wrote', async () => {
    const dir = await workspace({ 'assistants.yaml': manifest(), ...FILES });
    expect((await cli(dir, ['apply', '--auto-approve'])).code).toBe(0);
    const file = path.join(dir, 'build/support.json');
    const edited = JSON.parse(await readFile(file, 'utf8'));
    edited.model = 'gpt-4o';
    await writeFile(file, JSON.stringify(edited));
    await rm(path.join(dir, 'build/analyst.json'));

    const plan = await cli(dir, ['plan', '--no-color', '--detailed-exitcode']);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('changed outside');
    expect(plan.stdout).toMatch(/model: +"gpt-5-mini" -> "gpt-4o"/);
    expect(plan.stdout).toContain('~ agent.support');
    expect(plan.stdout).toContain('+ agent.analyst');
    expect((await cli(dir, ['apply', '--auto-approve'])).code).toBe(0);
    expect(JSON.parse(await readFile(file, 'utf8')).model).toBe('gpt-5-mini');
    expect((await cli(dir, ['plan', '--detailed-exitcode'])).code).toBe(0);

    // A file of someone else's at a new render_to is not overwritten.
    await writeFile(path.join(dir, 'build/mine.json'), '{"hand": "written"}\n');
    await writeFile(
      path.join(dir, 'assistants.yaml'),
      manifest().replace('build/analyst.json', 'build/mine.json'),
    );
    const refused = await cli(dir, ['apply', '--auto-approve']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('RENDER_TARGET_EXISTS');
    expect(await readFile(path.join(dir, 'build/mine.json'), 'utf8')).toBe('{"hand": "written"}\n');
    await writeFile(path.join(dir, 'assistants.yaml'), manifest());

    const destroyed = await cli(dir, ['destroy', '--auto-approve']);
    expect(destroyed.code).toBe(0);
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(stat(path.join(dir, 'build/analyst.json'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await assistantsCalls()).toBe(0);
  });
});
