import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useEmulator, waitFor } from '../helpers/emulator.js';
import { requestDelta } from '../helpers/make-stack.js';
import { runInProcess } from '../helpers/run-cli.js';
import { workspace } from '../helpers/workspace.js';

const KEY = 'sk-e2e-apply-key';
// Latency and a real indexing delay: apply must wait for indexing, not just fire and forget.
const fx = useEmulator({ config: { latency_ms: 5, index_delay_ms: 150 } });

function cli(cwd: string, args: string[], extra: { answer?: string; isTTY?: boolean } = {}) {
  return runInProcess([...args, '--base-url', fx().emulator.url], {
    cwd,
    env: { OPENAI_API_KEY: KEY, CI: 'true' },
    ...extra,
  });
}

/** A copy of an example in a temp folder, so tests can edit it. */
async function example(name: string): Promise<string> {
  const dir = await workspace({});
  await cp(path.resolve('examples', name), dir, { recursive: true });
  return dir;
}

async function planJson(dir: string) {
  const run = await cli(dir, ['plan', '-f', '.', '--json']);
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as {
    summary: { add: number; change: number; destroy: number };
    resource_changes: { address: string; change: { actions: string[] } }[];
  };
}

function changed(plan: Awaited<ReturnType<typeof planJson>>) {
  return Object.fromEntries(
    plan.resource_changes
      .filter((c) => c.change.actions.join() !== 'no-op')
      .map((c) => [c.address, c.change.actions.join(',')]),
  );
}

async function state(dir: string) {
  return JSON.parse(await readFile(path.join(dir, '.assistants/state.json'), 'utf8')) as {
    resources: Record<string, { id: string }>;
    pending: unknown[];
  };
}

/** A store of two files, one of them empty (the emulator, like the API, fails to index it); `more` lines follow. */
function oneFileFailsToIndex(more: string[] = []): Promise<string> {
  return workspace({
    'assistants.yaml': [
      'version: 1',
      'vector_stores:',
      '  kb:',
      '    files:',
      '      - glob: docs/*.md',
      ...more,
      '',
    ].join('\n'),
    'docs/good.md': '# Good\n\nIndexed fine.\n',
    'docs/empty.md': '',
  });
}

