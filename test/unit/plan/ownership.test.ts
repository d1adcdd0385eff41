import { describe, expect, it } from 'vitest';
import type { AccountView } from '../../../src/model/live.js';
import { STAMP_ADDRESS_KEY, STAMP_LINEAGE_KEY } from '../../../src/model/stamp.js';
import { collectGarbage } from '../../../src/plan/garbage.js';
import { ownedBy } from '../../../src/plan/stamps.js';
import {
  appliedState,
  assistant,
  desired,
  file,
  LINEAGE,
  liveFromState,
  member,
  planOf,
  store,
} from '../../helpers/planner-builders.js';

const OTHER = '99999999-0000-4000-8000-000000000009';

function stack() {
  return desired({
    files: [file('faq')],
    vectorStores: [store('kb', { protect: true })],
    memberships: [member('kb', 'faq')],
    assistants: [
      assistant('bot', {
        tools: [{ type: 'file_search' }],
        toolResources: { file_search: { vector_stores: ['kb'], vector_store_ids: [] } },
      }),
    ],
  });
}

const empty = desired();

describe('ownedBy', () => {
  it('takes a stamp of this lineage and address, or none at all', () => {
    const stamp = (lineage: string, address: string) => ({
      [STAMP_LINEAGE_KEY]: lineage,
      [STAMP_ADDRESS_KEY]: address,
    });
    expect(ownedBy(stamp(LINEAGE, 'vector_store.kb'), LINEAGE, 'vector_store.kb')).toBe(true);
    expect(ownedBy({ team: 'x' }, LINEAGE, 'vector_store.kb')).toBe(true);
    expect(ownedBy(null, LINEAGE, 'vector_store.kb')).toBe(true);
    expect(ownedBy(stamp(OTHER, 'vector_store.kb'), LINEAGE, 'vector_store.kb')).toBe(false);
    expect(ownedBy(stamp(LINEAGE, 'vector_store.other'), LINEAGE, 'vector_store.kb')).toBe(false);
    expect(ownedBy({ [STAMP_LINEAGE_KEY]: LINEAGE }, LINEAGE, 'vector_store.kb')).toBe(false);
  });
});

