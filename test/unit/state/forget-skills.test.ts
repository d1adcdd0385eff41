import { describe, expect, it } from 'vitest';
import { forgetResources, remember } from '../../../src/state/forget-resources.js';
import { formatFor, parseState, serializeState } from '../../../src/state/state-codec.js';
import { resource, state } from '../../helpers/planner-builders.js';

// `state rm skill.NAME` lets a skill go: it is recorded in `forgotten` for good (no stamp to take
// off), which needs state format 4, and import takes it back out.

const AT = '2026-01-01T00:00:00.000Z';

function withSkill() {
  return state({
    'skill.pdf': resource('skill', 'skill_1', {
      path: 'skills/pdf',
      name: 'pdf-tools',
      description: 'Reads PDF forms',
      sha256: 'a'.repeat(64),
      default_version: '2',
      keep_versions: 3,
    }),
  });
}

describe('forgetting a skill', () => {
  it('records it in forgotten, apart from the stamped ones', () => {
    const forgetting = forgetResources(withSkill(), ['skill.pdf'], AT);
    expect(forgetting.removed).toEqual(['skill.pdf']);
    expect(forgetting.stamped).toEqual([]);
    expect(forgetting.skills).toEqual([{ address: 'skill.pdf', kind: 'skill', id: 'skill_1', at: AT }]);
    expect(forgetting.doc.resources).toEqual({});
    expect(forgetting.doc.forgotten).toEqual(forgetting.skills);
  });

  it('is written in format 4, reads back, and leaves forgotten once remembered', () => {
    const { doc } = forgetResources(withSkill(), ['skill.pdf'], AT);
    expect(formatFor(doc)).toBe(4);
    const text = serializeState(doc, 'state.json');
    const read = parseState(text, { file: 'state.json' });
    expect(read.format_version).toBe(4);
    expect(read.forgotten).toEqual([{ address: 'skill.pdf', kind: 'skill', id: 'skill_1', at: AT }]);
    remember(read, new Set(['skill_1']));
    expect(read.forgotten).toBeUndefined();
  });
});
