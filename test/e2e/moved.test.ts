import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../helpers/emulator.js';
import { fakeKey } from '../helpers/fake-key.js';
import { requestDelta } from '../helpers/make-stack.js';
import { runInProcess } from '../helpers/run-cli.js';
import { workspace } from '../helpers/workspace.js';

const KEY = fakeKey('sk-e2e-', 16, 'moved');
const fx = useEmulator();

function cli(cwd: string, args: string[], env: Record<string, string> = { OPENAI_API_KEY: KEY }) {
  return runInProcess([...args, '--base-url', fx().emulator.url], { cwd, env: { CI: 'true', ...env } });
}

/** A store of a globbed folder and a declared file, searched by an assistant. */
function manifest(options: { store?: string; folder?: string; name?: string; moved?: string[] } = {}) {
  const store = options.store ?? 'kb';
  const folder = options.folder ?? 'docs';
  return [
    'version: 1',
    'files:',
    '  handbook: { path: handbook.md }',
    'vector_stores:',
    `  ${store}:`,
    ...(options.name ? [`    name: ${options.name}`] : []),
    '    files:',
    '      - handbook',
    `      - glob: ${folder}/*.md`,
    'assistants:',
    '  bot:',
    '    model: gpt-4o',
    '    tools: [{ type: file_search }]',
    `    tool_resources: { file_search: { vector_stores: [${store}] } }`,
    ...(options.moved ? ['moved:', ...options.moved.map((m) => `  - ${m}`)] : []),
    '',
  ].join('\n');
}

const FILES = {
  'handbook.md': '# Handbook\n\nBe kind.\n',
  'docs/faq.md': '# FAQ\n\nReset your password with the link.\n',
  'docs/pricing.md': '# Pricing\n\nTen euros a month.\n',
};

async function stateIds(dir: string): Promise<Record<string, string>> {
  const doc = JSON.parse(await readFile(path.join(dir, '.assistants/state.json'), 'utf8')) as {
    resources: Record<string, { id: string }>;
  };
  return Object.fromEntries(Object.entries(doc.resources).map(([address, r]) => [address, r.id]));
}

/** The POST and DELETE requests made while `work` runs, by route. */
async function mutating(work: () => Promise<unknown>): Promise<Record<string, number>> {
  const stats = async () => ((await fx().control('stats')) as { requests: Record<string, number> }).requests;
  const before = await stats();
  await work();
  const delta = requestDelta(before, await stats());
  return Object.fromEntries(Object.entries(delta).filter(([route]) => /^(POST|DELETE) /.test(route)));
}

interface PlanJson {
  summary: { add: number; change: number; destroy: number };
  resource_changes: { address: string; previous_address?: string; change: { actions: string[] } }[];
}

async function planJson(dir: string): Promise<PlanJson> {
  const run = await cli(dir, ['plan', '--json']);
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as PlanJson;
}

/** `ADDRESS <- PREVIOUS: ACTIONS` for every moved change. */
function movedChanges(plan: PlanJson): string[] {
  return plan.resource_changes
    .filter((c) => c.previous_address)
    .map((c) => `${c.address} <- ${c.previous_address}: ${c.change.actions.join(',')}`);
}

async function appliedStack(options: { name?: string } = {}) {
  const dir = await workspace({ 'assistants.yaml': manifest(options), ...FILES });
  const first = await cli(dir, ['apply', '--auto-approve']);
  expect(first.stderr).toBe('');
  expect(first.code).toBe(0);
  return { dir, ids: await stateIds(dir) };
}

async function expectNoChanges(dir: string) {
  const again = await cli(dir, ['plan', '--detailed-exitcode']);
  expect(again.stderr).toBe('');
  expect(again.stdout).toContain('No changes.');
  expect(again.code).toBe(0);
}

