import { describe, expect, it } from 'vitest';
import type { Move } from '../../../src/model/moves.js';
import { movedAddress } from '../../../src/model/moves.js';
import { planHasChanges, summarizePlan } from '../../../src/model/plan.js';
import { STAMP_ADDRESS_KEY, STAMP_LINEAGE_KEY } from '../../../src/model/stamp.js';
import { stampProblem } from '../../../src/plan/stamps.js';
import { moveResources } from '../../../src/state/move-resources.js';
import {
  appliedState,
  desired,
  file,
  hashesOf,
  LINEAGE,
  liveFromState,
  member,
  planOf,
  resource,
  store,
} from '../../helpers/planner-builders.js';

/** A store `kb` holding two globbed files under docs/. */
function oldStack() {
  return desired({
    files: [
      file('docs/a.md', { relativePath: 'docs/a.md', origin: 'glob' }),
      file('docs/b.md', { relativePath: 'docs/b.md', origin: 'glob' }),
    ],
    vectorStores: [store('kb', { displayName: 'Knowledge' })],
    memberships: [member('kb', 'docs/a.md'), member('kb', 'docs/b.md')],
  });
}

/** `oldStack` with what `rename` renames: the store key and/or the folder. */
function renamed(rename: { store?: string; folder?: string }, moves: Move[]) {
  const s = rename.store ?? 'kb';
  const dir = rename.folder ?? 'docs';
  return {
    ...desired({
      files: [
        file(`${dir}/a.md`, { relativePath: `${dir}/a.md`, origin: 'glob' }),
        file(`${dir}/b.md`, { relativePath: `${dir}/b.md`, origin: 'glob' }),
      ],
      vectorStores: [store(s, { displayName: 'Knowledge' })],
      memberships: [member(s, `${dir}/a.md`), member(s, `${dir}/b.md`)],
    }),
    moves,
  };
}

/** The applied state of `before`, and a live view in sync with it. */
function applied() {
  const old = oldStack();
  const state = appliedState(old);
  return { state, live: liveFromState(state), old };
}

/** Each change as `ACTION ADDRESS [<- PREVIOUS]`. */
function lines(plan: ReturnType<typeof planOf>) {
  return plan.changes.map(
    (c) => `${c.action} ${c.address}${c.previousAddress ? ` <- ${c.previousAddress}` : ''}`,
  );
}

