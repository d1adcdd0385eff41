import { describe, expect, it } from 'vitest';
import { summarizePlan } from '../../../src/model/plan.js';
import { parseReplace } from '../../../src/workflow/prepare-plan.js';
import {
  actions,
  appliedState,
  assistant,
  desired,
  file,
  liveFromState,
  member,
  planOf,
  store,
} from '../../helpers/planner-builders.js';

/** Two files in a store, an assistant searching it: applied and in sync. */
function applied(options: { protectFaq?: boolean } = {}) {
  const d = desired({
    files: [file('faq', { protect: options.protectFaq ?? false }), file('guide')],
    vectorStores: [store('kb')],
    memberships: [member('kb', 'faq'), member('kb', 'guide')],
    assistants: [
      assistant('bot', {
        tools: [{ type: 'file_search' }],
        toolResources: { file_search: { vector_stores: ['kb'], vector_store_ids: [] } },
      }),
    ],
  });
  const state = appliedState(d);
  return { desired: d, state, live: liveFromState(state) };
}

describe('--replace', () => {
  it('uploads a file anew before the old one goes; its membership follows, the rest stays', () => {
    const plan = planOf({ ...applied(), replace: ['file.faq'] });
    expect(actions(plan)).toEqual({
      'file.faq': 'create-delete (replace_by_request)',
      'file.guide': 'no-op (unchanged)',
      'vector_store.kb': 'no-op (unchanged)',
      'vector_store_file.kb/faq': 'create-delete (dependency_replaced)',
      'vector_store_file.kb/guide': 'no-op (unchanged)',
      'assistant.bot': 'no-op (unchanged)',
    });
    expect(plan.warnings).toEqual([]);
    expect(summarizePlan(plan)).toEqual({ add: 2, change: 0, destroy: 2 });
  });

  it('deletes a store first and makes it again; its files are attached to the new one, the assistant re-pointed', () => {
    const plan = planOf({ ...applied(), replace: ['vector_store.kb'] });
    expect(actions(plan)).toMatchObject({
      'vector_store.kb': 'delete-create (replace_by_request)',
      'vector_store_file.kb/faq': 'delete-create (dependency_replaced)',
      'vector_store_file.kb/guide': 'delete-create (dependency_replaced)',
      'assistant.bot': 'update (changed)',
      'file.faq': 'no-op (unchanged)',
    });
  });

  it('attaches one membership again (to index it afresh) and nothing else', () => {
    const plan = planOf({ ...applied(), replace: ['vector_store_file.kb/guide'] });
    expect(plan.changes.filter((c) => c.action !== 'no-op').map((c) => `${c.action} ${c.address}`)).toEqual([
      'delete-create vector_store_file.kb/guide',
    ]);
  });

  it('is a plan error on a protected resource, as any replacement is', () => {
    const plan = planOf({ ...applied({ protectFaq: true }), replace: ['file.faq'] });
    expect(plan.errors.map((e) => [e.code, e.message])).toEqual([
      ['PROTECTED_RESOURCE', expect.stringContaining('--replace asks for it')],
    ]);
  });

  it('warns about an address it cannot replace: unknown, not made yet, or deleted by the plan', () => {
    const { desired: d, state, live } = applied();
    const fresh = planOf({ desired: d, replace: ['file.faq', 'file.nope'] });
    expect(fresh.warnings.map((w) => w.message)).toEqual([
      '--replace file.faq: it is not made yet: this plan creates it',
      '--replace file.nope: neither the manifests nor the state hold it',
    ]);
    const smaller = desired({
      ...d,
      files: d.files.filter((f) => f.name !== 'guide'),
      memberships: d.memberships.filter((m) => m.file !== 'guide'),
    });
    const dropping = planOf({ desired: smaller, state, live, replace: ['file.guide'] });
    expect(dropping.warnings.map((w) => w.message)).toEqual(['--replace file.guide: this plan deletes it']);
    expect(actions(dropping)['file.guide']).toBe('delete (not_in_manifest)');
    const elsewhere = planOf({ desired: d, state, live, replace: ['file.faq'], targets: ['file.guide'] });
    expect(elsewhere.warnings.map((w) => w.message)).toEqual([
      '--replace file.faq: it is outside what --target plans',
    ]);
    expect(elsewhere.changes.every((c) => c.action === 'no-op')).toBe(true);
  });

  it('refuses kinds that are updated in place, and malformed addresses, before anything is read', () => {
    expect(() => parseReplace(['assistant.bot'])).toThrow(/assistants are updated in place/);
    expect(() => parseReplace(['agent.support'])).toThrow(/agents are updated in place/);
    expect(() => parseReplace(['kb'])).toThrow(/--replace kb is not a resource address/);
    expect(parseReplace(['file.a', 'file.a', 'vector_store.kb'])).toEqual(['file.a', 'vector_store.kb']);
  });
});