describe('planner: ownership of what the state names', () => {
  it('refuses to destroy a store whose stamp names another stack, even a protected one, naming the owner', () => {
    const s = appliedState(stack());
    const live = liveFromState(s);
    const kb = live.vectorStores.get('vs_kb');
    if (!kb) throw new Error('fixture');
    kb.attributes.metadata = { [STAMP_LINEAGE_KEY]: OTHER, [STAMP_ADDRESS_KEY]: 'vector_store.docs' };
    const plan = planOf({ desired: empty, state: s, live });
    const owned = plan.errors.filter((e) => e.code === 'OWNED_ELSEWHERE');
    expect(owned.map((e) => e.message)).toEqual([
      `vector_store.kb (vs_kb) belongs to another state: its ownership stamp names lineage ${OTHER}, address vector_store.docs (this state is lineage ${LINEAGE})`,
      `vector_store_file.kb/faq (file-faq) is attached to vs_kb, which belongs to another state: its ownership stamp names lineage ${OTHER}, address vector_store.docs (this state is lineage ${LINEAGE})`,
    ]);
    expect(owned[0]?.hint).toContain('assistants state rm vector_store.kb');
  });

  it('refuses to re-stamp (update) an assistant stamped for another address of this state', () => {
    const d = stack();
    const s = appliedState(d);
    const live = liveFromState(s);
    const bot = live.assistants.get('asst_bot');
    if (!bot) throw new Error('fixture');
    bot.attributes.metadata = { [STAMP_LINEAGE_KEY]: LINEAGE, [STAMP_ADDRESS_KEY]: 'assistant.other' };
    const plan = planOf({ desired: d, state: s, live });
    expect(plan.errors.map((e) => `${e.code}: ${e.message}`)).toEqual([
      `OWNED_ELSEWHERE: assistant.bot (asst_bot) belongs to this state's assistant.other: its ownership stamp names lineage ${LINEAGE}, address assistant.other (this state is lineage ${LINEAGE})`,
    ]);
  });

  it('accepts an unstamped store and assistant the state recorded unstamped (made before stamps, or imported), and stamps them', () => {
    const d = stack();
    const s = appliedState(d);
    for (const held of [s.resources['vector_store.kb'], s.resources['assistant.bot']])
      if (held?.kind === 'vector_store' || held?.kind === 'assistant') held.attributes.metadata = {};
    const live = liveFromState(s);
    const plan = planOf({ desired: d, state: s, live });
    expect(plan.errors).toEqual([]);
    expect(plan.changes.filter((c) => c.action === 'update').map((c) => c.address)).toEqual([
      'vector_store.kb',
      'assistant.bot',
    ]);
  });

  it('refuses an unstamped store the state recorded as stamped: a hand edit may have put a dashboard store there', () => {
    const d = stack();
    const s = appliedState(d);
    const live = liveFromState(s);
    const kb = live.vectorStores.get('vs_kb');
    if (!kb) throw new Error('fixture');
    kb.attributes.metadata = { team: 'someone else' };
    const plan = planOf({ desired: empty, state: s, live });
    expect(plan.errors.map((e) => `${e.code}: ${e.message}`)).toContain(
      'OWNED_ELSEWHERE: vector_store.kb (vs_kb) carries no ownership stamp, though this state recorded it as stamped: it may be another object than the one this stack made (a hand edit?), or its stamp was removed outside assistants-iac',
    );
    // The hint names the address and the id as they are (an "ID" in an address stays as written).
    expect(plan.errors[0]?.hint).toContain('assistants import --force vector_store.kb vs_kb');
  });

  it('refuses to delete a file whose live name or size is not the one the state recorded', () => {
    const s = appliedState(stack());
    const live = liveFromState(s);
    const faq = live.files.get('file-faq');
    if (!faq) throw new Error('fixture');
    faq.attributes = { ...faq.attributes, filename: 'payroll.xlsx', bytes: 9_999 };
    // Only the file: the store is protected, so plan a world where just the file goes.
    const d = stack();
    const plan = planOf({ desired: { ...d, files: [], memberships: [] }, state: s, live });
    expect(plan.errors.map((e) => `${e.code}: ${e.message}`)).toContain(
      'FILE_IDENTITY_MISMATCH: file.faq (file-faq) is not the file this state uploaded: the API has "payroll.xlsx", 9999 bytes; the state recorded "faq.md", 100 bytes',
    );
  });

  it('refuses a membership that hangs on another store than the one the state holds at its address', () => {
    const d = stack();
    const s = appliedState(d);
    const held = s.resources['vector_store_file.kb/faq'];
    if (held?.kind !== 'vector_store_file') throw new Error('fixture');
    held.attributes = { ...held.attributes, vector_store_id: 'vs_theirs', attributes: { a: 'b' } };
    const plan = planOf({ desired: d, state: s, live: liveFromState(s) });
    expect(plan.errors.map((e) => e.code)).toEqual(['OWNED_ELSEWHERE']);
    expect(plan.errors[0]?.message).toContain(
      'is attached to vs_theirs, which is not the store this state holds',
    );
  });

  it('checks nothing without a refresh (there is nothing to check against)', () => {
    const s = appliedState(stack());
    expect(planOf({ desired: { ...stack(), vectorStores: [] }, state: s, live: undefined }).errors).toEqual(
      [],
    );
  });
});

