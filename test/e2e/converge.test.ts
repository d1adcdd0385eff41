import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../helpers/emulator.js';
import { fakeKey } from '../helpers/fake-key.js';
import { runInProcess } from '../helpers/run-cli.js';
import { workspace, yaml } from '../helpers/workspace.js';

const KEY = fakeKey('sk-e2e-', 16, 'converge');
const fx = useEmulator();

function cli(cwd: string, args: string[]) {
  return runInProcess([...args, '--base-url', fx().emulator.url], {
    cwd,
    env: { OPENAI_API_KEY: KEY, CI: 'true' },
  });
}

async function stateIds(dir: string): Promise<Record<string, string>> {
  const doc = JSON.parse(await readFile(path.join(dir, '.assistants/state.json'), 'utf8')) as {
    resources: Record<string, { id: string }>;
  };
  return Object.fromEntries(Object.entries(doc.resources).map(([address, r]) => [address, r.id]));
}

const WITH_RESOURCES = yaml`
  version: 1
  files:
    table:
      path: data/table.csv
    faq:
      path: docs/faq.md
  vector_stores:
    kb:
      files: [faq]
  assistants:
    bot:
      model: gpt-4o
      tools:
        - type: code_interpreter
        - type: file_search
      tool_resources:
        code_interpreter: { files: [table] }
        file_search: { vector_stores: [kb] }
`;

describe('apply converges on what the manifest says', () => {
  it('clears code_interpreter files and the file_search store removed from the manifest', async () => {
    const dir = await workspace({
      'assistants.yaml': WITH_RESOURCES,
      'data/table.csv': 'region,total\neu,10\n',
      'docs/faq.md': '# FAQ\n\nReset your password with the link.\n',
    });
    const first = await cli(dir, ['apply', '--auto-approve']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const ids = await stateIds(dir);
    const botId = ids['assistant.bot'] as string;
    const before = await fx().client.beta.assistants.retrieve(botId);
    expect(before.tool_resources).toEqual({
      code_interpreter: { file_ids: [ids['file.table']] },
      file_search: { vector_store_ids: [ids['vector_store.kb']] },
    });

    // The files and the store stay managed; only the assistant stops using them.
    const manifest = path.join(dir, 'assistants.yaml');
    const text = await readFile(manifest, 'utf8');
    await writeFile(manifest, text.slice(0, text.indexOf('    tool_resources:')));
    const cleared = await cli(dir, ['apply', '--auto-approve']);
    expect(cleared.stderr).toBe('');
    expect(cleared.stdout).toContain('Apply complete! Resources: 0 added, 1 changed, 0 destroyed.');

    const after = await fx().client.beta.assistants.retrieve(botId);
    expect(after.tool_resources).toEqual({
      code_interpreter: { file_ids: [] },
      file_search: { vector_store_ids: [] },
    });
    const again = await cli(dir, ['plan', '--detailed-exitcode']);
    expect(again.stdout).toContain('No changes.');
    expect(again.code).toBe(0);
  });
});

describe('file names that are not ASCII', () => {
  it('uploads règlement.md under its own name, after which a plan shows no changes', async () => {
    const dir = await workspace({
      'assistants.yaml': yaml`
        version: 1
        vector_stores:
          rules:
            files:
              - glob: docs/*.md
      `,
      'docs/règlement.md': '# Règlement\n\nArticle 1.\n',
      'docs/résumé – été.md': '# Résumé\n\nÉté.\n',
    });
    const applied = await cli(dir, ['apply', '--auto-approve']);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    const names = (await fx().client.files.list()).data.map((f) => f.filename).sort();
    expect(names).toEqual(['règlement.md', 'résumé – été.md']);
    const again = await cli(dir, ['plan', '--detailed-exitcode']);
    expect(again.stdout).toContain('No changes.');
    expect(again.code).toBe(0);
  });
});
