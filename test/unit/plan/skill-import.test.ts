import { describe, expect, it } from 'vitest';
import { skillAddress } from '../../../src/model/address.js';
import type { DesiredSkill } from '../../../src/model/desired.js';
import type { LiveSkill } from '../../../src/model/live.js';
import { skillHashKey } from '../../../src/model/skill-content.js';
import { SKILL_PLAN } from '../../../src/plan/kinds/skill.js';
import { at, desired } from '../../helpers/planner-builders.js';

// SKILL_PLAN.imported (pure): the live default's content hash, as import computed it, against the
// local folder's.

const LOCAL = 'a'.repeat(64);

const pdf: DesiredSkill = {
  address: skillAddress('pdf'),
  name: 'pdf',
  path: '/work/stack/skills/pdf',
  relativePath: 'skills/pdf',
  skillName: 'pdf-tools',
  description: 'Reads PDF forms',
  files: [{ relativePath: 'SKILL.md', path: '/work/stack/skills/pdf/SKILL.md', bytes: 10, mtimeMs: 1 }],
  keepVersions: 2,
  protect: true,
  source: at(3),
};

function live(defaultContent?: LiveSkill['defaultContent']): LiveSkill {
  return {
    id: 'skill_1',
    createdAt: 1,
    attributes: { name: 'pdf-tools', description: 'Reads PDF forms (live)', default_version: '4' },
    latestVersion: '5',
    ...(defaultContent ? { defaultContent } : {}),
  };
}

const hashes = new Map([[skillHashKey('pdf'), LOCAL]]);
const imported = (content?: LiveSkill['defaultContent']) =>
  SKILL_PLAN.imported('skill.pdf', live(content), desired({ skills: [pdf] }), hashes);

describe('import of a skill', () => {
  it('records the local hash, the live default and creation time when the live content is the local folder', () => {
    const { resource, notes } = imported({ sha256: LOCAL });
    expect(notes).toEqual([]);
    expect(resource).toEqual({
      kind: 'skill',
      id: 'skill_1',
      attributes: {
        path: 'skills/pdf',
        name: 'pdf-tools',
        // The front matter as the manifests read it: plans compare the hash, not the API's reading.
        description: 'Reads PDF forms',
        sha256: LOCAL,
        default_version: '4',
        keep_versions: 2,
      },
      dependencies: [],
      protect: true,
      // What tells this skill from another behind the same id (see SKILL_PLAN.ownership).
      created_at: 1,
    });
  });

  it('records a hash no content has, with a note, when the content differs, does not read, or was not read', () => {
    const zero = '0'.repeat(64);
    const differs = imported({ sha256: 'b'.repeat(64) });
    expect(differs.resource.attributes).toMatchObject({ sha256: zero, default_version: '4' });
    expect(differs.notes).toEqual([
      'the content of skill_1 (version 4) differs from skills/pdf: the next plan uploads skills/pdf as a new version of it',
    ]);
    const unreadable = imported({ problem: 'the zip holds no file' });
    expect(unreadable.resource.attributes).toMatchObject({ sha256: zero });
    expect(unreadable.notes).toEqual([
      "the content of skill_1 (version 4) does not read as a skill's folder (the zip holds no file): the next plan uploads skills/pdf as a new version of it",
    ]);
    const unread = imported();
    expect(unread.resource.attributes).toMatchObject({ sha256: zero });
    expect(unread.notes[0]).toContain('the content of skill_1 (version 4) was not read');
  });

  it('refuses an address the manifests do not define', () => {
    expect(() =>
      SKILL_PLAN.imported('skill.other', live({ sha256: LOCAL }), desired({ skills: [pdf] }), hashes),
    ).toThrow('the manifests do not define skill.other');
  });
});
