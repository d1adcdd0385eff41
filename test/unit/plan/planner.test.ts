import { describe, expect, it } from 'vitest';
import { UNKNOWN } from '../../../src/model/attributes.js';
import { planHasChanges, summarizePlan } from '../../../src/model/plan.js';
import { STAMP_ADDRESS_KEY, STAMP_LINEAGE_KEY } from '../../../src/model/stamp.js';
import {
  actions,
  appliedState,
  assistant,
  desired,
  file,
  hashesOf,
  LINEAGE,
  liveFromState,
  member,
  planOf,
  store,
} from '../../helpers/planner-builders.js';

/** A stack with one of everything: two files in a store, an assistant using both. */
function stack() {
  return desired({
    files: [file('faq'), file('guide')],
    vectorStores: [store('kb', { chunking_strategy: { type: 'auto' } })],
    memberships: [member('kb', 'faq', { attributes: { lang: 'en' } }), member('kb', 'guide')],
    assistants: [
      assistant('bot', {
        tools: [{ type: 'file_search' }, { type: 'code_interpreter' }],
        toolResources: {
          file_search: { vector_stores: ['kb'], vector_store_ids: [] },
          code_interpreter: { files: ['guide'], file_ids: ['file-unmanaged'] },
        },
        temperature: 0.3,
      }),
    ],
  });
}

describe('planner: creating', () => {
  it('plans every resource of a fresh stack as a create, in dependency order', () => {
    const plan = planOf({ desired: stack() });
    expect(plan.changes.map((c) => `${c.action} ${c.address}`)).toEqual([
      'create file.faq',
      'create file.guide',
      'create vector_store.kb',
      'create vector_store_file.kb/faq',
      'create vector_store_file.kb/guide',
      'create assistant.bot',
    ]);
    expect(plan.changes.every((c) => c.reason === 'new' && c.before === null && c.id === null)).toBe(true);
    expect(summarizePlan(plan)).toEqual({ add: 6, change: 0, destroy: 0 });
    expect(plan.serial).toBe(0);
    expect(plan.drift).toEqual([]);
  });

  it('plans a file the hash step did not read as a create whose hash is known after apply', () => {
    const d = desired({ files: [file('faq'), file('guide')] });
    const plan = planOf({ desired: d, hashes: new Map([['guide', 'sha-guide']]) });
    expect(plan.changes.map((c) => [c.address, c.action, (c.after as { sha256: unknown }).sha256])).toEqual([
      ['file.faq', 'create', UNKNOWN],
      ['file.guide', 'create', 'sha-guide'],
    ]);
  });

  it('marks ids of resources yet to be made as known after apply, and keeps raw ids', () => {
    const plan = planOf({ desired: stack() });
    const bot = plan.changes.find((c) => c.address === 'assistant.bot');
    expect(bot?.after).toMatchObject({
      tool_resources: {
        file_search: { vector_store_ids: [UNKNOWN] },
        code_interpreter: { file_ids: [UNKNOWN, 'file-unmanaged'] },
      },
    });
    expect(bot?.dependencies).toEqual(['file.guide', 'vector_store.kb']);
    const faq = plan.changes.find((c) => c.address === 'vector_store_file.kb/faq');
    expect(faq?.after).toEqual({
      vector_store_id: UNKNOWN,
      file_id: UNKNOWN,
      attributes: { lang: 'en' },
      chunking_strategy: { max_chunk_size_tokens: 800, chunk_overlap_tokens: 400 },
    });
  });

  it('stamps stores and assistants with the lineage and their address', () => {
    const plan = planOf({ desired: stack() });
    const kb = plan.changes.find((c) => c.address === 'vector_store.kb');
    expect(kb?.after).toMatchObject({
      metadata: { [STAMP_LINEAGE_KEY]: LINEAGE, [STAMP_ADDRESS_KEY]: 'vector_store.kb' },
    });
  });
});

describe('planner: in sync', () => {
  it('plans nothing for an applied stack whose live view matches', () => {
    const d = stack();
    const s = appliedState(d);
    const plan = planOf({ desired: d, state: s, live: liveFromState(s) });
    expect(new Set(plan.changes.map((c) => c.action))).toEqual(new Set(['no-op']));
    expect(plan.drift).toEqual([]);
    expect(planHasChanges(plan)).toBe(false);
    expect(plan.serial).toBe(3);
  });

  it('uses the state alone with --refresh=false (no drift can be seen)', () => {
    const d = stack();
    const s = appliedState(d);
    const plan = planOf({ desired: d, state: s, live: undefined });
    expect(plan.refreshed).toBe(false);
    expect(planHasChanges(plan)).toBe(false);
  });
});

