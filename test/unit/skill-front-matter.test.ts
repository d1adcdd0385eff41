import { describe, expect, it } from 'vitest';
import { parseSkillFrontMatter } from '../../src/model/skill-front-matter.js';

describe('parseSkillFrontMatter', () => {
  it('gives name and description trimmed, after a BOM and with CRLF line ends', () => {
    expect(
      parseSkillFrontMatter(
        '\uFEFF---\r\nname: " pdf "\r\ndescription: >\r\n  two\r\n  lines\r\n---\r\nbody',
      ),
    ).toEqual({
      frontMatter: { name: 'pdf', description: 'two lines' },
    });
  });

  it.each([
    ['no block', '# pdf\n', { kind: 'no-front-matter' }],
    ['a block not closed', '---\nname: pdf\n', { kind: 'no-front-matter' }],
    ['an empty block', '---\n\n---\n', { kind: 'not-mapping' }],
    ['a list', '---\n- a\n---\n', { kind: 'not-mapping' }],
    ['no name', '---\ndescription: d\n---\n', { kind: 'bad-field', key: 'name', found: undefined }],
    [
      'a blank description',
      '---\nname: n\ndescription: " "\n---\n',
      { kind: 'bad-field', key: 'description', found: ' ' },
    ],
    [
      'a name that is a list',
      '---\nname: [a]\ndescription: d\n---\n',
      { kind: 'bad-field', key: 'name', found: ['a'] },
    ],
  ])('%s is a problem', (_, text, problem) => {
    expect(parseSkillFrontMatter(text)).toEqual({ problem });
  });

  it('YAML that does not parse: the parser words, and the place in SKILL.md (the block starts on line 2)', () => {
    expect(parseSkillFrontMatter('---\nname: n\ndescription: [unclosed\n---\n')).toEqual({
      problem: {
        kind: 'not-yaml',
        reason:
          'Flow sequence in block collection must be sufficiently indented and end with a ] at line 2, column 23:',
        detail: 'Flow sequence in block collection must be sufficiently indented and end with a ]',
        line: 3,
        column: 23,
      },
    });
  });
});
