import { readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
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
    // Whatever else a file at that path holds is never shown in a plan.
    edited.api_key = 'sk-not-a-request-field';
    await writeFile(file, JSON.stringify(edited));
    await rm(path.join(dir, 'build/analyst.json'));

    const plan = await cli(dir, ['plan', '--no-color', '--detailed-exitcode']);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('changed outside');
    expect(plan.stdout).toMatch(/model: +"gpt-5-mini" -> "gpt-4o"/);
    expect(plan.stdout).not.toContain('sk-not-a-request-field');
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

describe('agents: ownership of rendered files, hostile input', () => {
  const SMALL = (render: string, extra = '') => yaml`
    version: 1
    files:
      faq:
        path: docs/faq.md
    vector_stores:
      kb:
        files: [faq]
    agents:
      bot:
        model: gpt-4.1
        tools: [{ type: file_search, vector_stores: [kb] }]
        render_to: ${render}
${extra}
  `;
  const FAQ = { 'docs/faq.md': '# FAQ\n\nReset your password with the link.\n' };

  it("never writes over the state's own files; the state stays whole", async () => {
    const dir = await workspace({ 'assistants.yaml': SMALL('.assistants/state.json'), ...FAQ });
    for (let run = 0; run < 2; run++) {
      const applied = await cli(dir, ['apply', '--auto-approve']);
      expect(applied.code).toBe(1);
      expect(applied.stderr).toContain('RENDER_TARGET_EXISTS');
      const state = JSON.parse(await readFile(path.join(dir, '.assistants/state.json'), 'utf8'));
      expect(Object.keys(state.resources)).toEqual(expect.arrayContaining(['file.faq', 'vector_store.kb']));
    }
  });

  it('refuses at validate a render_to that names a file the manifests read or upload', async () => {
    const dir = await workspace({ 'assistants.yaml': SMALL('docs/faq.md'), ...FAQ });
    const validated = await cli(dir, ['validate']);
    expect(validated.code).toBe(1);
    expect(validated.stderr).toContain(
      'render_to "docs/faq.md" of agent "bot" is a file the manifests read or upload',
    );
  });

  it('an edited state naming a file outside: plan and destroy leave it alone', async () => {
    const dir = await workspace({
      'stack/assistants.yaml': SMALL('build/bot.json'),
      ...prefixed('stack/', FAQ),
      'victim.json': '',
    });
    const stack = path.join(dir, 'stack');
    expect((await cli(stack, ['apply', '--auto-approve'])).code).toBe(0);
    const stateFile = path.join(stack, '.assistants/state.json');
    const state = JSON.parse(await readFile(stateFile, 'utf8'));
    const bot = state.resources['agent.bot'];
    // The victim holds exactly what the state says was written: only the path guards it.
    const request = { ...bot.attributes };
    delete request.render_to;
    await writeFile(path.join(dir, 'victim.json'), `${JSON.stringify(request, null, 2)}\n`);
    bot.attributes.render_to = '../victim.json';
    bot.id = '../victim.json';
    await writeFile(stateFile, JSON.stringify(state, null, 2));

    expect((await cli(stack, ['plan'])).code).toBe(0);
    const destroyed = await cli(stack, ['destroy', '--auto-approve']);
    expect(destroyed.code).toBe(0);
    expect(destroyed.stderr).toContain('RENDERED_FILE_LEFT');
    expect(JSON.parse(await readFile(path.join(dir, 'victim.json'), 'utf8'))).toEqual(request);
  });

  it('a renamed agent keeps its file; swapped render_to converge', async () => {
    const two = (a: string, b: string) => yaml`
      version: 1
      agents:
        first:
          model: gpt-4.1
          instructions: one
          render_to: ${a}
        second:
          model: gpt-4.1
          instructions: two
          render_to: ${b}
    `;
    const dir = await workspace({ 'assistants.yaml': two('out/a.json', 'out/b.json') });
    expect((await cli(dir, ['apply', '--auto-approve'])).code).toBe(0);
    await writeFile(path.join(dir, 'assistants.yaml'), two('out/b.json', 'out/a.json'));
    const swapped = await cli(dir, ['apply', '--auto-approve']);
    expect(swapped.stderr).toBe('');
    expect(JSON.parse(await readFile(path.join(dir, 'out/a.json'), 'utf8')).instructions).toBe('two');
    expect(JSON.parse(await readFile(path.join(dir, 'out/b.json'), 'utf8')).instructions).toBe('one');

    await writeFile(
      path.join(dir, 'assistants.yaml'),
      two('out/b.json', 'out/a.json').replace('first:', 'renamed:'),
    );
    const renamed = await cli(dir, ['apply', '--auto-approve']);
    expect(renamed.stdout).toContain('1 added, 0 changed, 1 destroyed');
    expect(JSON.parse(await readFile(path.join(dir, 'out/b.json'), 'utf8')).instructions).toBe('one');
    expect((await cli(dir, ['plan', '--detailed-exitcode'])).code).toBe(0);
  });

  it('keeps a store an agent still names when the agent could not be updated', async () => {
    const dir = await workspace({
      'assistants.yaml': SMALL('out/bot.json'),
      ...FAQ,
      'out/mine.json': '{"hand": 1}\n',
    });
    expect((await cli(dir, ['apply', '--auto-approve'])).code).toBe(0);
    // The store goes from the manifests, and the agent's update fails (its new file is someone's).
    await writeFile(
      path.join(dir, 'assistants.yaml'),
      yaml`
        version: 1
        agents:
          bot:
            model: gpt-4.1
            render_to: out/mine.json
      `,
    );
    const applied = await cli(dir, ['apply', '--auto-approve']);
    expect(applied.code).toBe(1);
    expect(applied.stderr).toContain('RENDER_TARGET_EXISTS');
    expect(applied.stderr).toContain('STORE_IN_USE');
    expect(applied.stderr).toContain('FILE_IN_USE');
    const storeId = (await stateIds(dir))['vector_store.kb'] as string;
    expect((await fx().client.vectorStores.retrieve(storeId)).id).toBe(storeId);
  });

  it('a rendered file that already holds what the manifests say is recorded, and the drift ends', async () => {
    const dir = await workspace({ 'assistants.yaml': manifest(), ...FILES });
    expect((await cli(dir, ['apply', '--auto-approve'])).code).toBe(0);
    // As if a run had written the new file and stopped before recording it.
    await writeFile(
      path.join(dir, 'assistants.yaml'),
      manifest({ instructions: 'Say which column you used.' }),
    );
    const file = path.join(dir, 'build/analyst.json');
    const request = JSON.parse(await readFile(file, 'utf8'));
    await writeFile(
      file,
      `${JSON.stringify({ ...request, instructions: 'Say which column you used.' }, null, 2)}\n`,
    );
    const plan = await cli(dir, ['plan', '--detailed-exitcode']);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('changed outside');
    expect((await cli(dir, ['apply', '--auto-approve'])).code).toBe(0);
    expect((await cli(dir, ['plan', '--detailed-exitcode'])).code).toBe(0);
  });
});

function prefixed(prefix: string, files: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(files).map(([name, text]) => [`${prefix}${name}`, text]));
}