describe('planner: drift and outside deletion', () => {
  it('reports an outside change in the drift section and plans it back', () => {
    const d = stack();
    const s = appliedState(d);
    const live = liveFromState(s);
    const bot = live.assistants.get('asst_bot');
    if (!bot) throw new Error('fixture');
    bot.attributes = {
      ...bot.attributes,
      temperature: 0.9,
      metadata: { ...bot.attributes.metadata, by: 'hand' },
    };
    const plan = planOf({ desired: d, state: s, live });
    expect(plan.drift).toMatchObject([
      { address: 'assistant.bot', action: 'update', changedPaths: ['temperature', 'metadata'] },
    ]);
    const change = plan.changes.find((c) => c.address === 'assistant.bot');
    expect(change).toMatchObject({
      action: 'update',
      reason: 'changed',
      changedPaths: ['temperature', 'metadata'],
    });
    expect(change?.before).toMatchObject({ temperature: 0.9 });
    expect(change?.after).toMatchObject({ temperature: 0.3 });
    expect(planHasChanges(plan)).toBe(true);
  });

  it('re-creates what was deleted outside, with the drift recorded', () => {
    const d = stack();
    const s = appliedState(d);
    const live = liveFromState(s);
    live.files.delete('file-faq');
    live.members.get('vs_kb')?.delete('file-faq'); // deleting a file detaches it everywhere
    const plan = planOf({ desired: d, state: s, live });
    expect(actions(plan)).toMatchObject({
      'file.faq': 'create (deleted_outside)',
      'vector_store_file.kb/faq': 'create (deleted_outside)',
      'file.guide': 'no-op (unchanged)',
    });
    expect(plan.drift.map((x) => `${x.action} ${x.address}`)).toEqual([
      'delete file.faq',
      'delete vector_store_file.kb/faq',
    ]);
  });

  it('forgets a resource already gone that the manifests dropped: drift only, no delete', () => {
    const d = stack();
    const s = appliedState(d);
    const live = liveFromState(s);
    live.assistants.delete('asst_bot');
    const plan = planOf({ desired: { ...d, assistants: [] }, state: s, live });
    expect(plan.changes.find((c) => c.address === 'assistant.bot')).toBeUndefined();
    expect(plan.drift).toMatchObject([{ address: 'assistant.bot', action: 'delete' }]);
    expect(summarizePlan(plan).destroy).toBe(0);
    expect(planHasChanges(plan)).toBe(true);
  });
});

