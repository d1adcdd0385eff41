import { describe, expect, it } from 'vitest';
import { MAX_STORE_MEMBERS } from '../../../src/manifest/rules/member-limits.js';
import { membershipAddress, vectorStoreAddress } from '../../../src/model/address.js';
import type { Change } from '../../../src/model/plan.js';
import { targetScope } from '../../../src/plan/targets.js';

/** A change with what targetScope reads: its address, kind, action and dependencies. */
function change(
  address: string,
  kind: Change['kind'],
  action: Change['action'],
  dependencies: string[],
): Change {
  return {
    address,
    kind,
    action,
    reason: 'changed',
    id: null,
    before: null,
    after: null,
    changedPaths: [],
    replacePaths: [],
    dependencies,
  };
}

describe('targetScope', () => {
  it('takes in every member of a targeted store that is replaced, for a store as large as a store may be', () => {
    const store = vectorStoreAddress('kb');
    const members = Array.from({ length: MAX_STORE_MEMBERS }, (_, i) =>
      change(membershipAddress('kb', `f${i}`), 'vector_store_file', 'delete-create', [store]),
    );
    const scope = targetScope([store], [change(store, 'vector_store', 'delete-create', []), ...members]);
    expect(scope.size).toBe(MAX_STORE_MEMBERS + 1);
    expect(scope.has(membershipAddress('kb', `f${MAX_STORE_MEMBERS - 1}`))).toBe(true);
  });
});
