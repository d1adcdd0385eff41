import { describe, expect, it } from 'vitest';
import { agentAddress, skillAddress } from '../../../src/model/address.js';
import { isUnknown, type SkillAttributes } from '../../../src/model/attributes.js';
import type { DesiredAgent, DesiredSkill } from '../../../src/model/desired.js';
import type { LiveView } from '../../../src/model/live.js';
import { skillHashKey } from '../../../src/model/skill-content.js';
import { desiredSkillAttributes } from '../../../src/plan/kinds/skill.js';
import { actions, at, desired, emptyLive, planOf, resource, state } from '../../helpers/planner-builders.js';

function skill(name: string, overrides: Partial<DesiredSkill> = {}): DesiredSkill {
  return {
    address: skillAddress(name),
    name,
    path: `/work/stack/skills/${name}`,
    relativePath: `skills/${name}`,
    skillName: name,
    description: `The ${name} skill`,
    files: [{ relativePath: 'SKILL.md', path: `/work/stack/skills/${name}/SKILL.md`, bytes: 10, mtimeMs: 1 }],
    keepVersions: 3,
    protect: false,
    source: at(30),
    ...overrides,
  };
}

function agent(name: string, skills: unknown[]): DesiredAgent {
  return {
    address: agentAddress(name),
    name,
    model: 'gpt-5-mini',
    tools: [{ type: 'shell', skills }],
    settings: {},
    protect: false,
    source: at(40),
  };
}

const HASH = 'a'.repeat(64);
const EDITED = 'b'.repeat(64);

/** A state holding `s` as applied with `version` from content HASH, and the live view agreeing. */
function applied(s: DesiredSkill, version = '1') {
  const attributes = desiredSkillAttributes(s, HASH, version);
  const doc = state({ [s.address]: resource('skill', `skill_${s.name}`, attributes) });
  const live: LiveView = {
    ...emptyLive(),
    skills: new Map([
      [
        `skill_${s.name}`,
        {
          id: `skill_${s.name}`,
          createdAt: 1,
          attributes: { name: s.skillName, description: s.description, default_version: version },
          latestVersion: version,
        },
      ],
    ]),
  };
  return { doc, live };
}

