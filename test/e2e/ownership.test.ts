import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { STAMP_ADDRESS_KEY, STAMP_LINEAGE_KEY } from '../../src/model/stamp.js';
import { useEmulator } from '../helpers/emulator.js';
import { fakeKey } from '../helpers/fake-key.js';
import { runInProcess } from '../helpers/run-cli.js';
import { workspace } from '../helpers/workspace.js';

// Random characters, as real keys are: output loses any 8 characters of the key in a row, so a
// key made of words (`ownership`, `-generate`) would hide those words in the messages checked here.
const KEY = fakeKey('sk-e2e-', 16, 'ownership');
const fx = useEmulator();

function cli(cwd: string, args: string[], env: Record<string, string> = {}) {
  return runInProcess([...args, '--base-url', fx().emulator.url], {
    cwd,
    env: { OPENAI_API_KEY: KEY, CI: 'true', ...env },
  });
}

interface State {
  lineage: string;
  resources: Record<string, { id: string; attributes: Record<string, unknown> }>;
  forgotten?: { id: string }[];
}

async function state(dir: string): Promise<State> {
  return JSON.parse(await readFile(path.join(dir, '.assistants/state.json'), 'utf8')) as State;
}

async function writeState(dir: string, doc: State): Promise<void> {
  await writeFile(path.join(dir, '.assistants/state.json'), `${JSON.stringify(doc, null, 2)}\n`);
}

/** A stack with a store and an assistant searching it, applied. */
async function applied(stack: string, extra = ''): Promise<string> {
  const dir = await workspace({
    'assistants.yaml': [
      'version: 1',
      `stack: ${stack}`,
      'files:',
      `  guide: { path: docs/${stack}-guide.md }`,
      'vector_stores:',
      '  kb:',
      '    files: [guide]',
      extra,
      'assistants:',
      '  bot:',
      '    model: gpt-4o',
      '    tools: [{ type: file_search }]',
      '    tool_resources: { file_search: { vector_stores: [kb] } }',
      '',
    ].join('\n'),
    [`docs/${stack}-guide.md`]: `# ${stack}\n\nThe ${stack} guide.\n`,
  });
  const run = await cli(dir, ['apply', '--auto-approve']);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return dir;
}