describe('planner: replacements', () => {
  it('replaces an expired store, delete first, with its members, and updates who uses it', () => {
    const d = stack();
    const s = appliedState(d);
    const live = liveFromState(s);
    const kb = live.vectorStores.get('vs_kb');
    if (!kb) throw new Error('fixture');
    kb.status = 'expired';
    live.members.delete('vs_kb'); // refresh does not list an expired store's files
    const plan = planOf({ desired: d, state: s, live });
    expect(actions(plan)).toMatchObject({
      'vector_store.kb': 'delete-create (expired)',
      'vector_store_file.kb/faq': 'delete-create (dependency_replaced)',
      'vector_store_file.kb/guide': 'delete-create (dependency_replaced)',
      'assistant.bot': 'update (changed)',
    });
    expect(plan.changes.find((c) => c.address === 'vector_store_file.kb/faq')?.replacePaths).toEqual([
      'vector_store_id',
    ]);
    expect(plan.changes.find((c) => c.address === 'assistant.bot')?.after).toMatchObject({
      tool_resources: { file_search: { vector_store_ids: [UNKNOWN] } },
    });
    expect(plan.drift).toEqual([]);
    expect(summarizePlan(plan)).toEqual({ add: 3, change: 1, destroy: 3 });
  });

  it('uploads a file whose bytes changed before removing the old one, and re-wires its users', () => {
    const d = stack();
    const s = appliedState(d);
    const plan = planOf({
      desired: d,
      state: s,
      live: liveFromState(s),
      hashes: hashesOf(d, { guide: 'sha-guide-v2' }),
    });
    const guide = plan.changes.find((c) => c.address === 'file.guide');
    expect(guide).toMatchObject({
      action: 'create-delete',
      reason: 'content_changed',
      replacePaths: ['sha256'],
    });
    expect(guide?.changedPaths).toEqual(['sha256']);
    expect(actions(plan)).toMatchObject({
      'vector_store_file.kb/guide': 'create-delete (dependency_replaced)',
      'vector_store_file.kb/faq': 'no-op (unchanged)',
      'assistant.bot': 'update (changed)',
    });
    expect(plan.changes.find((c) => c.address === 'assistant.bot')?.after).toMatchObject({
      tool_resources: { code_interpreter: { file_ids: [UNKNOWN, 'file-unmanaged'] } },
    });
  });

  it('replaces a file whose purpose or name changed; a moved file with the same name is no change', () => {
    const d = desired({ files: [file('a', { relativePath: 'a/data.csv' }), file('b')] });
    const s = appliedState(d);
    const moved = desired({
      files: [file('a', { relativePath: 'b/data.csv' }), file('b', { purpose: 'user_data' })],
    });
    const plan = planOf({ desired: moved, state: s, live: liveFromState(s) });
    expect(actions(plan)).toEqual({
      'file.a': 'no-op (unchanged)',
      'file.b': 'create-delete (cannot_update)',
    });
    expect(plan.changes[1]?.replacePaths).toEqual(['purpose']);
  });
});

describe('planner: membership', () => {
  it('updates attributes in place, re-attaches on chunking change, adds and removes members', () => {
    const d = stack();
    const s = appliedState(d);
    const next = desired({
      ...d,
      files: [...d.files, file('new')],
      vectorStores: [
        store('kb', {
          chunking_strategy: {
            type: 'static',
            static: { max_chunk_size_tokens: 400, chunk_overlap_tokens: 100 },
          },
        }),
      ],
      memberships: [member('kb', 'faq', { attributes: { lang: 'de' } }), member('kb', 'new')],
    });
    const plan = planOf({ desired: next, state: s, live: liveFromState(s) });
    expect(actions(plan)).toMatchObject({
      'vector_store_file.kb/faq': 'delete-create (cannot_update)',
      'vector_store_file.kb/new': 'create (new)',
      'vector_store_file.kb/guide': 'delete (not_in_manifest)',
      'vector_store.kb': 'no-op (unchanged)',
    });
    const faq = plan.changes.find((c) => c.address === 'vector_store_file.kb/faq');
    expect(faq?.replacePaths).toEqual(['chunking_strategy']);
    expect(faq?.changedPaths).toEqual(['attributes', 'chunking_strategy']);

    const attrsOnly = desired({
      ...d,
      memberships: [member('kb', 'faq', { attributes: { lang: 'de' } }), member('kb', 'guide')],
    });
    const plan2 = planOf({ desired: attrsOnly, state: s, live: liveFromState(s) });
    expect(actions(plan2)['vector_store_file.kb/faq']).toBe('update (changed)');
  });

  it('attaches a file by id without managing it: no file dependency, the raw id, never a file delete', () => {
    const byId = member('kb', 'file-outside', { fileId: 'file-outside', attributes: { lang: 'fr' } });
    const d = desired({ ...stack(), memberships: [...stack().memberships, byId] });
    const fresh = planOf({ desired: d });
    const change = fresh.changes.find((c) => c.address === 'vector_store_file.kb/file-outside');
    expect(change?.action).toBe('create');
    expect(change?.dependencies).toEqual(['vector_store.kb']);
    expect(change?.after).toMatchObject({ vector_store_id: UNKNOWN, file_id: 'file-outside' });

    const s = appliedState(d);
    expect(planHasChanges(planOf({ desired: d, state: s, live: liveFromState(s) }))).toBe(false);
    const dropped = planOf({ desired: stack(), state: s, live: liveFromState(s) });
    expect(actions(dropped)).toMatchObject({
      'vector_store_file.kb/file-outside': 'delete (not_in_manifest)',
    });
    expect(dropped.changes.filter((c) => c.action === 'delete').map((c) => c.address)).toEqual([
      'vector_store_file.kb/file-outside',
    ]);
  });

  it('attaches a file that failed to index again, and says why', () => {
    const d = stack();
    const s = appliedState(d);
    const live = liveFromState(s);
    const faq = live.members.get('vs_kb')?.get('file-faq');
    if (!faq) throw new Error('fixture');
    faq.status = 'failed';
    faq.lastError = { code: 'unsupported_file', message: 'The file type is not supported.' };
    const plan = planOf({ desired: d, state: s, live });
    expect(plan.warnings).toMatchObject([
      {
        code: 'INDEXING_FAILED',
        message:
          'faq failed to index in vector store kb: The file type is not supported.; this plan attaches it again',
      },
    ]);
    expect(listed(plan)).toEqual(['delete-create vector_store_file.kb/faq index_failed']);
  });

  it('attaches again a member the last apply recorded as failed, even without a refresh', () => {
    const d = stack();
    const s = appliedState(d);
    const member = s.resources['vector_store_file.kb/faq'];
    if (!member) throw new Error('fixture');
    member.failed = { code: 'invalid_file', message: 'The file could not be parsed.' };
    expect(listed(planOf({ desired: d, state: s, live: undefined }))).toEqual([
      'delete-create vector_store_file.kb/faq index_failed',
    ]);
    // Live wins when it was read: the API says it is indexed now.
    expect(listed(planOf({ desired: d, state: s, live: liveFromState(s) }))).toEqual([]);
  });
});

