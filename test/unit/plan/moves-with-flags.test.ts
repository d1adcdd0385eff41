import { describe, expect, it } from 'vitest';
import type { Move } from '../../../src/model/moves.js';
import { planHasChanges } from '../../../src/model/plan.js';
import { renderPlanMarkdown } from '../../../src/render/plan-markdown.js';
import { renderPlanText } from '../../../src/render/plan-text.js';
import { createStyle } from '../../../src/render/style.js';
import {
  appliedState,
  desired,
  file,
  hashesOf,
  liveFromState,
  member,
  planOf,
  store,
} from '../../helpers/planner-builders.js';

// `moved:` entries with --target, --refresh-only and --replace: apply makes every pending move, so
// the plan must show every one of them, or refuse.

function stack(storeName: string, moves: Move[] = []) {
  return {
    ...desired({
      files: [file('a'), file('b')],
      vectorStores: [store(storeName)],
      memberships: [member(storeName, 'a'), member(storeName, 'b')],
    }),
    moves,
  };
}

const RENAME: Move[] = [{ from: 'vector_store.kb', to: 'vector_store.support-kb' }];

function applied() {
  const old = stack('kb');
  const state = appliedState(old);
  return { state, live: liveFromState(state), hashes: hashesOf(old) };
}

describe('moves with the plan flags', () => {
  it('--target that leaves a moved resource out is refused, naming the moves', () => {
    const plan = planOf({ desired: stack('support-kb', RENAME), ...applied(), targets: ['file.a'] });
    expect(plan.errors.map((e) => e.code)).toEqual(['MOVE_EXCLUDED_BY_TARGET']);
    expect(plan.errors[0]?.message).toContain('vector_store.kb → vector_store.support-kb');
  });

  it('a refresh-only plan lists the moves as moves alone, and says so in text and Markdown', () => {
    const plan = planOf({ desired: stack('support-kb', RENAME), ...applied(), refreshOnly: true });
    expect(plan.errors).toEqual([]);
    expect(plan.changes.map((c) => `${c.action} ${c.previousAddress} -> ${c.address}`)).toEqual([
      'no-op vector_store.kb -> vector_store.support-kb',
      'no-op vector_store_file.kb/a -> vector_store_file.support-kb/a',
      'no-op vector_store_file.kb/b -> vector_store_file.support-kb/b',
    ]);
    expect(planHasChanges(plan)).toBe(true);
    const text = renderPlanText(plan, createStyle(false));
    expect(text).toContain('# vector_store.kb has moved to vector_store.support-kb');
    expect(text).toContain('No changes. The state matches the live resources');
    expect(text).not.toContain('Plan:');
    expect(renderPlanMarkdown(plan)).toContain('1 resource moved in the state.');
  });

  it('--replace takes the address a resource had before its move', () => {
    const plan = planOf({ desired: stack('support-kb', RENAME), ...applied(), replace: ['vector_store.kb'] });
    const kb = plan.changes.find((c) => c.address === 'vector_store.support-kb');
    expect([kb?.action, kb?.reason, kb?.previousAddress]).toEqual([
      'delete-create',
      'replace_by_request',
      'vector_store.kb',
    ]);
    expect(plan.warnings).toEqual([]);
  });

  it('a Markdown plan of 3,000 moved stores stays within its size and says what it left out', () => {
    const names = Array.from({ length: 3000 }, (_, i) => `s${i}`);
    const old = desired({ vectorStores: names.map((n) => store(n)) });
    const state = appliedState(old);
    const moves = names.map((n) => ({ from: `vector_store.${n}`, to: `vector_store.moved-${n}` }));
    const next = { ...desired({ vectorStores: names.map((n) => store(`moved-${n}`)) }), moves };
    const markdown = renderPlanMarkdown(planOf({ desired: next, state, live: liveFromState(state) }));
    expect(markdown.length).toBeLessThanOrEqual(65_000);
    expect(markdown).toContain('3,000 resources moved');
    // Each store's stamp names its address, so each is updated in place: one line each at most.
    expect(markdown.slice(-400)).toMatch(
      /[\d,]+ changes are not shown and [\d,]+ changes are shown without their diff/,
    );
  });
});
