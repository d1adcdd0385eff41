import { describe, expect, it } from 'vitest';
import { brief, check, onlyError } from '../../helpers/validate.js';
import { yaml } from '../../helpers/workspace.js';

/** A stack with the skill `pdf-tools` and the agent `bot` whose only tool is `shell` (line 8). */
function withShell(shell: string) {
  return check(
    `${yaml`
      version: 1
      skills:
        pdf-tools: { path: skills/pdf }
      agents:
        bot:
          model: gpt-5-mini
          tools:
    `}      - ${shell}\n`,
    { 'skills/pdf/SKILL.md': '---\nname: pdf-tools\ndescription: Reads PDFs\n---\n' },
  );
}

describe('agents: skills of the shell tool', () => {
  it('a managed skill by name, a skill in the API shape, and raw ids validate', async () => {
    const result = await withShell(
      '{ type: shell, skills: [pdf-tools, { type: skill_reference, skill_id: skill_abc, version: "2" }], skill_ids: [skill_def] }',
    );
    expect(result.errors.map(brief)).toEqual([]);
    expect(result.value?.agents[0]?.tools).toEqual([
      {
        type: 'shell',
        skills: ['pdf-tools', { type: 'skill_reference', skill_id: 'skill_abc', version: '2' }],
        skill_ids: ['skill_def'],
      },
    ]);
  });

  it('an inline skill in the API shape validates', async () => {
    const result = await withShell(
      '{ type: shell, skills: [{ type: inline, name: x, description: y, source: { type: base64, media_type: application/zip, data: UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA== } }] }',
    );
    expect(result.errors.map(brief)).toEqual([]);
  });

  it('an unknown skill name is UNDEFINED_REFERENCE, with the closest and a hint', async () => {
    const error = onlyError(await withShell('{ type: shell, skills: [pdf-tool] }'));
    expect(brief(error)).toBe(
      'assistants.yaml:8:33 UNDEFINED_REFERENCE agent "bot" uses skill "pdf-tool", which is not defined under skills:; did you mean "pdf-tools"?',
    );
    expect(error.hint).toBe('for a skill that assistants-iac does not manage, list its id under skill_ids');
  });

  it('the name in SKILL.md is not the name a manifest refers to: the key is', async () => {
    const result = await check(
      yaml`
        version: 1
        skills:
          pdf: { path: skills/pdf }
        agents:
          bot: { model: gpt-5-mini, tools: [{ type: shell, skills: [pdf-tools] }] }
      `,
      { 'skills/pdf/SKILL.md': '---\nname: pdf-tools\ndescription: Reads PDFs\n---\n' },
    );
    expect(onlyError(result).code).toBe('UNDEFINED_REFERENCE');
  });

  it.each([
    [
      'a version written as a number',
      '{ type: shell, skills: [{ type: skill_reference, skill_id: skill_abc, version: 2 }] }',
      'assistants.yaml:8:88 TYPE_MISMATCH tools[0].skills[0].version of agent "bot" must be a string, not an integer (2)',
    ],
    [
      'a skill object without its id',
      '{ type: shell, skills: [{ type: skill_reference }] }',
      'assistants.yaml:8:33 MISSING_FIELD tools[0].skills[0] of agent "bot" is missing the required field "skill_id"',
    ],
    [
      'a key the skill object does not have',
      '{ type: shell, skills: [{ type: skill_reference, skill_id: s, versoin: "1" }] }',
      'assistants.yaml:8:71 UNKNOWN_KEY unknown key "versoin" in tools[0].skills[0] of agent "bot"; did you mean "version"?',
    ],
    [
      'an empty skill id',
      '{ type: shell, skill_ids: [""] }',
      'assistants.yaml:8:36 OUT_OF_RANGE tools[0].skill_ids[0] of agent "bot" must not be empty',
    ],
    [
      'environment written whole beside skills',
      '{ type: shell, skills: [pdf-tools], environment: { type: container_auto } }',
      'assistants.yaml:8:45 INVALID_VALUE agent "bot": shell takes either environment or files/file_ids/memory_limit/skills/skill_ids, not both',
    ],
  ])('%s', async (_, shell, expected) => {
    expect(brief(onlyError(await withShell(shell)))).toBe(expected);
  });

  it('more than 200 skills in one container (skills and skill_ids together)', async () => {
    const ids = Array.from({ length: 200 }, (_, i) => `skill_${i}`).join(', ');
    const error = onlyError(await withShell(`{ type: shell, skills: [pdf-tools], skill_ids: [${ids}] }`));
    expect(brief(error)).toBe(
      'assistants.yaml:8:9 OUT_OF_RANGE agent "bot" puts 201 skills in its shell container (skills and skill_ids together); the API allows 200',
    );
  });
});