describe('assistants apply against the emulator', () => {
  for (const name of ['data-analyst', 'function-calling', 'knowledge-base', 'support-bot']) {
    it(`applies examples/${name}, after which a plan shows no changes`, async () => {
      const dir = await example(name);
      const applied = await cli(dir, ['apply', '-f', '.', '--auto-approve']);
      expect(applied.stderr).toBe('');
      expect(applied.code).toBe(0);
      expect(applied.stdout).toMatch(/Apply complete! Resources: \d+ added, 0 changed, 0 destroyed\./);
      const again = await cli(dir, ['plan', '-f', '.', '--detailed-exitcode']);
      expect(again.stdout).toContain('No changes.');
      expect(again.code).toBe(0);
      expect((await state(dir)).pending).toEqual([]);
    });
  }

  it('follows edits: instructions update in place; a changed document replaces that file only', async () => {
    const dir = await example('support-bot');
    expect((await cli(dir, ['apply', '-f', '.', '--auto-approve'])).code).toBe(0);
    const before = await state(dir);

    const prompt = path.join(dir, 'prompts/support.md');
    await writeFile(prompt, `${await readFile(prompt, 'utf8')}\nAlways greet the customer by name.\n`);
    expect(changed(await planJson(dir))).toEqual({ 'assistant.support-bot': 'update' });
    const edited = await cli(dir, ['apply', '-f', '.', '--auto-approve']);
    expect(edited.stdout).toContain('Apply complete! Resources: 0 added, 1 changed, 0 destroyed.');

    const faq = path.join(dir, 'docs/faq.md');
    await writeFile(faq, `${await readFile(faq, 'utf8')}\n## New question\n\nA new answer.\n`);
    expect(changed(await planJson(dir))).toEqual({
      'file.docs/faq.md': 'create,delete',
      'vector_store_file.support-kb/docs/faq.md': 'create,delete',
    });
    const stats = () => fx().control('stats') as Promise<{ requests: Record<string, number> }>;
    const beforeReplace = (await stats()).requests;
    const replaced = await cli(dir, ['apply', '-f', '.', '--auto-approve']);
    expect(replaced.code).toBe(0);
    expect(replaced.stdout).toContain('Apply complete! Resources: 2 added, 0 changed, 2 destroyed.');
    // Deleting the old file removes it from the store: its old attachment needs no call of its own.
    const delta = requestDelta(beforeReplace, (await stats()).requests);
    expect(delta).toMatchObject({ 'POST /v1/files': 1, 'DELETE /v1/files/{file_id}': 1 });
    expect(delta['DELETE /v1/vector_stores/{vector_store_id}/files/{file_id}']).toBeUndefined();

    const after = await state(dir);
    const oldFaq = before.resources['file.docs/faq.md']?.id as string;
    const newFaq = after.resources['file.docs/faq.md']?.id as string;
    expect(newFaq).not.toBe(oldFaq);
    await expect(fx().client.files.retrieve(oldFaq)).rejects.toMatchObject({ status: 404 });
    // Every other file kept its id.
    for (const [address, resource] of Object.entries(before.resources))
      if (address.startsWith('file.') && address !== 'file.docs/faq.md')
        expect(after.resources[address]?.id).toBe(resource.id);
    // The store was re-indexed and the assistant points at it, complete.
    const storeId = after.resources['vector_store.support-kb']?.id as string;
    const store = await fx().client.vectorStores.retrieve(storeId);
    expect(store.status).toBe('completed');
    expect(store.file_counts).toMatchObject({ completed: 6, in_progress: 0, failed: 0, total: 6 });
    const members = await fx().client.vectorStores.files.list(storeId, { limit: 100 });
    expect(members.data.map((m) => m.id)).toContain(newFaq);
    expect(members.data.map((m) => m.id)).not.toContain(oldFaq);
    const bot = await fx().client.beta.assistants.retrieve(
      after.resources['assistant.support-bot']?.id as string,
    );
    expect(bot.tool_resources?.file_search?.vector_store_ids).toEqual([storeId]);
    expect((await cli(dir, ['plan', '-f', '.', '--detailed-exitcode'])).code).toBe(0);
  });

  it('replaces an expired store, re-attaches its files and re-points the assistant', async () => {
    const dir = await example('support-bot');
    expect((await cli(dir, ['apply', '-f', '.', '--auto-approve'])).code).toBe(0);
    const before = await state(dir);
    await fx().control('clock', { advance_seconds: 31 * 86_400 });
    const plan = changed(await planJson(dir));
    expect(plan['vector_store.support-kb']).toBe('delete,create');
    expect(plan['assistant.support-bot']).toBe('update');
    const applied = await cli(dir, ['apply', '-f', '.', '--auto-approve']);
    expect(applied.code).toBe(0);
    const after = await state(dir);
    const storeId = after.resources['vector_store.support-kb']?.id as string;
    expect(storeId).not.toBe(before.resources['vector_store.support-kb']?.id);
    const store = await fx().client.vectorStores.retrieve(storeId);
    expect(store).toMatchObject({ status: 'completed', file_counts: { completed: 6, total: 6 } });
    const bot = await fx().client.beta.assistants.retrieve(
      after.resources['assistant.support-bot']?.id as string,
    );
    expect(bot.tool_resources?.file_search?.vector_store_ids).toEqual([storeId]);
    expect((await cli(dir, ['plan', '-f', '.', '--detailed-exitcode'])).code).toBe(0);
  });

  it('names a file that fails to index, finishes the rest, and exits 1', async () => {
    const dir = await oneFileFailsToIndex([
      'assistants:',
      '  bot:',
      '    model: gpt-4o',
      '    tools: [{ type: file_search }]',
      '    tool_resources: { file_search: { vector_stores: [kb] } }',
    ]);
    const run = await cli(dir, ['apply', '--auto-approve']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'error[INDEXING_FAILED]: vector_store_file.kb/docs/empty.md: the file failed to index (invalid_file',
    );
    expect(run.stdout).toContain('Apply finished with errors.');
    // The log has a few lines per phase and a summary per store, not a line per file; the
    // failure is named there once too.
    expect(run.stdout).toMatch(/ vector_store\.kb: 1\/2 attached, 1\/2 indexed \(1 failed\) in /);
    expect(run.stdout).toMatch(/ vector_store_file\.kb\/docs\/empty\.md: FAILED to index: invalid_file/);
    expect(run.stdout).not.toMatch(/: (creating|created)\b/);
    // The rest was done: the assistant exists and the good file is indexed.
    const doc = await state(dir);
    expect(doc.resources['assistant.bot']).toBeDefined();
    const members = await fx().client.vectorStores.files.list(doc.resources['vector_store.kb']?.id as string);
    expect(members.data.map((m) => m.status).sort()).toEqual(['completed', 'failed']);
  });

  it('records a file that failed to index as failed, and the next apply attaches it again until it indexes', async () => {
    const dir = await oneFileFailsToIndex();
    expect((await cli(dir, ['apply', '--auto-approve'])).code).toBe(1);
    const failed = JSON.parse(await readFile(path.join(dir, '.assistants/state.json'), 'utf8')) as {
      resources: Record<string, { failed?: { code: string } }>;
    };
    expect(failed.resources['vector_store_file.kb/docs/empty.md']?.failed).toMatchObject({
      code: 'invalid_file',
    });
    expect(failed.resources['vector_store_file.kb/docs/good.md']?.failed).toBeUndefined();

    // The next plan does not just warn: it attaches the file again, and says why.
    const plan = await cli(dir, ['plan', '--detailed-exitcode']);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain(
      '# vector_store_file.kb/docs/empty.md must be replaced (the file failed to index: attached again)',
    );
    expect(plan.stdout).toContain('Plan: 1 to add, 0 to change, 1 to destroy.');

    // Fixed content: a new upload, attached, indexed; then the stack is converged.
    await writeFile(path.join(dir, 'docs/empty.md'), '# Not empty any more\n');
    const fixed = await cli(dir, ['apply', '--auto-approve']);
    expect(fixed.stderr).not.toContain('error[');
    expect(fixed.code).toBe(0);
    expect((await cli(dir, ['plan', '--detailed-exitcode'])).code).toBe(0);
    const after = await state(dir);
    const members = await fx().client.vectorStores.files.list(
      after.resources['vector_store.kb']?.id as string,
    );
    expect(members.data.map((m) => m.status)).toEqual(['completed', 'completed']);
  });

  it('does not wait for indexing with --no-wait', async () => {
    const dir = await example('knowledge-base');
    const run = await cli(dir, ['apply', '-f', '.', '--auto-approve', '--no-wait']);
    expect(run.code).toBe(0);
    const stats = (await fx().control('stats')) as { requests: Record<string, number> };
    expect(stats.requests['POST /v1/vector_stores/{vector_store_id}/file_batches']).toBe(2);
    expect(stats.requests['GET /v1/vector_stores/{vector_store_id}/file_batches/{batch_id}']).toBeUndefined();
  });

  it('waits for the indexing of more stores than --parallelism at once: a waiting store holds no slot', async () => {
    // Indexing takes an hour of the emulator's clock: with one slot, a store that kept it while it
    // waited would keep the others from ever sending their batches.
    await fx().control('config', { index_delay_ms: 3_600_000 });
    const dir = await workspace({
      'assistants.yaml': [
        'version: 1',
        'vector_stores:',
        ...['a', 'b', 'c'].flatMap((name) => [`  ${name}:`, '    files:', `      - glob: ${name}/*.md`]),
        '',
      ].join('\n'),
      'a/doc.md': 'alpha\n',
      'b/doc.md': 'beta\n',
      'c/doc.md': 'gamma\n',
    });
    const applying = cli(dir, ['apply', '-f', '.', '--auto-approve', '--parallelism', '1']);
    const batches = 'POST /v1/vector_stores/{vector_store_id}/file_batches';
    const polls = 'GET /v1/vector_stores/{vector_store_id}/file_batches/{batch_id}';
    const stats = () => fx().control('stats') as Promise<{ requests: Record<string, number> }>;
    // Every store's batch is sent, and polled, while none has finished indexing.
    await waitFor(stats, (s) => s.requests[batches] === 3 && (s.requests[polls] ?? 0) >= 3);
    await fx().control('clock', { advance_seconds: 3600 });
    const run = await applying;
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Apply complete! Resources: 9 added, 0 changed, 0 destroyed.');
    const after = await state(dir);
    for (const name of ['a', 'b', 'c']) {
      const members = await fx().client.vectorStores.files.list(
        after.resources[`vector_store.${name}`]?.id as string,
      );
      expect(members.data.map((m) => m.status)).toEqual(['completed']);
    }
  });

  it('records protect even when nothing else changes, so destroy refuses the resource', async () => {
    const dir = await example('function-calling');
    expect((await cli(dir, ['apply', '-f', '.', '--auto-approve'])).code).toBe(0);
    const manifest = path.join(dir, 'assistants.yaml');
    const text = await readFile(manifest, 'utf8');
    await writeFile(manifest, text.replace(/^ {4}model: /m, '    protect: true\n    model: '));
    const settled = await cli(dir, ['apply', '-f', '.', '--auto-approve']);
    expect(settled.code).toBe(0);
    expect(settled.stdout).toContain('No changes.');
    const destroy = await cli(dir, ['destroy', '--auto-approve']);
    expect(destroy.code).toBe(1);
    expect(destroy.stderr).toContain('error[PROTECTED_RESOURCE]');
    expect((await fx().client.beta.assistants.list()).data).toHaveLength(1);
  });

  it('keeps the old version of a file whose replacement failed to index, and a store still in use', async () => {
    const manifest = (store: string, model: string) =>
      [
        'version: 1',
        'vector_stores:',
        `  ${store}:`,
        '    files:',
        '      - glob: docs/*.md',
        'assistants:',
        '  bot:',
        `    model: ${model}`,
        '    tools: [{ type: file_search }]',
        `    tool_resources: { file_search: { vector_stores: [${store}] } }`,
        '',
      ].join('\n');
    const dir = await workspace({
      'assistants.yaml': manifest('kb', 'gpt-4o'),
      'docs/a.md': '# A\n\nFirst.\n',
      'docs/b.md': '# B\n\nSecond.\n',
    });
    expect((await cli(dir, ['apply', '--auto-approve'])).code).toBe(0);
    const first = await state(dir);
    const oldB = first.resources['file.docs/b.md']?.id as string;
    const storeId = first.resources['vector_store.kb']?.id as string;

    await writeFile(path.join(dir, 'docs/b.md'), '');
    const failed = await cli(dir, ['apply', '--auto-approve']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('error[INDEXING_FAILED]');
    // The old version is still there and still attached, so search keeps working.
    expect((await fx().client.files.retrieve(oldB)).id).toBe(oldB);
    const members = await fx().client.vectorStores.files.list(storeId);
    expect(members.data.map((m) => m.id)).toContain(oldB);

    await writeFile(path.join(dir, 'docs/b.md'), '# B\n\nSecond, again.\n');
    await writeFile(path.join(dir, 'assistants.yaml'), manifest('kb2', 'no-such-model'));
    const moved = await cli(dir, ['apply', '--auto-approve']);
    expect(moved.code).toBe(1);
    expect(moved.stderr).toContain('warning[STORE_IN_USE]');
    expect((await fx().client.vectorStores.retrieve(storeId)).id).toBe(storeId);
  });

  it('destroys a removed store and the files only it used; destroy leaves nothing the stack made', async () => {
    const dir = await example('knowledge-base');
    expect((await cli(dir, ['apply', '-f', '.', '--auto-approve'])).code).toBe(0);
    const manifest = path.join(dir, 'vector-stores.yaml');
    const text = await readFile(manifest, 'utf8');
    // The release notes go, store and files: nothing else uses those files.
    const withoutNotes = text.slice(0, text.indexOf('  release-notes:'));
    await writeFile(
      manifest,
      withoutNotes.slice(0, withoutNotes.indexOf('files:')) +
        withoutNotes.slice(withoutNotes.indexOf('vector_stores:')),
    );
    const plan = changed(await planJson(dir));
    expect(plan).toEqual({
      'file.release-2-3': 'delete',
      'file.release-2-4': 'delete',
      'vector_store.release-notes': 'delete',
    });
    const removed = await cli(dir, ['apply', '-f', '.', '--auto-approve']);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain('Apply complete! Resources: 0 added, 0 changed, 3 destroyed.');
    expect(removed.stdout).toMatch(/ files: 2\/2 destroyed in /);
    expect(removed.stdout).not.toMatch(/Z file\.\S+: destroy/); // no line per file
    expect((await fx().client.vectorStores.list()).data.map((s) => s.name)).toEqual(['Engineering handbook']);

    // --verbose: a line per call, as each resource goes.
    const destroyed = await cli(dir, ['destroy', '--auto-approve', '--verbose']);
    expect(destroyed.code).toBe(0);
    expect(destroyed.stdout).toContain('Destroy complete! Resources: 5 destroyed.');
    expect(destroyed.stdout).toMatch(/ vector_store\.\S+: destroying\.\.\.\n/);
    expect(destroyed.stdout.match(/ file\.\S+: destroyed\n/g)?.length).toBeGreaterThan(1);
    expect((await fx().client.vectorStores.list()).data).toEqual([]);
    expect((await fx().client.files.list()).data).toEqual([]);
    expect((await state(dir)).resources).toEqual({});
  });

  it('asks before applying on a terminal, and refuses without --auto-approve elsewhere', async () => {
    const dir = await example('function-calling');
    const refused = await cli(dir, ['apply', '-f', '.']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('error[APPROVAL_REQUIRED]');
    const declined = await cli(dir, ['apply', '-f', '.'], { answer: 'no' });
    expect(declined.code).toBe(1);
    expect(declined.stderr).toContain('error[APPLY_CANCELLED]');
    expect((await fx().client.beta.assistants.list()).data).toEqual([]);
    const approved = await cli(dir, ['apply', '-f', '.'], { answer: 'yes' });
    expect(approved.code).toBe(0);
    expect((await fx().client.beta.assistants.list()).data).toHaveLength(1);
  });

  it('applies a saved plan, and refuses it once the state or the manifests moved on', async () => {
    const dir = await example('function-calling');
    expect((await cli(dir, ['plan', '-f', '.', '-o', 'first.plan'])).code).toBe(0);
    expect((await cli(dir, ['plan', '-f', '.', '-o', 'second.plan'])).code).toBe(0);
    const first = await cli(dir, ['apply', '-f', '.', 'first.plan']);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Apply complete! Resources: 1 added');
    const second = await cli(dir, ['apply', '-f', '.', 'second.plan']);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('error[PLAN_STALE]: Saved plan is stale');
    expect((await fx().client.beta.assistants.list()).data).toHaveLength(1);
  });
});