describe('ownership: never delete or take over what is not ours', () => {
  it('state rm takes the stamp off (or records the id), so gc --leaked never collects it', async () => {
    const { client } = fx();
    const dir = await applied('alpha');
    const before = await state(dir);
    const storeId = before.resources['vector_store.kb']?.id as string;

    // With the API at hand, the stamp goes: nothing marks the store as this stack's any more.
    const rm = await cli(dir, ['state', 'rm', 'vector_store.kb']);
    expect(rm.code).toBe(0);
    expect(rm.stdout).toContain(
      `vector_store.kb (${storeId}): ownership stamp removed: it is no longer marked as this stack's`,
    );
    expect(rm.stdout).toContain('Removed vector_store_file.kb/guide (with its store vector_store.kb)');
    const store = await client.vectorStores.retrieve(storeId);
    expect(store.metadata).toEqual({});
    expect((await state(dir)).forgotten).toBeUndefined();

    const gc = await cli(dir, ['gc', '--leaked', '--auto-approve']);
    expect(gc.code).toBe(0);
    expect(gc.stdout).toContain('Nothing to collect.');
    expect((await client.vectorStores.retrieve(storeId)).id).toBe(storeId);
  });

  it('with --keep-stamps the id is recorded as forgotten, and gc skips it; a referenced store is kept too', async () => {
    const { client } = fx();
    const dir = await applied('beta');
    const before = await state(dir);
    const storeId = before.resources['vector_store.kb']?.id as string;
    const rm = await cli(dir, ['state', 'rm', 'vector_store.kb', '--keep-stamps']);
    expect(rm.code).toBe(0);
    expect((await state(dir)).forgotten?.map((f) => f.id)).toEqual([storeId]);
    expect((await client.vectorStores.retrieve(storeId)).metadata).toMatchObject({
      [STAMP_LINEAGE_KEY]: before.lineage,
    });
    const gc = await cli(dir, ['gc', '--leaked', '--auto-approve']);
    expect(gc.code).toBe(0);
    expect(gc.stdout).toContain('Nothing to collect.');

    // As 0.4.0 left it: gone from the state with no record, stamp in place; the assistant still
    // searches it, so gc keeps it and says why.
    const doc = await state(dir);
    delete doc.forgotten;
    await writeState(dir, doc);
    const kept = await cli(dir, ['gc', '--leaked', '--auto-approve']);
    expect(kept.code).toBe(0);
    expect(kept.stderr).toContain(
      `warning[STORE_IN_USE]: vector_store.kb (${storeId}) is left in place: it carries this state's stamp but assistant.bot uses it`,
    );
    expect((await client.vectorStores.retrieve(storeId)).id).toBe(storeId);
  });

  it("refuses to destroy, update or re-stamp another stack's store or file that a hand-edited state names", async () => {
    const { client } = fx();
    const other = await applied('gamma', '    protect: true');
    const theirs = await state(other);
    const theirStore = theirs.resources['vector_store.kb']?.id as string;
    const theirFile = theirs.resources['file.guide']?.id as string;
    const ours = await applied('delta');
    const mine = await state(ours);

    // A bad merge: our state now names their store (and, separately, their file).
    const edited = structuredClone(mine);
    const kb = edited.resources['vector_store.kb'];
    const member = edited.resources['vector_store_file.kb/guide'];
    if (!kb || !member) throw new Error('fixture');
    kb.id = theirStore;
    member.attributes.vector_store_id = theirStore;
    await writeState(ours, edited);

    for (const command of [['destroy'], ['apply']]) {
      const run = await cli(ours, [...command, '--auto-approve']);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(
        `error[OWNED_ELSEWHERE]: vector_store.kb (${theirStore}) belongs to another state: its ownership stamp names lineage ${theirs.lineage}, address vector_store.kb`,
      );
    }
    const store = await client.vectorStores.retrieve(theirStore);
    expect(store.metadata).toMatchObject({
      [STAMP_LINEAGE_KEY]: theirs.lineage,
      [STAMP_ADDRESS_KEY]: 'vector_store.kb',
    });
    expect((await client.vectorStores.files.list(theirStore)).data.map((f) => f.id)).toEqual([theirFile]);

    // A store made in the dashboard carries no stamp; the state recorded ours: refused too.
    const dashboard = await client.vectorStores.create({ name: 'made by hand', metadata: { team: 'ops' } });
    const third = structuredClone(mine);
    const held = third.resources['vector_store.kb'];
    const attached = third.resources['vector_store_file.kb/guide'];
    if (!held || !attached) throw new Error('fixture');
    held.id = dashboard.id;
    attached.attributes.vector_store_id = dashboard.id;
    await writeState(ours, third);
    const refused = await cli(ours, ['destroy', '--auto-approve']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `error[OWNED_ELSEWHERE]: vector_store.kb (${dashboard.id}) carries no ownership stamp, though this state recorded it as stamped`,
    );
    expect((await client.vectorStores.retrieve(dashboard.id)).metadata).toEqual({ team: 'ops' });

    // Their file under our file's address: its name and size give it away.
    const second = structuredClone(mine);
    const guide = second.resources['file.guide'];
    if (!guide) throw new Error('fixture');
    guide.id = theirFile;
    await writeState(ours, second);
    const destroy = await cli(ours, ['destroy', '--auto-approve']);
    expect(destroy.code).toBe(1);
    expect(destroy.stderr).toContain(
      `error[FILE_IDENTITY_MISMATCH]: file.guide (${theirFile}) is not the file this state uploaded: the API has "gamma-guide.md"`,
    );
    expect((await client.files.retrieve(theirFile)).id).toBe(theirFile);

    // A journal entry naming their file as an old half of ours: checked by name and size first.
    const fourth = structuredClone(mine) as State & { pending: unknown[] };
    fourth.pending = [
      {
        id: 'op-hostile',
        address: 'file.guide',
        kind: 'file',
        operation: 'delete',
        started_at: new Date().toISOString(),
        resource_id: theirFile,
        match: { filename: 'delta-guide.md', bytes: 24 },
      },
    ];
    await writeState(ours, fourth);
    const settle = await cli(ours, ['apply', '--auto-approve']);
    expect(settle.code).toBe(1);
    expect(settle.stderr).toContain(
      `error[FILE_IDENTITY_MISMATCH]: file.guide (${theirFile}), the old half of a replacement, is not the file this state uploaded`,
    );
    expect((await client.files.retrieve(theirFile)).id).toBe(theirFile);
    expect(((await state(ours)) as State & { pending: unknown[] }).pending).toEqual([]);

    // Their own stack is untouched and still plans clean.
    expect((await cli(other, ['plan', '--detailed-exitcode'])).code).toBe(0);
  });

  it('a saved plan made against no state applies in one folder only, and its lineage is never copied', async () => {
    const { client } = fx();
    const first = await workspace({
      'assistants.yaml': 'version: 1\nvector_stores:\n  kb: { files: [{ glob: docs/*.md }] }\n',
      'docs/a.md': '# A\n',
    });
    const planned = await cli(first, ['plan', '-o', 'p.json']);
    expect(planned.code).toBe(0);
    const second = await workspace({});
    await cp(first, second, { recursive: true });
    const saved = JSON.parse(await readFile(path.join(first, 'p.json'), 'utf8')) as { lineage: string };

    expect((await cli(first, ['apply', 'p.json'])).code).toBe(0);
    // Lineage is born in the state: not the one the plan file holds.
    const born = (await state(first)).lineage;
    expect(born).not.toBe(saved.lineage);

    const again = await cli(second, ['apply', 'p.json']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('error[PLAN_STALE]: Saved plan is stale:');
    expect(again.stderr).toContain('a file it uploads, was uploaded after it was saved');
    expect((await client.vectorStores.list({ limit: 100 })).data).toHaveLength(1);

    // As an earlier version left it: a state that took the plan's lineage. Its stamps give it away.
    const doc = await state(first);
    const storeId = doc.resources['vector_store.kb']?.id as string;
    await client.vectorStores.update(storeId, {
      metadata: { [STAMP_LINEAGE_KEY]: saved.lineage, [STAMP_ADDRESS_KEY]: 'vector_store.kb' },
    });
    const third = await workspace({});
    await cp(second, third, { recursive: true });
    const stamped = await cli(third, ['apply', 'p.json']);
    expect(stamped.code).toBe(1);
    expect(stamped.stderr).toContain(`carries its lineage ${saved.lineage}: the plan was applied elsewhere`);

    // gc in the first folder has nothing to collect of anyone else's.
    await client.vectorStores.update(storeId, {
      metadata: { [STAMP_LINEAGE_KEY]: born, [STAMP_ADDRESS_KEY]: 'vector_store.kb' },
    });
    const gc = await cli(first, ['gc', '--auto-approve']);
    expect(gc.stdout).toContain('Nothing to collect.');
  });

  it('a saved plan of files alone cannot be applied twice either: its uploads give it away', async () => {
    const first = await workspace({
      'assistants.yaml': 'version: 1\nfiles:\n  guide: { path: docs/guide.md }\n',
      'docs/guide.md': '# Guide\n',
    });
    expect((await cli(first, ['plan', '-o', 'p.json'])).code).toBe(0);
    const second = await workspace({});
    await cp(first, second, { recursive: true });
    expect((await cli(first, ['apply', 'p.json'])).code).toBe(0);
    const again = await cli(second, ['apply', 'p.json']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('a file it uploads, was uploaded after it was saved');
  });
});

describe("ownership: a state that copied another stack's lineage, or names its ids", () => {
  /** Every id and stamp the account holds, to compare before and after an attack. */
  async function snapshot() {
    const { client } = fx();
    const stores = (await client.vectorStores.list({ limit: 100 })).data;
    const members = await Promise.all(
      stores.map(async (s) => [
        s.id,
        (await client.vectorStores.files.list(s.id)).data.map((m) => m.id).sort(),
      ]),
    );
    return JSON.stringify({
      stores: stores.map((s) => [s.id, s.metadata]).sort(),
      members: members.sort(),
      assistants: (await client.beta.assistants.list({ limit: 100 })).data
        .map((a) => [a.id, a.metadata])
        .sort(),
      files: (await client.files.list()).data.map((f) => f.id).sort(),
    });
  }

  it('journal settlement and gc --leaked take nothing of the stack whose lineage was copied', async () => {
    const victim = await applied('victim', '    protect: true');
    const attacker = await applied('attacker');
    const v = await state(victim);
    const before = await snapshot();
    const bot = await fx().client.beta.assistants.retrieve(v.resources['assistant.bot']?.id as string);
    const startedAt = new Date((bot.created_at - 2) * 1000).toISOString();

    // The attacker's state takes the victim's lineage, and journals "lost" creates of its addresses.
    const doc = (await state(attacker)) as State & { pending: unknown[] };
    doc.lineage = v.lineage;
    doc.pending = ['assistant.bot', 'vector_store.kb'].map((address, i) => ({
      id: `33333333-3333-4333-8333-33333333333${i}`,
      address,
      kind: address.split('.')[0],
      operation: 'create',
      started_at: startedAt,
    }));
    await writeState(attacker, doc);
    const settle = await cli(attacker, ['apply', '--auto-approve']);
    expect(settle.code).toBe(1);
    expect(settle.stderr).toContain('error[OWNED_ELSEWHERE]');
    expect(settle.stderr).not.toContain('Settled');

    const gc = await cli(attacker, ['gc', '--leaked', '--auto-approve']);
    expect(gc.code).toBe(1);
    expect(gc.stderr).toContain('error[OWNED_ELSEWHERE]');
    expect(await snapshot()).toBe(before);
  });

  it("--target, or a journalled detach, cannot reach another stack's store through a swapped id", async () => {
    const victim = await applied('victim2', '    protect: true');
    const attacker = await applied('attacker2');
    const v = await state(victim);
    const storeId = v.resources['vector_store.kb']?.id as string;
    const fileId = v.resources['file.guide']?.id as string;
    const before = await snapshot();

    const doc = (await state(attacker)) as State & { pending: unknown[] };
    const kb = doc.resources['vector_store.kb'];
    if (!kb) throw new Error('fixture');
    kb.id = storeId;
    doc.resources['vector_store_file.kb/zz'] = {
      kind: 'vector_store_file',
      id: fileId,
      protect: false,
      dependencies: [],
      attributes: {
        vector_store_id: storeId,
        file_id: fileId,
        attributes: {},
        chunking_strategy: { max_chunk_size_tokens: 800, chunk_overlap_tokens: 400 },
      },
    } as unknown as State['resources'][string];
    await writeState(attacker, doc);
    const targeted = await cli(attacker, ['apply', '--auto-approve', '--target', 'vector_store_file.kb/zz']);
    expect(targeted.code).toBe(1);
    expect(targeted.stderr).toContain('error[OWNED_ELSEWHERE]');

    delete doc.resources['vector_store_file.kb/zz'];
    doc.pending = [
      {
        id: '44444444-4444-4444-8444-444444444444',
        address: 'vector_store_file.kb/guide',
        kind: 'vector_store_file',
        operation: 'delete',
        started_at: new Date().toISOString(),
        resource_id: fileId,
        match: { vector_store_id: storeId, file_id: fileId },
      },
    ];
    await writeState(attacker, doc);
    const journal = await cli(attacker, ['apply', '--auto-approve', '--target', 'file.guide']);
    expect(journal.code).toBe(1);
    expect(journal.stderr).toContain('error[OWNED_ELSEWHERE]');
    expect(await snapshot()).toBe(before);
  });

  it('the journal never adopts or deletes an id that state rm let go of', async () => {
    const dir = await applied('epsilon');
    const storeId = (await state(dir)).resources['vector_store.kb']?.id as string;
    const store = await fx().client.vectorStores.retrieve(storeId);
    expect((await cli(dir, ['state', 'rm', 'vector_store.kb', '--keep-stamps'])).code).toBe(0);
    const doc = (await state(dir)) as State & { pending: unknown[] };
    doc.pending = [
      {
        id: '55555555-5555-4555-8555-555555555555',
        address: 'vector_store.kb',
        kind: 'vector_store',
        operation: 'create',
        started_at: new Date((store.created_at - 3) * 1000).toISOString(),
      },
      {
        id: '55555555-5555-4555-8555-555555555556',
        address: 'assistant.gone',
        kind: 'assistant',
        operation: 'delete',
        started_at: new Date().toISOString(),
        resource_id: 'asst_not_in_the_state',
      },
    ];
    await writeState(dir, doc);
    const run = await cli(dir, ['apply', '--auto-approve']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('Settled 2 calls an earlier run left unconfirmed: adopted 0, cleaned up 0.');
    expect((await fx().client.vectorStores.retrieve(storeId)).id).toBe(storeId);
    // The store was made anew under the address; the journal is empty, not stuck.
    const after = (await state(dir)) as State & { pending: unknown[] };
    expect(after.resources['vector_store.kb']?.id).not.toBe(storeId);
    expect(after.pending).toEqual([]);
  });
});