/** The listed changes as `ACTION ADDRESS REASON`. */
function listed(plan: { changes: { action: string; address: string; reason: string }[] }): string[] {
  return plan.changes.filter((c) => c.action !== 'no-op').map((c) => `${c.action} ${c.address} ${c.reason}`);
}

describe('planner: deletes and protect', () => {
  it('deletes what left the manifests, dependents first, after all creates and updates', () => {
    const d = stack();
    const s = appliedState(d);
    const plan = planOf({ desired: desired({ files: [file('extra')] }), state: s, live: liveFromState(s) });
    // The store's members go with the store: no call per file.
    expect(plan.changes.map((c) => `${c.action} ${c.address}`)).toEqual([
      'create file.extra',
      'delete assistant.bot',
      'delete vector_store.kb',
      'delete file.faq',
      'delete file.guide',
    ]);
    expect(
      plan.changes.filter((c) => c.action === 'delete').every((c) => c.reason === 'not_in_manifest'),
    ).toBe(true);
  });

  it('refuses to replace a protected resource, pointing at its manifest entry', () => {
    const d = stack();
    d.vectorStores = [
      store('kb', {
        chunking_strategy: { type: 'auto' },
        protect: true,
        source: { file: 'kb.yaml', line: 4, column: 3 },
      }),
    ];
    const s = appliedState(d);
    const live = liveFromState(s);
    const kb = live.vectorStores.get('vs_kb');
    if (kb) kb.status = 'expired';
    const plan = planOf({ desired: d, state: s, live });
    expect(plan.errors).toMatchObject([
      {
        code: 'PROTECTED_RESOURCE',
        message: 'vector_store.kb (vs_kb) is protected, and the plan would replace it because it expired',
        location: { file: 'kb.yaml', line: 4, column: 3 },
      },
    ]);
  });

  it('refuses to delete a resource the state marks protected once it leaves the manifests', () => {
    const d = desired({ files: [file('keep', { protect: true })] });
    const s = appliedState(d);
    const keep = s.resources['file.keep'];
    if (keep) keep.protect = true;
    const plan = planOf({ desired: desired(), state: s, live: liveFromState(s) });
    expect(plan.errors).toHaveLength(1);
    expect(plan.errors[0]?.hint).toContain('assistants state rm file.keep');
    expect(plan.errors[0]?.location).toBeUndefined();
  });

  it('lets a protected resource be updated in place', () => {
    const d = desired({ vectorStores: [store('kb', { protect: true })] });
    const s = appliedState(d);
    const plan = planOf({
      desired: desired({ vectorStores: [store('kb', { protect: true, displayName: 'KB' })] }),
      state: s,
      live: liveFromState(s),
    });
    expect(actions(plan)).toEqual({ 'vector_store.kb': 'update (changed)' });
    expect(plan.errors).toEqual([]);
  });
});

