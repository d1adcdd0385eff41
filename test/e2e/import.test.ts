import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { upload, useEmulator } from '../helpers/emulator.js';
import { fakeKey } from '../helpers/fake-key.js';
import { runInProcess } from '../helpers/run-cli.js';
import { workspace, yaml } from '../helpers/workspace.js';

const KEY = fakeKey('sk-e2e-', 16, 'import');
const fx = useEmulator();
const FAQ = '# FAQ\n\nReset your password from the sign-in page.\n';

function cli(cwd: string, args: string[]) {
  return runInProcess([...args, '--base-url', fx().emulator.url], {
    cwd,
    env: { OPENAI_API_KEY: KEY, CI: 'true' },
  });
}

async function stack() {
  return workspace({
    'assistants.yaml': yaml`
      version: 1
      files:
        faq: { path: docs/faq.md }
      vector_stores:
        kb:
          name: Support KB
          files:
            - file: faq
              attributes: { lang: en }
      assistants:
        bot:
          model: gpt-4o
          name: Support Bot
          temperature: 0.3
          tools: [{ type: file_search }]
          tool_resources: { file_search: { vector_stores: [kb] } }
    `,
    'docs/faq.md': FAQ,
  });
}

function changed(stdout: string) {
  const plan = JSON.parse(stdout) as {
    resource_changes: { address: string; change: { actions: string[] }; action_reason: string }[];
  };
  return Object.fromEntries(
    plan.resource_changes
      .filter((c) => c.change.actions.join() !== 'no-op')
      .map((c) => [c.address, `${c.change.actions.join(',')} ${c.action_reason}`]),
  );
}

describe('assistants import against the emulator', () => {
  it('adopts a file, a store, a membership and an assistant made by hand; the plan shows only real differences', async () => {
    const dir = await stack();
    const { client } = fx();
    const file = await upload(client, 'faq.md', FAQ);
    const store = await client.vectorStores.create({ name: 'Support KB' });
    await client.vectorStores.files.create(store.id, { file_id: file.id, attributes: { lang: 'en' } });
    const bot = await client.beta.assistants.create({
      model: 'gpt-4o',
      name: 'Support Bot',
      temperature: 0.9,
      tools: [{ type: 'file_search' }],
      tool_resources: { file_search: { vector_store_ids: [store.id] } },
    });

    for (const [address, id] of [
      ['file.faq', file.id],
      ['vector_store.kb', store.id],
      ['vector_store_file.kb/faq', file.id],
      ['assistant.bot', bot.id],
    ] as const) {
      const run = await cli(dir, ['import', address, id]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`Import successful: ${address} is ${id}.`);
    }
    const plan = await cli(dir, ['plan', '--json']);
    // Only what differs: the ownership stamp on the store and the assistant, and the temperature.
    expect(changed(plan.stdout)).toEqual({
      'vector_store.kb': 'update changed',
      'assistant.bot': 'update changed',
    });

    expect((await cli(dir, ['apply', '--auto-approve'])).code).toBe(0);
    expect((await cli(dir, ['plan', '--detailed-exitcode'])).code).toBe(0);
    expect((await client.files.list()).data).toHaveLength(1);
    expect((await client.vectorStores.list()).data).toHaveLength(1);
    expect((await client.beta.assistants.list()).data).toHaveLength(1);
    expect((await client.beta.assistants.retrieve(bot.id)).temperature).toBe(0.3);
  });

  it('plans to replace an imported file whose name or size differs, and says why', async () => {
    const dir = await stack();
    const other = await upload(fx().client, 'faq-old.md', '# FAQ\n\nOld.\n');
    const run = await cli(dir, ['import', 'file.faq', other.id]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('the next plan replaces it with the local file');
    const plan = await cli(dir, ['plan', '--json', '--target', 'file.faq']);
    expect(changed(plan.stdout)).toMatchObject({ 'file.faq': 'create,delete content_changed' });
  });

  it('refuses a resource another state owns unless --force, and an address already managed', async () => {
    const dir = await stack();
    const foreign = await fx().client.vectorStores.create({
      name: 'Support KB',
      metadata: {
        assistants_iac_lineage: '11111111-2222-4333-8444-555555555555',
        assistants_iac_address: 'vector_store.docs',
      },
    });
    const refused = await cli(dir, ['import', 'vector_store.kb', foreign.id]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('error[OWNED_ELSEWHERE]');
    expect(refused.stderr).toContain('11111111-2222-4333-8444-555555555555');
    const forced = await cli(dir, ['import', 'vector_store.kb', foreign.id, '--force']);
    expect(forced.code).toBe(0);
    // Taken over with consent: the stamp names this state now, so its plans may change it.
    expect(forced.stderr).toContain(
      `note: ${foreign.id} now carries this state's ownership stamp for vector_store.kb`,
    );
    const lineage = (
      JSON.parse(await readFile(path.join(dir, '.assistants/state.json'), 'utf8')) as { lineage: string }
    ).lineage;
    expect((await fx().client.vectorStores.retrieve(foreign.id)).metadata).toEqual({
      assistants_iac_lineage: lineage,
      assistants_iac_address: 'vector_store.kb',
    });
    const plan = await cli(dir, ['plan']);
    expect(plan.stderr).not.toContain('OWNED_ELSEWHERE');
    expect(plan.code).toBe(0);
    const again = await cli(dir, ['import', 'vector_store.kb', foreign.id]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('error[ALREADY_MANAGED]');
  });
});
