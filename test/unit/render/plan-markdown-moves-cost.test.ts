import { describe, expect, it } from 'vitest';
import type { Move } from '../../../src/model/moves.js';
import { renderPlanMarkdown } from '../../../src/render/plan-markdown.js';
import {
  appliedState,
  desired,
  file,
  liveFromState,
  member,
  planOf,
  store,
} from '../../helpers/planner-builders.js';

// The Markdown plan says what only moves, what a refresh-only plan records, and what storage costs.

function stack(storeName: string, folder: string, moves: Move[] = []) {
  return {
    ...desired({
      files: [
        file(`${folder}/a.md`, { relativePath: `${folder}/a.md`, origin: 'glob', bytes: 2 ** 30 }),
        file(`${folder}/b.md`, { relativePath: `${folder}/b.md`, origin: 'glob', bytes: 2 ** 30 }),
      ],
      vectorStores: [store(storeName)],
      memberships: [member(storeName, `${folder}/a.md`), member(storeName, `${folder}/b.md`)],
    }),
    moves,
  };
}

function applied() {
  const state = appliedState(stack('kb', 'docs'));
  return { state, live: liveFromState(state) };
}

describe('Markdown plan: moves, refresh-only and storage', () => {
  it('lists a renamed store and a moved folder as moves, counts the memberships, and adds nothing', () => {
    const moves = [
      { from: 'vector_store.kb', to: 'vector_store.support-kb' },
      { from: 'file.docs/', to: 'file.guides/' },
    ];
    const hashes = new Map(['a', 'b'].map((n) => [`guides/${n}.md`, `sha-docs/${n}.md`]));
    const plan = planOf({ desired: stack('support-kb', 'guides', moves), ...applied(), hashes });
    const text = renderPlanMarkdown(plan);
    expect(text).toContain('; 3 resources moved.');
    expect(text).toContain('0 to add, 1 to change, 0 to replace, 0 to destroy');
    expect(text).toContain('#### Moved (no upload, no delete: the state is re-keyed)');
    expect(text).toContain('- <code>file.docs/a.md</code> has moved to <code>file.guides/a.md</code>');
    expect(text).toContain('- 2 files attached to <code>vector_store.support-kb</code> follow the move');
    // The store's name and stamp change in place; its block says where it moved from.
    expect(text).toContain('moved from vector_store.kb');
    expect(text).not.toContain('will be created');
  });

  it('says that a refresh-only plan records the drift and changes nothing', () => {
    const { state, live } = applied();
    const kb = live.vectorStores.get(state.resources['vector_store.kb']?.id as string);
    if (!kb) throw new Error('fixture');
    kb.attributes = { ...kb.attributes, name: 'renamed by hand' };
    const plan = planOf({ desired: stack('kb', 'docs'), state, live, refreshOnly: true });
    const text = renderPlanMarkdown(plan);
    expect(text).toContain(
      '**Plan (refresh only):** 1 change made outside assistants-iac to record in the state; nothing changes in the API.',
    );
    expect(text).toContain('Refresh only: apply records the changes above in the state');
    expect(text).not.toContain('to add');
    const synced = renderPlanMarkdown(
      planOf({ desired: stack('kb', 'docs'), ...applied(), refreshOnly: true }),
    );
    expect(synced).toContain('**Plan (refresh only):** no changes made outside assistants-iac');
  });

  it('prices the storage a new stack adds', () => {
    const plan = planOf({ desired: stack('kb', 'docs'), live: liveFromState(appliedState(desired({}))) });
    const text = renderPlanMarkdown(plan);
    expect(text).toContain('#### Vector-store storage (estimate)');
    expect(text).toMatch(/\| \*\*Daily cost\*\* \| \$0\.00 \| \$0\.10 \|/);
  });
});
