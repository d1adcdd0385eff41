import { describe, expect, it } from 'vitest';
import { caseClashes, readSkillArchive } from '../../src/model/skill-archive.js';
import { skillContentHash } from '../../src/model/skill-content.js';

// A version's zip read as a folder (pure): the paths relative to the one top-level folder, the
// hash made as a local folder's is, and every path that could lead out of a folder refused.

const bytes = (text: string) => new TextEncoder().encode(text);
const entry = (path: string, text = 'x') => ({ path, data: bytes(text) });
const SHA_X = '2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881';

describe('readSkillArchive', () => {
  it('reads files below one folder, sorted, hashed as a local folder is hashed', () => {
    const read = readSkillArchive([entry('pdf/scripts/run.py'), entry('./pdf/SKILL.md')]);
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.folder).toBe('pdf');
    expect(read.files.map((f) => f.relativePath)).toEqual(['SKILL.md', 'scripts/run.py']);
    expect(read.files[0]?.sha256).toBe(SHA_X);
    expect(read.sha256).toBe(
      skillContentHash([
        { relativePath: 'scripts/run.py', sha256: SHA_X },
        { relativePath: 'SKILL.md', sha256: SHA_X },
      ]),
    );
  });

  it.each([
    ['pdf/../../x', "has an empty, '.' or '..' part"],
    ['pdf/./x', "has an empty, '.' or '..' part"],
    ['pdf//x', "has an empty, '.' or '..' part"],
    ['/etc/x', 'is an absolute path'],
    ['C:/x', 'is an absolute path'],
    ['pdf/..\\x', "holds '\\'"],
    ['pdf/a\u0000b', 'holds a control character'],
    ['pdf/a\nb', 'holds a control character'],
    ['pdf/a"b', 'holds a character an upload cannot carry'],
  ])('refuses the entry %j', (path, why) => {
    const read = readSkillArchive([entry('pdf/SKILL.md'), entry(path)]);
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.problem).toContain(why);
  });

  it('refuses files outside a folder, two top-level folders, a missing SKILL.md, a path twice, and nothing', () => {
    const problem = (...paths: string[]) => {
      const read = readSkillArchive(paths.map((p) => entry(p)));
      return read.ok ? undefined : read.problem;
    };
    expect(problem('SKILL.md')).toBe('the zip entry "SKILL.md" is not in a folder');
    expect(problem('a/SKILL.md', 'b/SKILL.md')).toBe('the zip holds 2 top-level folders (a, b), not one');
    expect(problem('a/run.py')).toBe('the zip has no a/SKILL.md');
    expect(problem('a/SKILL.md', './a/SKILL.md')).toBe('the zip holds "a/SKILL.md" twice');
    expect(problem()).toBe('the zip holds no file');
  });
});

describe('caseClashes', () => {
  it('names paths that differ only in case', () => {
    expect(
      caseClashes([{ relativePath: 'Notes.md' }, { relativePath: 'notes.md' }, { relativePath: 'a' }]),
    ).toEqual(['Notes.md and notes.md']);
    expect(caseClashes([{ relativePath: 'a/b' }, { relativePath: 'a/c' }])).toEqual([]);
  });
});