describe('planner: clearing fields', () => {
  it('sends null for removed fields, and clears sampling when switching to a reasoning model', () => {
    const before = desired({
      assistants: [assistant('bot', { description: 'Helps', temperature: 0.2, top_p: 0.5 })],
    });
    const s = appliedState(before);
    const after = desired({ assistants: [assistant('bot', { model: 'o3-mini', reasoning_effort: 'high' })] });
    const plan = planOf({ desired: after, state: s, live: liveFromState(s) });
    const change = plan.changes[0];
    expect(change).toMatchObject({ action: 'update' });
    expect(change?.changedPaths).toEqual([
      'model',
      'description',
      'temperature',
      'top_p',
      'reasoning_effort',
    ]);
    expect(change?.after).toMatchObject({
      description: null,
      temperature: null,
      top_p: null,
      reasoning_effort: 'high',
    });
  });

  it('treats a removed temperature on a non-reasoning model as the default 1', () => {
    const s = appliedState(desired({ assistants: [assistant('bot', { temperature: 0.2 })] }));
    const plan = planOf({
      desired: desired({ assistants: [assistant('bot')] }),
      state: s,
      live: liveFromState(s),
    });
    expect(plan.changes[0]?.after).toMatchObject({ temperature: 1 });
    expect(plan.changes[0]?.changedPaths).toEqual(['temperature']);
  });

  it('clears a store expiry that the manifest no longer sets', () => {
    const s = appliedState(
      desired({ vectorStores: [store('kb', { expires_after: { anchor: 'last_active_at', days: 7 } })] }),
    );
    const plan = planOf({
      desired: desired({ vectorStores: [store('kb')] }),
      state: s,
      live: liveFromState(s),
    });
    expect(plan.changes[0]).toMatchObject({ action: 'update', changedPaths: ['expires_after'] });
    expect(plan.changes[0]?.after).toMatchObject({ expires_after: null });
  });
});

describe('planner: targets', () => {
  it('keeps the targets and what they depend on, and warns about unknown targets', () => {
    const d = stack();
    const s = appliedState(d);
    const changed = desired({
      ...d,
      memberships: [member('kb', 'faq', { attributes: { lang: 'de' } }), member('kb', 'guide')],
    });
    const plan = planOf({
      desired: changed,
      state: s,
      live: liveFromState(s),
      targets: ['vector_store_file.kb/faq', 'assistant.nope'],
    });
    expect(plan.changes.map((c) => c.address)).toEqual([
      'file.faq',
      'vector_store.kb',
      'vector_store_file.kb/faq',
    ]);
    expect(plan.warnings).toMatchObject([{ code: 'TARGET_NOT_FOUND' }]);
    expect(plan.targets).toEqual(['vector_store_file.kb/faq', 'assistant.nope']);
  });

  it('can target a delete', () => {
    const d = stack();
    const s = appliedState(d);
    const plan = planOf({ desired: desired(), state: s, live: liveFromState(s), targets: ['assistant.bot'] });
    expect(actions(plan)).toEqual({ 'assistant.bot': 'delete (not_in_manifest)' });
  });
});

describe('planner: purity', () => {
  it('gives the same plan for the same inputs and does not change them', () => {
    const d = stack();
    const s = appliedState(d);
    const live = liveFromState(s);
    const snapshot = structuredClone(s);
    const first = planOf({ desired: d, state: s, live });
    const second = planOf({ desired: d, state: s, live });
    expect(second).toEqual(first);
    expect(s).toEqual(snapshot);
  });
});

