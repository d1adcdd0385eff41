import { describe, expect, it } from 'vitest';
import type { AccountView } from '../../../src/model/live.js';
import type { SavedPlan } from '../../../src/plan/saved-plan.js';
import { checkUnclaimedLineage } from '../../../src/plan/saved-plan.js';

const NOW = 1_800_000_000;

function saved(overrides: Partial<SavedPlan> = {}): SavedPlan {
  return {
    lineage: '00000000-0000-4000-8000-00000000000a',
    serial: 0,
    manifest_digest: 'sha256:x',
    actions: new Map([['file.a', 'create']]),
    targets: [],
    replace: [],
    refreshOnly: false,
    drift: new Map(),
    fileCreates: [{ filename: 'a.md', bytes: 3 }],
    savedAt: NOW - 60,
    ...overrides,
  };
}

function account(files: { filename: string; bytes: number; createdAt: number }[] = []): AccountView {
  return {
    files: new Map(
      files.map((f, i) => [
        `file-${i}`,
        {
          id: `file-${i}`,
          createdAt: f.createdAt,
          attributes: { filename: f.filename, bytes: f.bytes, purpose: 'assistants' },
        },
      ]),
    ),
    vectorStores: new Map(),
    assistants: new Map(),
  };
}

const stale = (plan: SavedPlan, view: AccountView) =>
  (() => checkUnclaimedLineage(plan, view, 'p.json', NOW)) as () => void;

describe('a plan saved against no state is applied once', () => {
  it('applies when nothing it uploads was uploaded since it was saved', () => {
    expect(stale(saved(), account([{ filename: 'a.md', bytes: 3, createdAt: NOW - 3600 }]))).not.toThrow();
  });

  it('is stale once a file it uploads appeared after it was saved', () => {
    expect(stale(saved(), account([{ filename: 'a.md', bytes: 3, createdAt: NOW - 10 }]))).toThrow(
      /was uploaded after it was saved/,
    );
  });

  it('is stale without a time of saving, or with one to come (an edited file cannot dodge the check)', () => {
    const { savedAt: _s, ...untimed } = saved();
    expect(stale(untimed, account())).toThrow(/records no time of saving/);
    expect(stale(saved({ savedAt: NOW + 86_400 }), account())).toThrow(/saved in the future/);
  });
});
