import { strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readSkillUpload } from '../../../src/emulator/skill-archive.js';
import { readSkillFrontMatter } from '../../../src/emulator/skill-front-matter.js';

const md = '---\nname: tools\ndescription: Useful tools\n---\n# Tools\n';

describe('SKILL.md front matter', () => {
  it('reads name and description, with a BOM, CRLF line ends and quoted or folded values', () => {
    expect(
      readSkillFrontMatter('\uFEFF---\r\nname: "a b"\r\ndescription: >\r\n  two\r\n  lines\r\n---\r\n', 'x'),
    ).toEqual({
      name: 'a b',
      description: 'two lines',
    });
    expect(readSkillFrontMatter('---\nname: n\ndescription: d\n---', 'x')).toEqual({
      name: 'n',
      description: 'd',
    });
  });

  it('refuses front matter that is not first, not closed, or empty', () => {
    for (const text of ['# title\n---\nname: n\ndescription: d\n---\n', '---\nname: n\ndescription: d\n', ''])
      expect(() => readSkillFrontMatter(text, 'x/SKILL.md')).toThrow(
        /x\/SKILL.md must begin with YAML front matter/,
      );
    expect(() => readSkillFrontMatter('---\n\n---\n', 'x')).toThrow(/must be a YAML mapping/);
    expect(() => readSkillFrontMatter('---\nname: n\ndescription: "  "\n---\n', 'x')).toThrow(
      /'description' to a non-empty string; found " {2}"/,
    );
  });
});

describe('skill uploads', () => {
  it('zips a folder upload with its paths, leading ./ dropped', () => {
    const archive = readSkillUpload([
      { filename: './tools/SKILL.md', data: strToU8(md) },
      { filename: 'tools/bin/run.sh', data: strToU8('echo\n') },
    ]);
    expect(archive).toMatchObject({ folder: 'tools', name: 'tools', description: 'Useful tools' });
    expect(Object.keys(unzipSync(archive.zip))).toEqual(['tools/SKILL.md', 'tools/bin/run.sh']);
  });

  it('reads a zip, skipping folder entries and the macOS archiver’s __MACOSX/', () => {
    const zip = zipSync({
      tools: { 'SKILL.md': strToU8(md) },
      __MACOSX: { tools: { '._SKILL.md': strToU8('x') } },
    });
    const archive = readSkillUpload([{ filename: 'upload.bin', data: zip }]);
    expect([...archive.files.keys()]).toEqual(['tools/SKILL.md']);
    expect(archive.zip).toBe(zip);
  });

  it('refuses a path named twice, absolute paths and backslashes', () => {
    const part = (filename: string) => ({ filename, data: strToU8(md) });
    expect(() => readSkillUpload([part('t/SKILL.md'), part('t/SKILL.md')])).toThrow(
      /names the file 't\/SKILL.md' twice/,
    );
    expect(() => readSkillUpload([part('/t/SKILL.md')])).toThrow(/Invalid file path '\/t\/SKILL.md'/);
    expect(() => readSkillUpload([part('t\\SKILL.md')])).toThrow(/Invalid file path/);
    expect(() => readSkillUpload([])).toThrow(/holds no files/);
  });
});