describe('planner: findings of review', () => {
  it('re-attaches a member whose file is made anew (state rm, or gone but still listed)', () => {
    const d = stack();
    const s = appliedState(d);
    const live = liveFromState(s);
    const { 'file.faq': _forgotten, ...rest } = s.resources;
    const plan = planOf({ desired: d, state: { ...s, resources: rest }, live });
    expect(actions(plan)).toMatchObject({
      'file.faq': 'create (new)',
      'vector_store_file.kb/faq': 'create-delete (dependency_replaced)',
    });
    expect(plan.changes.find((c) => c.address === 'vector_store_file.kb/faq')?.replacePaths).toEqual([
      'file_id',
    ]);
  });

  it('moves members whose store is made anew after a state rm', () => {
    const d = stack();
    const s = appliedState(d);
    const { 'vector_store.kb': _forgotten, ...rest } = s.resources;
    const plan = planOf({ desired: d, state: { ...s, resources: rest }, live: liveFromState(s) });
    expect(actions(plan)).toMatchObject({
      'vector_store.kb': 'create (new)',
      'vector_store_file.kb/faq': 'delete-create (dependency_replaced)',
    });
  });

  it('does not detach, one by one, the members of a store that is replaced or deleted', () => {
    const d = stack();
    const s = appliedState(d);
    const live = liveFromState(s);
    const kb = live.vectorStores.get('vs_kb');
    if (kb) kb.status = 'expired';
    live.members.delete('vs_kb');
    const fewer = desired({ ...d, memberships: [member('kb', 'faq', { attributes: { lang: 'en' } })] });
    const plan = planOf({ desired: fewer, state: s, live });
    expect(plan.changes.find((c) => c.address === 'vector_store_file.kb/guide')).toBeUndefined();
    expect(actions(plan)['vector_store.kb']).toBe('delete-create (expired)');
  });

  it('widens a target to what must change with it: users of a replaced file, members of a store', () => {
    const d = stack();
    const s = appliedState(d);
    const replaced = planOf({
      desired: d,
      state: s,
      live: liveFromState(s),
      hashes: hashesOf(d, { guide: 'sha-guide-v2' }),
      targets: ['file.guide'],
    });
    // The file's users come along (and what they need); the store is kept, so not all its members.
    expect(Object.keys(actions(replaced)).sort()).toEqual([
      'assistant.bot',
      'file.guide',
      'vector_store.kb',
      'vector_store_file.kb/guide',
    ]);
    const fresh = planOf({ desired: stack(), targets: ['assistant.bot'] });
    expect(fresh.changes.map((c) => c.address)).toEqual([
      'file.faq',
      'file.guide',
      'vector_store.kb',
      'vector_store_file.kb/faq',
      'vector_store_file.kb/guide',
      'assistant.bot',
    ]);
  });

  it('warns about cancelled indexing, files attached by hand, and raw ids of resources it removes', () => {
    const d = stack();
    const s = appliedState(d);
    const live = liveFromState(s);
    const guide = live.members.get('vs_kb')?.get('file-guide');
    if (guide) guide.status = 'cancelled';
    live.members.get('vs_kb')?.set('file-byhand', {
      id: 'file-byhand',
      attributes: {
        vector_store_id: 'vs_kb',
        file_id: 'file-byhand',
        attributes: {},
        chunking_strategy: { max_chunk_size_tokens: 800, chunk_overlap_tokens: 400 },
      },
      status: 'completed',
      lastError: null,
    });
    const next = desired({
      ...d,
      assistants: [
        assistant('bot', {
          tools: [{ type: 'code_interpreter' }],
          toolResources: { code_interpreter: { files: [], file_ids: ['file-faq'] } },
        }),
      ],
      vectorStores: [store('kb', { chunking_strategy: { type: 'auto' } })],
      memberships: [member('kb', 'guide')],
      files: [file('guide')],
    });
    const plan = planOf({ desired: next, state: s, live });
    expect(plan.warnings.map((w) => `${w.code}: ${w.message}`)).toEqual([
      'INDEXING_FAILED: guide failed to index in vector store kb: indexing was cancelled; this plan attaches it again',
      'UNMANAGED_MEMBERS: vector_store.kb (vs_kb) holds 1 file attached outside assistants-iac (file-byhand); it is left as it is',
      'MANAGED_ID_BY_VALUE: assistant.bot names file-faq by id, which is file.faq, and this plan deletes or replaces it; name it by reference instead',
    ]);
  });
});

describe('planner: size', () => {
  it('plans the deletes of a stack as large as a store may hold (what destroy plans)', () => {
    const files = Array.from({ length: 200_000 }, (_, i) => file(`f${i}`));
    const applied = appliedState(desired({ files }));
    const plan = planOf({ desired: desired(), state: applied, live: undefined });
    expect(plan.changes).toHaveLength(200_000);
    expect(plan.changes.every((c) => c.action === 'delete')).toBe(true);
    // A large input, not a timing goal: room beyond the default 5 s on a slow machine.
  }, 60_000);
});