describe('gc: ownership and references', () => {
  function account(s: ReturnType<typeof appliedState>): AccountView {
    const live = liveFromState(s);
    return { files: live.files, vectorStores: live.vectorStores, assistants: live.assistants };
  }

  it('never collects a stamped store that a managed assistant still uses, nor a forgotten one', () => {
    const s = appliedState(stack());
    const view = account(s);
    const kb = s.resources['vector_store.kb'];
    if (!kb) throw new Error('fixture');
    // `state rm vector_store.kb` left the assistant pointing at it; a second leaked store is forgotten.
    delete s.resources['vector_store.kb'];
    delete s.resources['vector_store_file.kb/faq'];
    const stamp = { [STAMP_LINEAGE_KEY]: LINEAGE, [STAMP_ADDRESS_KEY]: 'vector_store.old' };
    view.vectorStores.set('vs_old', {
      id: 'vs_old',
      createdAt: 1,
      expiresAt: null,
      status: 'completed',
      usageBytes: 0,
      attributes: { name: 'old', expires_after: null, metadata: stamp },
    });
    view.vectorStores.set('vs_leak', {
      id: 'vs_leak',
      createdAt: 1,
      expiresAt: null,
      status: 'completed',
      usageBytes: 0,
      attributes: {
        name: 'leak',
        expires_after: null,
        metadata: { ...stamp, [STAMP_ADDRESS_KEY]: 'vector_store.x' },
      },
    });
    s.forgotten = [
      { address: 'vector_store.old', kind: 'vector_store', id: 'vs_old', at: '2026-12-01T00:00:00Z' },
    ];
    const plan = collectGarbage(s, view, { expired: true, leaked: true, allExpired: false });
    expect(plan.changes.map((c) => `${c.address} ${c.id} ${c.reason}`)).toEqual([
      'vector_store.x vs_leak leaked',
    ]);
    expect(plan.warnings.map((w) => `${w.code}: ${w.message}`)).toEqual([
      "STORE_IN_USE: vector_store.kb (vs_kb) is left in place: it carries this state's stamp but assistant.bot uses it",
    ]);
  });

  it('refuses to collect an expired store whose stamp names another stack', () => {
    const s = appliedState(stack());
    const view = account(s);
    const kb = view.vectorStores.get('vs_kb');
    if (!kb) throw new Error('fixture');
    kb.status = 'expired';
    kb.attributes.metadata = { [STAMP_LINEAGE_KEY]: OTHER, [STAMP_ADDRESS_KEY]: 'vector_store.kb' };
    const plan = collectGarbage(s, view, { expired: true, leaked: false, allExpired: false });
    expect(plan.changes).toEqual([]);
    expect(plan.errors.map((e) => e.code)).toEqual(['OWNED_ELSEWHERE', 'OWNED_ELSEWHERE']);
  });
});

describe('the whole state is checked, not only what a plan touches', () => {
  it('a --target that leaves a foreign store out still refuses: one wrong id makes the state suspect', () => {
    const d = stack();
    const s = appliedState(d);
    const live = liveFromState(s);
    const kb = live.vectorStores.get('vs_kb');
    if (!kb) throw new Error('fixture');
    kb.attributes.metadata = { [STAMP_LINEAGE_KEY]: OTHER, [STAMP_ADDRESS_KEY]: 'vector_store.kb' };
    const plan = planOf({
      desired: { ...d, files: [], memberships: [] },
      state: s,
      live,
      targets: ['file.faq'],
    });
    expect(plan.errors.map((e) => e.message.slice(0, 45))).toEqual([
      'vector_store.kb (vs_kb) belongs to another st',
      'vector_store_file.kb/faq (file-faq) is attach',
    ]);
  });

  it('a file is told from a look-alike by its creation time, where the state recorded one', () => {
    const s = appliedState(stack());
    const faq = s.resources['file.faq'];
    if (!faq) throw new Error('fixture');
    faq.created_at = 1_700_000_000;
    const live = liveFromState(s);
    const found = live.files.get('file-faq');
    if (!found) throw new Error('fixture');
    found.createdAt = 1_700_000_000;
    expect(planOf({ desired: stack(), state: s, live }).errors).toEqual([]);
    found.createdAt = 1_700_000_999; // same name, same size: another stack's identical README
    expect(planOf({ desired: stack(), state: s, live }).errors.map((e) => e.code)).toEqual([
      'FILE_IDENTITY_MISMATCH',
    ]);
  });
});

