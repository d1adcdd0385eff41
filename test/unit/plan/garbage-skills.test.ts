import { describe, expect, it } from 'vitest';
import type { AccountView, LiveSkill } from '../../../src/model/live.js';
import { collectGarbage } from '../../../src/plan/garbage.js';
import { leakedSkills } from '../../../src/plan/garbage-skills.js';
import { NO_OTHER_STATES, type OtherStates } from '../../../src/plan/skill-claims.js';
import type { StateDocument } from '../../../src/state/state-document.js';
import { resource, state } from '../../helpers/planner-builders.js';

// gc's rule for skills (pure): collected only with the prefix, and only when no state of the
// stack holds, let go of, is making, or names the skill.

function liveSkill(id: string, name: string): LiveSkill {
  return {
    id,
    createdAt: 1_700_000_000,
    attributes: { name, description: `${name} does things`, default_version: '1' },
    latestVersion: '1',
  };
}

function account(...skills: LiveSkill[]): AccountView {
  return {
    files: new Map(),
    vectorStores: new Map(),
    assistants: new Map(),
    skills: new Map(skills.map((s) => [s.id, s])),
  };
}

const skillResource = (id: string, name: string) =>
  resource('skill', id, {
    path: `skills/${name}`,
    name,
    description: `${name} does things`,
    sha256: 'a'.repeat(64),
    default_version: '1',
    keep_versions: 3,
  });

const others = (states: { workspace: string; state: StateDocument }[] = []): OtherStates => ({
  workspace: 'default',
  states,
  unreadable: [],
});

const ids = (result: ReturnType<typeof leakedSkills>) => result.leaked.map((l) => l.skill.id);

describe('leakedSkills', () => {
  it('takes none without a prefix, an empty one, or where the endpoint serves no skills', () => {
    const view = account(liveSkill('skill_a', 'acme-a'));
    expect(ids(leakedSkills(state({}), view, undefined, others()))).toEqual([]);
    expect(ids(leakedSkills(state({}), view, '', others()))).toEqual([]);
    expect(ids(leakedSkills(state({}), { ...view, skills: undefined }, 'acme-', others()))).toEqual([]);
  });

  it('takes a skill with the prefix that no state holds; never one without the prefix', () => {
    const view = account(liveSkill('skill_a', 'acme-a'), liveSkill('skill_b', 'other-b'));
    const found = leakedSkills(state({}), view, 'acme-', others());
    expect(found.leaked.map((l) => l.address)).toEqual(['skill.skill_a']);
    expect(found.warnings).toEqual([]);
  });

  it("leaves one this state holds, another workspace's state holds, or a state let go of", () => {
    const view = account(
      liveSkill('skill_mine', 'acme-mine'),
      liveSkill('skill_staging', 'acme-staging'),
      liveSkill('skill_forgotten', 'acme-forgotten'),
      liveSkill('skill_other_forgotten', 'acme-other-forgotten'),
    );
    const mine: StateDocument = {
      ...state({ 'skill.mine': skillResource('skill_mine', 'acme-mine') }),
      forgotten: [{ address: 'skill.old', kind: 'skill', id: 'skill_forgotten', at: '2026-01-01T00:00:00Z' }],
    };
    const staging: StateDocument = {
      ...state({ 'skill.pdf': skillResource('skill_staging', 'acme-staging') }),
      forgotten: [
        { address: 'skill.gone', kind: 'skill', id: 'skill_other_forgotten', at: '2026-01-01T00:00:00Z' },
      ],
    };
    const found = leakedSkills(mine, view, 'acme-', others([{ workspace: 'staging', state: staging }]));
    expect(ids(found)).toEqual([]);
    expect(found.warnings).toEqual([]);
  });

  it('warns of and leaves one an unsettled create may be, and one an agent names', () => {
    const view = account(liveSkill('skill_new', 'acme-new'), liveSkill('skill_used', 'acme-used'));
    const creating: StateDocument = {
      ...state({}),
      pending: [
        {
          id: 'op-1',
          address: 'skill.new',
          kind: 'skill',
          operation: 'create',
          started_at: '2026-01-01T00:00:00Z',
          match: { name: 'acme-new', sha256: 'b'.repeat(64) },
        },
      ],
    };
    const agent = resource('agent', 'agent.helper', {
      model: 'gpt-5-mini',
      render_to: null,
      tools: [
        {
          type: 'shell',
          environment: {
            type: 'container_auto',
            skills: [{ type: 'skill_reference', skill_id: 'skill_used' }],
          },
        },
      ],
    } as never);
    const staging = state({ 'agent.helper': agent });
    const found = leakedSkills(creating, view, 'acme-', others([{ workspace: 'staging', state: staging }]));
    expect(ids(found)).toEqual([]);
    expect(found.warnings.map((w) => [w.code, w.message])).toEqual([
      [
        'PENDING_OPERATIONS',
        'skill.skill_new ("acme-new") is left in place: the journal of skill.new of workspace default holds a create of a skill of that name whose answer was not recorded; the next apply there settles it',
      ],
      [
        'SKILL_IN_USE',
        'skill.skill_used ("acme-used") is left in place: no state manages it, but agent.helper of workspace staging names it',
      ],
    ]);
  });

  it('does not count a journalled delete as a claim: an interrupted gc takes it again', () => {
    const view = account(liveSkill('skill_a', 'acme-a'));
    const interrupted: StateDocument = {
      ...state({}),
      pending: [
        {
          id: 'op-1',
          address: 'skill.skill_a',
          kind: 'skill',
          operation: 'delete',
          started_at: '2026-01-01T00:00:00Z',
          resource_id: 'skill_a',
        },
      ],
    };
    expect(ids(leakedSkills(interrupted, view, 'acme-', others()))).toEqual(['skill_a']);
  });

  it('takes none while a workspace state could not be read', () => {
    const view = account(liveSkill('skill_a', 'acme-a'));
    const found = leakedSkills(state({}), view, 'acme-', {
      ...others(),
      unreadable: [{ workspace: 'staging', reason: 'not JSON' }],
    });
    expect(ids(found)).toEqual([]);
    expect(found.warnings.map((w) => w.code)).toEqual(['WORKSPACE_STATE_UNREADABLE']);
  });

  it('goes through collectGarbage only with --leaked, as a delete with reason leaked, before other kinds', () => {
    const view = account(liveSkill('skill_a', 'acme-a'));
    const leaked = collectGarbage(state({}), view, {
      expired: false,
      leaked: true,
      allExpired: false,
      skillPrefix: 'acme-',
    });
    expect(leaked.changes.map((c) => [c.address, c.kind, c.action, c.reason, c.id])).toEqual([
      ['skill.skill_a', 'skill', 'delete', 'leaked', 'skill_a'],
    ]);
    const expiredOnly = collectGarbage(
      state({}),
      view,
      { expired: true, leaked: false, allExpired: false, skillPrefix: 'acme-' },
      '',
      NO_OTHER_STATES,
    );
    expect(expiredOnly.changes).toEqual([]);
  });
});