describe('moved: renames without re-creating', () => {
  it('renames a store key: 0 to add, 0 to destroy, and apply only updates the store name and stamp', async () => {
    const { dir, ids } = await appliedStack();
    await writeFile(
      path.join(dir, 'assistants.yaml'),
      manifest({ store: 'support-kb', moved: ['{ from: vector_store.kb, to: vector_store.support-kb }'] }),
    );

    const plan = await planJson(dir);
    expect(plan.summary).toEqual({ add: 0, change: 1, destroy: 0 });
    expect(movedChanges(plan)).toEqual([
      'vector_store.support-kb <- vector_store.kb: update',
      'vector_store_file.support-kb/docs/faq.md <- vector_store_file.kb/docs/faq.md: no-op',
      'vector_store_file.support-kb/docs/pricing.md <- vector_store_file.kb/docs/pricing.md: no-op',
      'vector_store_file.support-kb/handbook <- vector_store_file.kb/handbook: no-op',
    ]);
    const text = await cli(dir, ['plan', '--detailed-exitcode', '--no-color']);
    expect(text.code).toBe(2);
    expect(text.stdout).toContain(
      '# vector_store.support-kb will be updated in-place\n  # (moved from vector_store.kb)',
    );
    expect(text.stdout).toContain(
      '# vector_store_file.kb/handbook has moved to vector_store_file.support-kb/handbook',
    );
    expect(text.stdout).toContain('Plan: 0 to add, 1 to change, 0 to destroy.');

    const calls = await mutating(async () => {
      const applied = await cli(dir, ['apply', '--auto-approve']);
      expect(applied.stderr).toBe('');
      expect(applied.stdout).toContain('Apply complete! Resources: 0 added, 1 changed, 0 destroyed.');
    });
    // The store's name (it defaults to the key) and stamp: one update, nothing uploaded or deleted.
    expect(calls).toEqual({ 'POST /v1/vector_stores/{vector_store_id}': 1 });

    const after = await stateIds(dir);
    expect(after['vector_store.support-kb']).toBe(ids['vector_store.kb']);
    expect(after['vector_store.kb']).toBeUndefined();
    expect(after['vector_store_file.support-kb/docs/faq.md']).toBe(ids['vector_store_file.kb/docs/faq.md']);
    const store = await fx().client.vectorStores.retrieve(ids['vector_store.kb'] as string);
    expect(store.name).toBe('support-kb');
    expect(store.metadata).toMatchObject({ assistants_iac_address: 'vector_store.support-kb' });
    await expectNoChanges(dir);

    // Nothing the rename touched looks leaked.
    const gc = await cli(dir, ['gc', '--leaked', '--dry-run']);
    expect(gc.stderr).toBe('');
    expect(gc.stdout).toContain('Nothing to collect.');
  });

  it('moves a globbed folder with a prefix move: no upload, no delete, no call at all', async () => {
    const { dir, ids } = await appliedStack();
    await rename(path.join(dir, 'docs'), path.join(dir, 'guides'));
    await writeFile(
      path.join(dir, 'assistants.yaml'),
      manifest({ folder: 'guides', moved: ['{ from: file.docs/, to: file.guides/ }'] }),
    );

    const plan = await planJson(dir);
    expect(plan.summary).toEqual({ add: 0, change: 0, destroy: 0 });
    expect(movedChanges(plan)).toEqual([
      'file.guides/faq.md <- file.docs/faq.md: no-op',
      'file.guides/pricing.md <- file.docs/pricing.md: no-op',
      'vector_store_file.kb/guides/faq.md <- vector_store_file.kb/docs/faq.md: no-op',
      'vector_store_file.kb/guides/pricing.md <- vector_store_file.kb/docs/pricing.md: no-op',
    ]);

    const calls = await mutating(async () => {
      const applied = await cli(dir, ['apply', '--auto-approve']);
      expect(applied.stderr).toBe('');
      expect(applied.code).toBe(0);
      expect(applied.stdout).toContain('Apply complete! Resources: 0 added, 0 changed, 0 destroyed.');
    });
    expect(calls).toEqual({});
    const after = await stateIds(dir);
    expect(after['file.guides/faq.md']).toBe(ids['file.docs/faq.md']);
    expect(after['vector_store_file.kb/guides/pricing.md']).toBe(ids['vector_store_file.kb/docs/pricing.md']);
    expect(Object.keys(after).some((a) => a.includes('docs/'))).toBe(false);
    await expectNoChanges(dir);
  });

  it('applies a saved plan with moves, and a second apply of the same manifests finds nothing to move', async () => {
    const { dir, ids } = await appliedStack({ name: 'Knowledge' });
    await writeFile(
      path.join(dir, 'assistants.yaml'),
      manifest({
        store: 'support-kb',
        name: 'Knowledge',
        moved: ['{ from: vector_store.kb, to: vector_store.support-kb }'],
      }),
    );
    const saved = await cli(dir, ['plan', '-o', 'moves.plan']);
    expect(saved.code).toBe(0);
    const applied = await cli(dir, ['apply', 'moves.plan']);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect((await stateIds(dir))['vector_store.support-kb']).toBe(ids['vector_store.kb']);
    // The moved: entry stays in the manifests, naming nothing the state holds any more.
    await expectNoChanges(dir);
  });

  it('refuses to move onto an address the state holds too, and makes no call', async () => {
    const { dir } = await appliedStack();
    await writeFile(
      path.join(dir, 'assistants.yaml'),
      manifest({ store: 'kb', moved: ['{ from: file.handbook, to: file.docs/faq.md }'] })
        .replace('  handbook: { path: handbook.md }', '  other: { path: handbook.md }')
        .replace('      - handbook\n', '      - other\n'),
    );
    const calls = await mutating(async () => {
      const run = await cli(dir, ['apply', '--auto-approve']);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(
        'error[MOVE_TARGET_EXISTS]: cannot move file.handbook to file.docs/faq.md: the state already holds file.docs/faq.md',
      );
    });
    expect(calls).toEqual({});
  });
});

