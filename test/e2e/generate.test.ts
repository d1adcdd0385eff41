import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { upload, useEmulator, waitFor } from '../helpers/emulator.js';
import { fakeKey } from '../helpers/fake-key.js';
import { runInProcess } from '../helpers/run-cli.js';
import { workspace } from '../helpers/workspace.js';

// Random characters, as real keys are: output loses any 8 characters of the key in a row, so a
// key made of words (`ownership`, `-generate`) would hide those words in the messages checked here.
const KEY = fakeKey('sk-e2e-', 16, 'generate');
const fx = useEmulator();
const FOREIGN = {
  assistants_iac_lineage: '11111111-2222-4333-8444-555555555555',
  assistants_iac_address: 'vector_store.theirs',
};

function cli(cwd: string, args: string[]) {
  return runInProcess([...args, '--base-url', fx().emulator.url], {
    cwd,
    env: { OPENAI_API_KEY: KEY, CI: 'true' },
  });
}

/**
 * An account made by hand through the SDK: 3 stores (auto, 600/200 and 1000/100 chunking; one with
 * an expiry; metadata), 20 files with attributes, 2 assistants (file_search on one store, a
 * function tool, code_interpreter files, instructions that hold a `${...}`), and one store and one
 * assistant stamped by another state.
 */
async function populate(client: OpenAI) {
  const chunking = [
    undefined,
    { max_chunk_size_tokens: 600, chunk_overlap_tokens: 200 },
    { max_chunk_size_tokens: 1000, chunk_overlap_tokens: 100 },
  ];
  const stores = [
    await client.vectorStores.create({ name: 'Support KB', metadata: { team: 'support' } }),
    await client.vectorStores.create({
      name: 'Release notes',
      expires_after: { anchor: 'last_active_at', days: 30 },
    }),
    await client.vectorStores.create({ name: 'Support KB', metadata: { team: 'legal' } }),
  ];
  const files = [];
  for (let i = 0; i < 20; i += 1)
    files.push(await upload(client, `doc-${i}.md`, `# Doc ${i}\n\nText ${i}.\n`));
  for (const [s, store] of stores.entries()) {
    const mine = files.filter((_, i) => i % 3 === s);
    const strategy = chunking[s];
    await client.vectorStores.fileBatches.create(store.id, {
      files: mine.map((file, i) => ({
        file_id: file.id,
        attributes: { section: `s${s}`, rank: i, public: i % 2 === 0 },
        ...(strategy ? { chunking_strategy: { type: 'static', static: strategy } } : {}),
      })),
    });
  }
  await client.vectorStores.create({ name: 'Theirs', metadata: FOREIGN });
  await client.beta.assistants.create({
    model: 'gpt-4o',
    name: 'Support Bot',
    instructions: 'Answer from the docs.\nKeep ${placeholders} as they are.\n',
    temperature: 0.4,
    tools: [
      { type: 'file_search', file_search: { max_num_results: 5 } },
      {
        type: 'function',
        function: {
          name: 'escalate',
          description: 'Hand over to a person',
          parameters: {
            type: 'object',
            properties: { reason: { type: 'string' } },
            required: ['reason'],
            additionalProperties: false,
          },
          strict: true,
        },
      },
    ],
    tool_resources: { file_search: { vector_store_ids: [stores[0]?.id as string] } },
    metadata: { owner: 'support' },
  });
  await client.beta.assistants.create({
    model: 'gpt-4o-mini',
    tools: [{ type: 'code_interpreter' }],
    tool_resources: { code_interpreter: { file_ids: [files[0]?.id as string, files[1]?.id as string] } },
    response_format: { type: 'json_object' },
  });
  await client.beta.assistants.create({ model: 'gpt-4o', name: 'Theirs', metadata: FOREIGN });
  for (const store of stores)
    await waitFor(
      () => client.vectorStores.retrieve(store.id),
      (s) => s.file_counts.in_progress === 0,
    );
  return { stores, files };
}