describe('agents: renames, aliases, gc and other folders', () => {
  const ONE = (name: string, render: string) => yaml`
    version: 1
    agents:
      ${name}:
        model: gpt-4.1
        instructions: hello
        render_to: ${render}
  `;

  it('a renamed agent not made yet keeps the old record, and the next apply hands the file over', async () => {
    const dir = await workspace({ 'assistants.yaml': ONE('old', 'out/a.json') });
    expect((await cli(dir, ['apply', '--auto-approve'])).code).toBe(0);
    await writeFile(path.join(dir, 'assistants.yaml'), ONE('new', 'out/a.json'));
    const partial = await cli(dir, ['apply', '--auto-approve', '--target', 'agent.old']);
    expect(partial.code).toBe(1);
    expect(partial.stderr).toContain(
      'agent.old: kept: agent.new, which renders to out/a.json now, was not made yet',
    );
    expect(await readFile(path.join(dir, 'out/a.json'), 'utf8')).toContain('"hello"');
    const rest = await cli(dir, ['apply', '--auto-approve']);
    expect(rest.stderr).toBe('');
    expect(rest.stdout).toContain('1 added, 0 changed, 1 destroyed');
    expect(await readFile(path.join(dir, 'out/a.json'), 'utf8')).toContain('"hello"');
    expect((await cli(dir, ['plan', '--detailed-exitcode'])).code).toBe(0);
  });

  it('a folder moved behind a link of its old name: the file is the same, and kept', async () => {
    const dir = await workspace({ 'assistants.yaml': ONE('bot', 'out/v/a.json') });
    expect((await cli(dir, ['apply', '--auto-approve'])).code).toBe(0);
    await rename(path.join(dir, 'out/v'), path.join(dir, 'out/v1'));
    await symlink('v1', path.join(dir, 'out/v'));
    const applied = await cli(dir, ['apply', '--auto-approve']);
    expect(applied.stderr).toBe('');
    expect(await readFile(path.join(dir, 'out/v1/a.json'), 'utf8')).toContain('"hello"');
    expect((await cli(dir, ['plan', '--detailed-exitcode'])).code).toBe(0);
  });

  it('gc keeps an expired store and its file while an agent names them', async () => {
    const dir = await workspace({
      'assistants.yaml': yaml`
        version: 1
        files:
          sales: { path: sales.csv }
          faq: { path: faq.md }
        vector_stores:
          kb:
            files: [faq]
            expires_after: { anchor: last_active_at, days: 1 }
        agents:
          analyst:
            model: gpt-4.1
            tools:
              - { type: file_search, vector_stores: [kb] }
              - { type: code_interpreter, files: [faq] }
      `,
      'sales.csv': 'a\n1\n',
      'faq.md': '# FAQ\n',
    });
    expect((await cli(dir, ['apply', '--auto-approve'])).code).toBe(0);
    await fx().control('clock', { advance_seconds: 3 * 86_400 });
    const gc = await cli(dir, ['gc', '--expired', '--auto-approve']);
    expect(gc.stderr).toContain('vector_store.kb');
    expect(gc.stderr).toContain('agent.analyst still names it');
    const ids = await stateIds(dir);
    expect((await fx().client.vectorStores.retrieve(ids['vector_store.kb'] as string)).status).toBe(
      'expired',
    );
    expect((await fx().client.files.retrieve(ids['file.faq'] as string)).id).toBe(ids['file.faq']);
  });

  it('destroy -f removes what it rendered below a manifest root outside the working folder', async () => {
    const top = await workspace({ 'stack/assistants.yaml': ONE('bot', 'build/a.json'), 'work/.keep': '' });
    const work = path.join(top, 'work');
    expect((await cli(work, ['apply', '-f', '../stack', '--auto-approve'])).code).toBe(0);
    expect(await readFile(path.join(top, 'stack/build/a.json'), 'utf8')).toContain('"hello"');
    const destroyed = await cli(work, ['destroy', '-f', '../stack', '--auto-approve']);
    expect(destroyed.stderr).toBe('');
    await expect(stat(path.join(top, 'stack/build/a.json'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it.each([
    ['a .yaml file', 'build/agent.yaml', 'is a .yaml or .yml file'],
    [
      'a file a glob member would match',
      'docs/agent.md',
      'is a file a glob member of a vector store would match',
    ],
    ['a path below a file', 'faq.md/agent.json', 'lies below a file, not a folder'],
  ])('validate refuses a render_to that is %s', async (_what, render, message) => {
    const dir = await workspace({
      'assistants.yaml': yaml`
        version: 1
        files:
          faq: { path: faq.md }
        vector_stores:
          kb:
            files: [{ glob: docs/*.md }]
        agents:
          bot:
            model: gpt-4.1
            render_to: ${render}
      `,
      'faq.md': '# FAQ\n',
      'docs/a.md': '# A\n',
    });
    const run = await cli(dir, ['validate']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(message);
  });
});