describe('state mv', () => {
  it('renames a store with its memberships; a manifest renamed the same way then plans no changes', async () => {
    const { dir, ids } = await appliedStack({ name: 'Knowledge' });
    const dry = await cli(dir, ['state', 'mv', 'vector_store.kb', 'vector_store.support-kb', '--dry-run']);
    expect(dry.stderr).toBe('');
    expect(dry.stdout).toContain('Would move vector_store.kb to vector_store.support-kb\n');
    expect(dry.stdout).toContain('Would move 4 resources in');
    expect(Object.keys(await stateIds(dir))).toContain('vector_store.kb');

    const moved = await cli(dir, ['state', 'mv', 'vector_store.kb', 'vector_store.support-kb']);
    expect(moved.stderr).toBe('');
    expect(moved.code).toBe(0);
    expect(moved.stdout).toContain(
      'Moved vector_store_file.kb/handbook to vector_store_file.support-kb/handbook\n',
    );
    expect(moved.stdout).toContain(
      `vector_store.support-kb (${ids['vector_store.kb']}): ownership stamp now names its new address`,
    );
    const after = await stateIds(dir);
    expect(after['vector_store.support-kb']).toBe(ids['vector_store.kb']);
    expect(after['vector_store_file.support-kb/docs/faq.md']).toBe(ids['vector_store_file.kb/docs/faq.md']);

    await writeFile(path.join(dir, 'assistants.yaml'), manifest({ store: 'support-kb', name: 'Knowledge' }));
    await expectNoChanges(dir);
  });

  it('moves a prefix; without a key the stamp is left for the next apply, which the plan accepts', async () => {
    const { dir, ids } = await appliedStack({ name: 'Knowledge' });
    const moved = await cli(dir, ['state', 'mv', 'file.docs/', 'file.guides/']);
    expect(moved.code).toBe(0);
    expect(moved.stdout).toContain('Moved 4 resources in');
    await rename(path.join(dir, 'docs'), path.join(dir, 'guides'));
    await writeFile(path.join(dir, 'assistants.yaml'), manifest({ folder: 'guides', name: 'Knowledge' }));
    await expectNoChanges(dir);

    const store = await cli(dir, ['state', 'mv', 'vector_store.kb', 'vector_store.support-kb'], {});
    expect(store.code).toBe(0);
    expect(store.stdout).toContain('still names the old address (OPENAI_API_KEY is not set)');
    await writeFile(
      path.join(dir, 'assistants.yaml'),
      manifest({ store: 'support-kb', folder: 'guides', name: 'Knowledge' }),
    );
    const plan = await planJson(dir);
    expect(plan.summary).toEqual({ add: 0, change: 1, destroy: 0 });
    // Before apply writes the new stamp, gc takes nothing for a leak either.
    const gc = await cli(dir, ['gc', '--leaked', '--dry-run']);
    expect(gc.stderr).toBe('');
    expect(gc.stdout).toContain('Nothing to collect.');
    const applied = await cli(dir, ['apply', '--auto-approve']);
    expect(applied.stderr).toBe('');
    expect((await stateIds(dir))['vector_store.support-kb']).toBe(ids['vector_store.kb']);
    await expectNoChanges(dir);
  });

  it('refuses FROM not in the state, TO already in it, and two kinds, changing nothing', async () => {
    const { dir } = await appliedStack();
    const before = await readFile(path.join(dir, '.assistants/state.json'), 'utf8');
    const missing = await cli(dir, ['state', 'mv', 'vector_store.nope', 'vector_store.x']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('error[RESOURCE_NOT_IN_STATE]: vector_store.nope is not in');
    const taken = await cli(dir, ['state', 'mv', 'file.handbook', 'file.docs/faq.md']);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain(
      'error[MOVE_TARGET_EXISTS]: cannot move file.handbook to file.docs/faq.md: the state already holds file.docs/faq.md',
    );
    const kinds = await cli(dir, ['state', 'mv', 'file.handbook', 'vector_store.handbook']);
    expect(kinds.code).toBe(1);
    expect(kinds.stderr).toContain(
      'error[MOVE_INVALID]: file.handbook and vector_store.handbook are of different kinds',
    );
    const malformed = await cli(dir, ['state', 'mv', 'kb', 'vector_store.kb2']);
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toContain("error[INVALID_ADDRESS]: 'kb' is not a resource address");
    expect(await readFile(path.join(dir, '.assistants/state.json'), 'utf8')).toBe(before);
  });
});
