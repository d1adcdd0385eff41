import { describe, expect, it } from 'vitest';
import { planWarnings } from '../../../src/plan/plan-warnings.js';
import { desired, store } from '../../helpers/planner-builders.js';

const DAY = 86_400;

/** The STORE_EXPIRES_SOON warnings for one store with a window of `days`, `left` seconds from expiry. */
function warnings(days: number, left: number, usedBy = ['agent.support']) {
  const d = desired({ vectorStores: [store('kb', { expires_after: { anchor: 'last_active_at', days } })] });
  return planWarnings({
    desired: d,
    resources: {},
    observations: new Map(),
    live: undefined,
    changes: [],
    expiries: [{ address: 'vector_store.kb', id: 'vs_1', expiresAt: 0, secondsLeft: left, usedBy }],
  }).filter((w) => w.code === 'STORE_EXPIRES_SOON');
}

describe('STORE_EXPIRES_SOON', () => {
  it('is quiet for a store with days: 7 used just now, which would otherwise warn on every plan', () => {
    expect(warnings(7, 7 * DAY - 60)).toEqual([]);
  });

  it('speaks once less than half a short window is left, and within a week for long windows', () => {
    expect(warnings(7, 3 * DAY)).toHaveLength(1);
    expect(warnings(30, 8 * DAY)).toEqual([]);
    expect(warnings(30, 6 * DAY)[0]?.message).toBe(
      'vector_store.kb expires in 6 days unless used, and agent.support relies on it; any search resets the clock (anchor last_active_at), or raise expires_after.days',
    );
    expect(warnings(7, 3 * DAY, ['agent.a', 'agent.b'])[0]?.message).toContain('agent.a, agent.b rely on it');
    expect(warnings(2, DAY / 2)[0]?.message).toContain('expires in 1 day unless used');
  });
});