describe('planning skills', () => {
  it('creates a new skill, and an agent that uses it pins the version known after apply', () => {
    const s = skill('pdf-tools');
    const d = desired({
      skills: [s],
      agents: [agent('helper', ['pdf-tools', { type: 'skill_reference', skill_id: 'skill_raw' }])],
    });
    const plan = planOf({ desired: d, hashes: new Map([[skillHashKey('pdf-tools'), HASH]]) });
    expect(actions(plan)).toEqual({ 'skill.pdf-tools': 'create (new)', 'agent.helper': 'create (new)' });
    const agentChange = plan.changes.find((c) => c.address === 'agent.helper');
    expect(agentChange?.dependencies).toEqual(['skill.pdf-tools']);
    const tools =
      (agentChange?.after as { tools: { environment: { skills: Record<string, unknown>[] } }[] } | undefined)
        ?.tools ?? [];
    const [managed, raw] = tools[0]?.environment.skills ?? [];
    expect(managed?.type).toBe('skill_reference');
    expect(isUnknown(managed?.skill_id)).toBe(true);
    expect(isUnknown(managed?.version)).toBe(true);
    expect(raw).toEqual({ type: 'skill_reference', skill_id: 'skill_raw' });
  });

  it('plans nothing for an unchanged folder, and pins the recorded version', () => {
    const s = skill('pdf-tools');
    const { doc, live } = applied(s, '2');
    const d = desired({ skills: [s], agents: [agent('helper', ['pdf-tools'])] });
    const plan = planOf({
      desired: d,
      state: doc,
      live,
      hashes: new Map([[skillHashKey('pdf-tools'), HASH]]),
    });
    expect(actions(plan)['skill.pdf-tools']).toBe('no-op (unchanged)');
    const after = plan.changes.find((c) => c.address === 'agent.helper')?.after as unknown as {
      tools: { environment: { skills: unknown[] } }[];
    };
    expect(after.tools[0]?.environment.skills).toEqual([
      { type: 'skill_reference', skill_id: 'skill_pdf-tools', version: '2' },
    ]);
  });

  it('an edited folder is a new version of the same skill, not a replacement', () => {
    const s = skill('pdf-tools');
    const { doc, live } = applied(s);
    const plan = planOf({
      desired: desired({ skills: [s] }),
      state: doc,
      live,
      hashes: new Map([[skillHashKey('pdf-tools'), EDITED]]),
    });
    const change = plan.changes.find((c) => c.address === 'skill.pdf-tools');
    expect(change?.action).toBe('update');
    expect(change?.reason).toBe('new_version');
    expect(change?.id).toBe('skill_pdf-tools');
    expect(change?.changedPaths).toEqual(['sha256', 'default_version']);
    expect(isUnknown((change?.after as SkillAttributes | undefined)?.default_version)).toBe(true);
  });

  it('a default moved by hand is drift, moved back while the recorded version exists', () => {
    const s = skill('pdf-tools');
    const { doc, live } = applied(s, '2');
    const moved = live.skills?.get('skill_pdf-tools');
    if (moved) {
      moved.attributes.default_version = '1';
      moved.versions = ['1', '2'];
    }
    const plan = planOf({
      desired: desired({ skills: [s] }),
      state: doc,
      live,
      hashes: new Map([[skillHashKey('pdf-tools'), HASH]]),
    });
    expect(actions(plan)['skill.pdf-tools']).toBe('update (changed)');
    expect(plan.drift.map((d) => d.address)).toEqual(['skill.pdf-tools']);
  });

  it('a recorded version deleted outside needs a new version', () => {
    const s = skill('pdf-tools');
    const { doc, live } = applied(s, '2');
    const moved = live.skills?.get('skill_pdf-tools');
    if (moved) {
      moved.attributes.default_version = '1';
      moved.versions = ['1'];
    }
    const plan = planOf({
      desired: desired({ skills: [s] }),
      state: doc,
      live,
      hashes: new Map([[skillHashKey('pdf-tools'), HASH]]),
    });
    expect(actions(plan)['skill.pdf-tools']).toBe('update (version_deleted)');
  });

  it('a skill gone from the API is made again; one left out of the manifests is destroyed', () => {
    const s = skill('pdf-tools');
    const { doc } = applied(s);
    const gone = planOf({
      desired: desired({ skills: [s] }),
      state: doc,
      live: { ...emptyLive(), skills: new Map() },
      hashes: new Map([[skillHashKey('pdf-tools'), HASH]]),
    });
    expect(actions(gone)['skill.pdf-tools']).toBe('create (deleted_outside)');
    // Made again, it starts at a version the API numbers, whatever the state recorded.
    const remade = gone.changes.find((c) => c.address === 'skill.pdf-tools')?.after as
      | SkillAttributes
      | undefined;
    expect(isUnknown(remade?.default_version)).toBe(true);
    const { live } = applied(s);
    const dropped = planOf({ desired: desired({}), state: doc, live });
    expect(actions(dropped)['skill.pdf-tools']).toBe('delete (not_in_manifest)');
  });

  it('the creation time recorded tells the skill this stack made from another behind an edited id; a new name alone does not', () => {
    const s = skill('pdf-tools');
    const { doc, live } = applied(s);
    const recorded = doc.resources['skill.pdf-tools'];
    if (recorded) recorded.created_at = 1;
    const renamed = live.skills?.get('skill_pdf-tools');
    // A lost upload that renamed the skill (its SKILL.md's name changed): still this stack's.
    if (renamed) renamed.attributes.name = 'pdf-tools-v2';
    const hashes = new Map([[skillHashKey('pdf-tools'), HASH]]);
    expect(planOf({ desired: desired({ skills: [s] }), state: doc, live, hashes }).errors).toEqual([]);
    if (renamed) renamed.createdAt = 99;
    const other = planOf({ desired: desired({ skills: [s] }), state: doc, live, hashes });
    expect(other.errors.map((e) => e.code)).toEqual(['OWNED_ELSEWHERE']);
    expect(other.errors[0]?.message).toContain('was made at 99, not at 1 as recorded');
  });

  it('another skill behind the recorded id (an edited state) is refused before any call', () => {
    const s = skill('pdf-tools');
    const { doc, live } = applied(s);
    const other = live.skills?.get('skill_pdf-tools');
    if (other) other.attributes.name = 'someone-elses';
    const plan = planOf({
      desired: desired({ skills: [s] }),
      state: doc,
      live,
      hashes: new Map([[skillHashKey('pdf-tools'), HASH]]),
    });
    expect(plan.errors.map((e) => e.code)).toContain('OWNED_ELSEWHERE');
  });
});