describe('moved: the planner re-keys the state before comparing', () => {
  it('renames a store: its memberships follow, nothing is made or deleted, the stamp is updated in place', () => {
    const { state, live, old } = applied();
    const d = renamed({ store: 'support-kb' }, [{ from: 'vector_store.kb', to: 'vector_store.support-kb' }]);
    const plan = planOf({ desired: d, state, live, hashes: hashesOf(old) });
    expect(lines(plan)).toEqual([
      'no-op file.docs/a.md',
      'no-op file.docs/b.md',
      'update vector_store.support-kb <- vector_store.kb',
      'no-op vector_store_file.support-kb/docs/a.md <- vector_store_file.kb/docs/a.md',
      'no-op vector_store_file.support-kb/docs/b.md <- vector_store_file.kb/docs/b.md',
    ]);
    const storeChange = plan.changes.find((c) => c.kind === 'vector_store');
    expect(storeChange?.id).toBe('vs_kb');
    // Only the ownership stamp names the address: the store's name is set, so it stays.
    expect(storeChange?.changedPaths).toEqual(['metadata']);
    const stamp = (storeChange?.after as { metadata: Record<string, string> } | undefined)?.metadata;
    expect(stamp?.[STAMP_ADDRESS_KEY]).toBe('vector_store.support-kb');
    expect(summarizePlan(plan)).toEqual({ add: 0, change: 1, destroy: 0 });
    // The live stamp still names the old address: not someone else's store.
    expect(plan.errors).toEqual([]);
    expect(plan.moves).toEqual([
      { from: 'vector_store.kb', to: 'vector_store.support-kb' },
      { from: 'vector_store_file.kb/docs/a.md', to: 'vector_store_file.support-kb/docs/a.md' },
      { from: 'vector_store_file.kb/docs/b.md', to: 'vector_store_file.support-kb/docs/b.md' },
    ]);
  });

  it('moves a globbed folder by prefix: files and memberships move, no upload, no delete', () => {
    const { state, live, old } = applied();
    const d = renamed({ folder: 'guides' }, [{ from: 'file.docs/', to: 'file.guides/' }]);
    const hashes = new Map([...hashesOf(old)].map(([name, sha]) => [name.replace('docs/', 'guides/'), sha]));
    const plan = planOf({ desired: d, state, live, hashes });
    expect(lines(plan)).toEqual([
      'no-op file.guides/a.md <- file.docs/a.md',
      'no-op file.guides/b.md <- file.docs/b.md',
      'no-op vector_store.kb',
      'no-op vector_store_file.kb/guides/a.md <- vector_store_file.kb/docs/a.md',
      'no-op vector_store_file.kb/guides/b.md <- vector_store_file.kb/docs/b.md',
    ]);
    // The path is recorded anew; the uploaded name (a.md) is the same, so nothing is re-uploaded.
    expect(plan.changes[0]?.changedPaths).toEqual(['path']);
    expect(summarizePlan(plan)).toEqual({ add: 0, change: 0, destroy: 0 });
    expect(planHasChanges(plan)).toBe(true);
    expect(plan.errors).toEqual([]);
  });

  it('moves a store and a folder at once: memberships follow both', () => {
    const { state, live, old } = applied();
    const d = renamed({ store: 'support-kb', folder: 'guides' }, [
      { from: 'vector_store.kb', to: 'vector_store.support-kb' },
      { from: 'file.docs/', to: 'file.guides/' },
    ]);
    const hashes = new Map([...hashesOf(old)].map(([name, sha]) => [name.replace('docs/', 'guides/'), sha]));
    const plan = planOf({ desired: d, state, live, hashes });
    expect(summarizePlan(plan)).toEqual({ add: 0, change: 1, destroy: 0 });
    expect(plan.changes.filter((c) => c.kind === 'vector_store_file').map((c) => c.address)).toEqual([
      'vector_store_file.support-kb/guides/a.md',
      'vector_store_file.support-kb/guides/b.md',
    ]);
  });

  it('ignores a move whose from the state does not hold (already applied, or never made)', () => {
    const { state, live, old } = applied();
    const d = { ...old, moves: [{ from: 'vector_store.older', to: 'vector_store.kb' }] };
    const plan = planOf({ desired: d, state, live, hashes: hashesOf(old) });
    expect(planHasChanges(plan)).toBe(false);
    expect(plan.moves).toBeUndefined();
    expect(plan.changes.some((c) => c.previousAddress)).toBe(false);
  });

  it('refuses a move onto an address the state holds too, naming the moved: entry', () => {
    const { state, live, old } = applied();
    state.resources['vector_store.support-kb'] = resource('vector_store', 'vs_other', {
      name: 'Other',
      expires_after: null,
      metadata: {},
    });
    const source = { file: 'assistants.yaml', line: 30, column: 5 };
    const d = renamed({ store: 'support-kb' }, [
      { from: 'vector_store.kb', to: 'vector_store.support-kb', source },
    ]);
    const plan = planOf({ desired: d, state, live, hashes: hashesOf(old) });
    const conflicts = plan.errors.filter((e) => e.code === 'MOVE_TARGET_EXISTS');
    expect(conflicts[0]?.message).toBe(
      'cannot move vector_store.kb to vector_store.support-kb: the state already holds vector_store.support-kb',
    );
    expect(conflicts[0]?.location).toEqual(source);
  });

  it('follows a chain of moves, as Terraform does with moved blocks kept from earlier renames', () => {
    const { state, live, old } = applied();
    const d = renamed({ store: 'c' }, [
      { from: 'vector_store.kb', to: 'vector_store.b' },
      { from: 'vector_store.b', to: 'vector_store.c' },
    ]);
    const plan = planOf({ desired: d, state, live, hashes: hashesOf(old) });
    expect(plan.changes.find((c) => c.kind === 'vector_store')?.previousAddress).toBe('vector_store.kb');
    expect(summarizePlan(plan)).toEqual({ add: 0, change: 1, destroy: 0 });
  });
});