describe('assistants import --generate against the emulator', () => {
  it('writes manifests and a state for a hand-made account that validate and plan clean', async () => {
    const { client } = fx();
    const { stores } = await populate(client);
    const dir = await workspace({});

    const run = await cli(dir, ['import', '--generate', 'infra']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'Generated infra/assistants.yaml: 3 vector stores with 20 files, 20 of them attached by id; 2 assistants.',
    );
    expect(run.stdout).toMatch(/vector_store vs_\w+ "Theirs": owned by another state \(lineage 11111111-/);
    expect(run.stdout).toMatch(/assistant asst_\w+ "Theirs": owned by another state/);
    expect(run.stdout).not.toContain('will not plan clean');

    const manifest = await readFile(path.join(dir, 'infra/assistants.yaml'), 'utf8');
    expect(manifest).toContain('stack: infra');
    expect(manifest).toMatch(/ {2}support-kb:\n {4}name: Support KB\n/);
    expect(manifest).toMatch(/ {2}support-kb-2:\n {4}name: Support KB\n/);
    expect(manifest).toMatch(
      /- file_id: file-\w+ # doc-0\.md\n {8}attributes: \{ section: s0, rank: 0, public: true \}/,
    );
    expect(manifest).toContain(
      'chunking_strategy:\n      type: static\n      static:\n        max_chunk_size_tokens: 600',
    );
    expect(manifest).toContain('Keep $${placeholders} as they are.');
    expect(manifest).not.toContain('Theirs');
    expect(manifest).not.toContain('assistants_iac_');

    const validate = await cli(dir, ['validate', '-f', 'infra']);
    expect(validate.code).toBe(0);
    const plan = await cli(dir, ['plan', '-f', 'infra', '--detailed-exitcode']);
    expect(plan.stdout).toContain('No changes.');
    expect(plan.code).toBe(0);

    // Adopted resources carry this state's stamp; the foreign store keeps its owner's.
    const state = JSON.parse(await readFile(path.join(dir, '.assistants/state.json'), 'utf8'));
    // Two stores share the name "Support KB": one is support-kb, the other support-kb-2.
    const kb = await client.vectorStores.retrieve(stores[0]?.id as string);
    const [kbAddress] = Object.entries(state.resources as Record<string, { id: string }>).find(
      ([, r]) => r.id === kb.id,
    ) ?? [''];
    expect(kbAddress).toMatch(/^vector_store\.support-kb(-2)?$/);
    expect(kb.metadata).toEqual({
      team: 'support',
      assistants_iac_lineage: state.lineage,
      assistants_iac_address: kbAddress,
    });
    const theirs = (await client.vectorStores.list()).data.find((s) => s.name === 'Theirs');
    expect(theirs?.metadata).toEqual(FOREIGN);

    // The generated stack is a working one: a changed attribute is one in-place update.
    await writeFile(
      path.join(dir, 'infra/assistants.yaml'),
      manifest.replace('{ section: s0, rank: 0, public: true }', '{ section: s0, rank: 0, public: false }'),
    );
    const edited = await cli(dir, ['apply', '-f', 'infra', '--auto-approve']);
    expect(edited.stdout).toContain('Apply complete! Resources: 0 added, 1 changed, 0 destroyed.');
    expect((await cli(dir, ['plan', '-f', 'infra', '--detailed-exitcode'])).code).toBe(0);
  });

  it('downloads the files whose content the API hands back and manages them from the folder', async () => {
    const { client } = fx();
    const notesA = await upload(client, 'notes.md', '# Notes A\n', 'user_data');
    const notesB = await upload(client, 'notes.md', '# Notes B, longer\n', 'user_data');
    const kept = await upload(client, 'kept.md', '# Uploaded for assistants\n');
    const table = await upload(client, 'table.csv', 'a,b\n1,2\n', 'user_data');
    const store = await client.vectorStores.create({ name: 'Notes' });
    await client.vectorStores.fileBatches.create(store.id, {
      file_ids: [notesA.id, notesB.id, kept.id],
    });
    await client.beta.assistants.create({
      model: 'gpt-4o',
      name: 'Analyst',
      tools: [{ type: 'code_interpreter' }],
      tool_resources: { code_interpreter: { file_ids: [table.id, kept.id] } },
    });
    await waitFor(
      () => client.vectorStores.retrieve(store.id),
      (s) => s.file_counts.in_progress === 0,
    );
    const dir = await workspace({});

    const run = await cli(dir, ['import', '--generate', 'infra']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('1 vector store with 3 files, 1 of them attached by id; 1 assistant.');
    expect(run.stdout).toContain('Downloaded 3 files whose content the API hands back into infra/files');
    expect(await readFile(path.join(dir, `infra/files/${notesA.id}/notes.md`), 'utf8')).toBe('# Notes A\n');
    expect(await readFile(path.join(dir, `infra/files/${notesB.id}/notes.md`), 'utf8')).toBe(
      '# Notes B, longer\n',
    );
    expect(await readFile(path.join(dir, 'infra/files/table.csv'), 'utf8')).toBe('a,b\n1,2\n');
    const manifest = await readFile(path.join(dir, 'infra/assistants.yaml'), 'utf8');
    expect(manifest).toContain('  table.csv:\n    path: files/table.csv\n    purpose: user_data\n');
    expect(manifest).toMatch(
      /code_interpreter:\n {8}files:\n {10}- table\.csv\n {8}file_ids:\n {10}- file-\w+\n/,
    );
    expect(manifest).toMatch(/- file: notes\.md\n/);
    expect(manifest).toMatch(/- file_id: file-\w+ # kept\.md/);

    expect((await cli(dir, ['plan', '-f', 'infra', '--detailed-exitcode'])).code).toBe(0);
    // Managed now: new content in the folder is a new upload, and the old file goes.
    await writeFile(path.join(dir, 'infra/files/table.csv'), 'a,b\n1,2\n3,4\n');
    const applied = await cli(dir, ['apply', '-f', 'infra', '--auto-approve']);
    expect(applied.stdout).toContain('Apply complete! Resources: 1 added, 1 changed, 1 destroyed.');
    await expect(client.files.retrieve(table.id)).rejects.toMatchObject({ status: 404 });
  });

  it('refuses a folder that holds manifests and a state that holds resources, writing nothing', async () => {
    const { client } = fx();
    await client.vectorStores.create({ name: 'KB' });
    const dir = await workspace({ 'infra/old.yaml': 'version: 1\n' });
    const full = await cli(dir, ['import', '--generate', 'infra']);
    expect(full.code).toBe(1);
    expect(full.stderr).toContain(
      'error[GENERATE_TARGET_NOT_EMPTY]: infra already holds manifests (old.yaml)',
    );

    expect((await cli(dir, ['import', '--generate', 'first'])).code).toBe(0);
    const again = await cli(dir, ['import', '--generate', 'second']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('error[STATE_NOT_EMPTY]');
    await expect(readFile(path.join(dir, 'second/assistants.yaml'))).rejects.toThrow(/ENOENT/);

    // A state with no resources but unsettled journal entries belongs to an interrupted apply.
    const interrupted = await workspace({
      '.assistants/state.json': `${JSON.stringify({
        format_version: 1,
        lineage: '22222222-2222-4222-8222-222222222222',
        serial: 3,
        stack: 'x',
        resources: {},
        pending: [
          {
            id: 'op-1',
            address: 'file.faq',
            kind: 'file',
            operation: 'create',
            started_at: '2026-11-20T10:00:00.000Z',
          },
        ],
      })}\n`,
    });
    const unsettled = await cli(interrupted, ['import', '--generate', 'infra']);
    expect(unsettled.code).toBe(1);
    expect(unsettled.stderr).toContain('0 resources and 1 unsettled call');

    const usage = await cli(dir, ['import', 'vector_store.kb']);
    expect(usage.code).toBe(1);
    expect(usage.stderr).toContain('error[USAGE]: import needs an address and an id, or --generate DIR');
  });
});