describe('gc with a state whose lineage is not its own', () => {
  function account(s: ReturnType<typeof appliedState>): AccountView {
    const live = liveFromState(s);
    return { files: live.files, vectorStores: live.vectorStores, assistants: live.assistants };
  }
  const victimStore = (id: string, address: string, lineage = LINEAGE) => ({
    id,
    createdAt: 1,
    expiresAt: null,
    status: 'completed' as const,
    usageBytes: 0,
    attributes: {
      name: id,
      expires_after: null,
      metadata: { [STAMP_LINEAGE_KEY]: lineage, [STAMP_ADDRESS_KEY]: address },
    },
  });

  it("collects nothing when the state's own stores carry another lineage (a copied lineage)", () => {
    const s = appliedState(stack(), undefined, OTHER); // its objects are stamped with OTHER
    const view = account(s);
    const forged = { ...s, lineage: LINEAGE }; // the lineage of the victim, copied in
    view.vectorStores.set('vs_victim', victimStore('vs_victim', 'vector_store.kb'));
    const plan = collectGarbage(forged, view, { expired: true, leaked: true, allExpired: false });
    expect(plan.changes).toEqual([]);
    expect(plan.errors.length).toBeGreaterThan(0);
    expect(new Set(plan.errors.map((e) => e.code))).toEqual(new Set(['OWNED_ELSEWHERE']));
  });

  it('leaves a leak it cannot prove: no stamped object of the state, no journal entry naming it', () => {
    const s = appliedState(desired({ files: [file('faq')] })); // files only: nothing stamped
    const view = account(s);
    view.vectorStores.set('vs_x', victimStore('vs_x', 'vector_store.kb'));
    const plan = collectGarbage(s, view, { expired: false, leaked: true, allExpired: false });
    expect(plan.changes).toEqual([]);
    expect(plan.warnings.map((w) => w.code)).toEqual(['LEAK_UNPROVEN']);
    // A journal entry of this state names it (a create killed before its answer was recorded).
    s.pending.push({
      id: 'op-1',
      address: 'vector_store.kb',
      kind: 'vector_store',
      operation: 'create',
      started_at: '2026-12-06T00:00:00Z',
    });
    const journalled = collectGarbage(s, view, { expired: false, leaked: true, allExpired: false });
    expect(journalled.changes.map((c) => `${c.address} ${c.id}`)).toEqual(['vector_store.kb vs_x']);
  });

  it('never collects a stamped store that any assistant of the account uses, nor an expired one a managed assistant names', () => {
    const s = appliedState(stack());
    const view = account(s);
    view.vectorStores.set('vs_leak', victimStore('vs_leak', 'vector_store.old'));
    const bot = view.assistants?.get('asst_bot');
    if (!bot) throw new Error('fixture');
    view.assistants?.set('asst_theirs', {
      id: 'asst_theirs',
      createdAt: 1,
      attributes: {
        ...bot.attributes,
        tool_resources: { file_search: { vector_store_ids: ['vs_leak'] } },
        metadata: {},
      },
    });
    const kb = view.vectorStores.get('vs_kb');
    if (!kb) throw new Error('fixture');
    kb.status = 'expired';
    const plan = collectGarbage(s, view, { expired: true, leaked: true, allExpired: false });
    expect(plan.changes).toEqual([]);
    expect(plan.warnings.map((w) => w.message)).toEqual([
      'vector_store.kb (vs_kb) is left in place: it expired, but assistant.bot still names it; apply replaces it',
      "vector_store.old (vs_leak) is left in place: it carries this state's stamp but assistant asst_theirs uses it",
    ]);
  });
});