describe('movedAddress and moveResources', () => {
  const moves: Move[] = [
    { from: 'file.docs/', to: 'file.guides/' },
    { from: 'file.docs/faq/', to: 'file.faq/' },
    { from: 'vector_store.kb', to: 'vector_store.support' },
  ];

  it('takes the exact move first, then the longest prefix, and moves memberships with their store and file', () => {
    expect(movedAddress('file.docs/a.md', moves)).toBe('file.guides/a.md');
    expect(movedAddress('file.docs/faq/q.md', moves)).toBe('file.faq/q.md');
    expect(movedAddress('file.docsx/a.md', moves)).toBe('file.docsx/a.md');
    expect(movedAddress('vector_store.kb2', moves)).toBe('vector_store.kb2');
    expect(movedAddress('vector_store_file.kb/docs/a.md', moves)).toBe(
      'vector_store_file.support/guides/a.md',
    );
    expect(movedAddress('vector_store_file.other/handbook', moves)).toBe('vector_store_file.other/handbook');
  });

  it('re-keys resources and the dependencies that name them, leaving the input as it was', () => {
    const resources = {
      'file.docs/a.md': resource('file', 'file-a', {
        path: 'docs/a.md',
        filename: 'a.md',
        purpose: 'assistants',
        bytes: 1,
        sha256: 'x',
      }),
      'vector_store.kb': resource('vector_store', 'vs_kb', { name: 'kb', expires_after: null, metadata: {} }),
      'vector_store_file.kb/docs/a.md': resource(
        'vector_store_file',
        'file-a',
        { vector_store_id: 'vs_kb', file_id: 'file-a', attributes: {}, chunking_strategy: null },
        { dependencies: ['file.docs/a.md', 'vector_store.kb'] },
      ),
    };
    const copy = structuredClone(resources);
    const out = moveResources(resources, (a) => movedAddress(a, moves));
    expect(Object.keys(out.resources).sort()).toEqual([
      'file.guides/a.md',
      'vector_store.support',
      'vector_store_file.support/guides/a.md',
    ]);
    expect(out.resources['vector_store_file.support/guides/a.md']?.dependencies).toEqual([
      'file.guides/a.md',
      'vector_store.support',
    ]);
    expect(out.conflicts).toEqual([]);
    expect(resources).toEqual(copy);
  });

  it('leaves a resource where it is when its destination is taken, and nothing lands on it', () => {
    const a = resource('vector_store', 'vs_a', { name: 'a', expires_after: null, metadata: {} });
    const b = resource('vector_store', 'vs_b', { name: 'b', expires_after: null, metadata: {} });
    const c = resource('vector_store', 'vs_c', { name: 'c', expires_after: null, metadata: {} });
    const to = new Map([
      ['vector_store.a', 'vector_store.b'],
      ['vector_store.c', 'vector_store.a'],
    ]);
    const out = moveResources(
      { 'vector_store.a': a, 'vector_store.b': b, 'vector_store.c': c },
      (x) => to.get(x) ?? x,
    );
    expect(out.resources).toEqual({ 'vector_store.a': a, 'vector_store.b': b, 'vector_store.c': c });
    expect(out.moved).toEqual([]);
    expect(out.conflicts.map((m) => m.from)).toEqual(['vector_store.a', 'vector_store.c']);
  });
});

describe('the ownership of a moved store or assistant, not yet stamped anew', () => {
  const stamp = (lineage: string, address: string) => ({
    [STAMP_LINEAGE_KEY]: lineage,
    [STAMP_ADDRESS_KEY]: address,
  });

  it('passes when its live stamp names the address its recorded stamp names, in this lineage', () => {
    const old = stamp(LINEAGE, 'vector_store.kb');
    expect(stampProblem(old, LINEAGE, 'vector_store.support-kb', old)).toBeUndefined();
  });

  it('fails for another address than the recorded one, and for another lineage', () => {
    const recorded = stamp(LINEAGE, 'vector_store.kb');
    expect(
      stampProblem(stamp(LINEAGE, 'vector_store.other'), LINEAGE, 'vector_store.support-kb', recorded)?.code,
    ).toBe('OWNED_ELSEWHERE');
    const foreign = stamp('11111111-1111-4111-8111-111111111111', 'vector_store.kb');
    expect(stampProblem(foreign, LINEAGE, 'vector_store.support-kb', foreign)?.code).toBe('OWNED_ELSEWHERE');
  });
});
