import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { validateManifests } from '../../../src/manifest/validate.js';
import { DEFAULT_KEEP_VERSIONS } from '../../../src/model/desired.js';
import { brief, check, onlyError } from '../../helpers/validate.js';
import { type FileSpec, workspace, yaml } from '../../helpers/workspace.js';

/** A SKILL.md that names the skill `name`. */
const skillMd = (name: string, description = `What ${name} does`) =>
  `---\nname: ${name}\ndescription: ${description}\n---\n\n# ${name}\n`;

/** One skill `pdf` at skills/pdf (line 4 col 11 is its `path:` value), with the folder's files. */
const ONE_SKILL = yaml`
  version: 1
  skills:
    pdf:
      path: skills/pdf
`;
const AT_PATH = 'assistants.yaml:4:11';

/** The files of a skill folder at skills/pdf. */
function inPdf(files: Record<string, FileSpec>): Record<string, FileSpec> {
  return Object.fromEntries(Object.entries(files).map(([rel, spec]) => [`skills/pdf/${rel}`, spec]));
}

/** A string that lives only outside the manifest root: it must never appear in any finding. */
const CANARY = 'CANARY-5d2a71';

/** A folder outside every workspace, holding `files`; removed when the test ends. */
async function outside(files: Record<string, string>): Promise<string> {
  const dir = await realpath(await mkdtemp(path.join(tmpdir(), 'assistants-iac-outside-')));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), text);
  }
  return dir;
}

describe('skills: the desired model', () => {
  it('a valid skill is every file of its folder, sorted by path, with sizes, and its front matter', async () => {
    const result = await check(
      yaml`
        version: 1
        skills:
          pdf-tools:
            path: skills/pdf-tools
          notes:
            path: skills/notes/
            keep_versions: 5
            protect: true
      `,
      {
        'skills/pdf-tools/SKILL.md':
          '---\nname: pdf-tools\ndescription: "  Reads PDFs  "\n---\nUse scripts/run.py.\n',
        'skills/pdf-tools/scripts/run.py': 'print("run")\n',
        'skills/pdf-tools/scripts/lib/util.py': 'x = 1\n',
        'skills/pdf-tools/README.md': '# readme\n',
        'skills/pdf-tools/B.txt': 'b',
        'skills/pdf-tools/.env.example': 'A=1\n',
        'skills/pdf-tools/empty/': { dir: true },
        'skills/notes/SKILL.md': skillMd('notes'),
      },
    );
    expect(result.errors.map(brief)).toEqual([]);
    const skills = result.value?.skills ?? [];
    expect(skills.map((s) => s.address)).toEqual(['skill.notes', 'skill.pdf-tools']);
    const pdf = skills[1];
    const folder = path.join(result.dir, 'skills/pdf-tools');
    const files = ['.env.example', 'B.txt', 'README.md', 'SKILL.md', 'scripts/lib/util.py', 'scripts/run.py'];
    const expected = await Promise.all(
      files.map(async (relativePath) => {
        const info = await stat(path.join(folder, relativePath));
        return {
          relativePath,
          path: path.join(folder, relativePath),
          bytes: info.size,
          mtimeMs: info.mtimeMs,
        };
      }),
    );
    expect(pdf).toEqual({
      address: 'skill.pdf-tools',
      name: 'pdf-tools',
      path: folder,
      relativePath: 'skills/pdf-tools',
      skillName: 'pdf-tools',
      description: 'Reads PDFs',
      files: expected,
      keepVersions: DEFAULT_KEEP_VERSIONS,
      protect: false,
      source: { file: 'assistants.yaml', line: 3, column: 3, endLine: 3, endColumn: 12 },
    });
    expect(pdf?.files.map((f) => f.bytes)).toEqual([4, 1, 9, 74, 6, 13]);
    expect(skills[0]).toMatchObject({
      name: 'notes',
      relativePath: 'skills/notes',
      keepVersions: 5,
      protect: true,
      files: [{ relativePath: 'SKILL.md' }],
    });
    expect(result.warnings).toEqual([]);
  });

  it('files are sorted by code units, not by locale', async () => {
    const result = await check(
      ONE_SKILL,
      inPdf({
        'SKILL.md': skillMd('pdf'),
        'a.md': 'a',
        'Z.md': 'Z',
        'é.md': 'e',
        '_x.md': '_',
        'a/b.md': 'ab',
      }),
    );
    expect(result.value?.skills[0]?.files.map((f) => f.relativePath)).toEqual([
      'SKILL.md',
      'Z.md',
      '_x.md',
      'a.md',
      'a/b.md',
      'é.md',
    ]);
  });

  it('a link inside the skill to a file or folder inside the root is followed: named as the folder shows it, uploaded from where it is', async () => {
    const result = await check(ONE_SKILL, {
      ...inPdf({
        'SKILL.md': skillMd('pdf'),
        'lib.py': { symlink: '../../shared/lib.py' },
        data: { symlink: '../../shared/data' },
      }),
      'shared/lib.py': 'def f(): pass\n',
      'shared/data/table.csv': 'a,b\n',
    });
    expect(result.errors.map(brief)).toEqual([]);
    const files = result.value?.skills[0]?.files ?? [];
    expect(files.map((f) => [f.relativePath, path.relative(result.dir, f.path)])).toEqual([
      ['SKILL.md', 'skills/pdf/SKILL.md'],
      ['data/table.csv', 'shared/data/table.csv'],
      ['lib.py', 'shared/lib.py'],
    ]);
  });

  it('the skill folder itself may be a link inside the root', async () => {
    const result = await check(ONE_SKILL, {
      'skills/pdf': { symlink: '../real-pdf' },
      'real-pdf/SKILL.md': skillMd('pdf'),
    });
    expect(result.errors.map(brief)).toEqual([]);
    expect(result.value?.skills[0]).toMatchObject({
      path: path.join(result.dir, 'real-pdf'),
      relativePath: 'real-pdf',
    });
  });

  it('a skill defined in two manifest files is the usual duplicate, located at both', async () => {
    const dir = await workspace({
      'a.yaml': ONE_SKILL,
      'b.yaml': yaml`
        version: 1
        skills:
          pdf: { path: skills/pdf }
      `,
      ...inPdf({ 'SKILL.md': skillMd('pdf') }),
    });
    const result = await validateManifests(['.'], { cwd: dir, env: {} });
    const error = onlyError(result);
    expect(brief(error)).toBe('b.yaml:3:3 DUPLICATE_NAME skill "pdf" is defined twice');
    expect(error.related?.[0]?.location).toMatchObject({ file: 'a.yaml', line: 3, column: 3 });
  });

  it("a file of a skill cannot be an agent's render_to", async () => {
    const result = await check(
      yaml`
        version: 1
        skills:
          pdf: { path: skills/pdf }
        agents:
          bot: { model: gpt-4.1, render_to: skills/pdf/request.json }
      `,
      inPdf({ 'SKILL.md': skillMd('pdf'), 'request.json': '{"model": "gpt-4.1"}' }),
    );
    expect(brief(onlyError(result))).toBe(
      'assistants.yaml:5:37 INVALID_VALUE render_to "skills/pdf/request.json" of agent "bot" is a file the manifests read or upload; apply would overwrite it',
    );
  });

  it('moved: takes skill addresses', async () => {
    const result = await check(
      yaml`
        version: 1
        skills:
          pdf: { path: skills/pdf }
        moved:
          - { from: skill.pdf-old, to: skill.pdf }
      `,
      inPdf({ 'SKILL.md': skillMd('pdf') }),
    );
    expect(result.errors.map(brief)).toEqual([]);
    expect(result.value?.moves).toMatchObject([{ from: 'skill.pdf-old', to: 'skill.pdf' }]);
  });
});

describe('skills: the schema', () => {
  it.each([
    [
      'an unknown key, with the closest',
      'pdf: { path: skills/pdf, keep_version: 2 }',
      'assistants.yaml:3:28 UNKNOWN_KEY unknown key "keep_version" in skill "pdf"; did you mean "keep_versions"?',
    ],
    [
      'keep_versions below 1',
      'pdf: { path: skills/pdf, keep_versions: 0 }',
      'assistants.yaml:3:43 OUT_OF_RANGE keep_versions of skill "pdf" is 0; it must be at least 1',
    ],
    [
      'no path',
      'pdf: { protect: true }',
      'assistants.yaml:3:3 MISSING_FIELD skill "pdf" is missing the required field "path"',
    ],
  ])('%s', async (_, entry, expected) => {
    const result = await check(`version: 1\nskills:\n  ${entry}\n`, inPdf({ 'SKILL.md': skillMd('pdf') }));
    expect(brief(onlyError(result))).toBe(expected);
  });
});

describe('skills: the folder', () => {
  it('a folder that does not exist', async () => {
    const result = await check(ONE_SKILL);
    expect(brief(onlyError(result))).toBe(
      `${AT_PATH} FILE_NOT_FOUND skill "pdf": folder "skills/pdf" does not exist (looked for ${path.join(result.dir, 'skills/pdf')})`,
    );
  });

  it('a path that is a file', async () => {
    const result = await check(ONE_SKILL, { 'skills/pdf': skillMd('pdf') });
    const error = onlyError(result);
    expect(brief(error)).toBe(`${AT_PATH} SKILL_NOT_A_FOLDER skill "pdf": path "skills/pdf" is not a folder`);
    expect(error.hint).toMatch(/point path at the folder/);
  });

  it('a folder written outside the root, and accepted with --allow-outside-root', async () => {
    const manifest = yaml`
      version: 1
      skills:
        pdf:
          path: ../shared/pdf
    `;
    const files = { 'stack/assistants.yaml': manifest, 'shared/pdf/SKILL.md': skillMd('pdf') };
    const dir = await workspace(files);
    const args = ['stack/assistants.yaml'];
    const refused = await validateManifests(args, { cwd: dir, env: {} });
    expect(brief(onlyError(refused))).toBe(
      `stack/assistants.yaml:4:11 PATH_OUTSIDE_ROOT skill "pdf": path "../shared/pdf" is outside the manifest root ${path.join(dir, 'stack')}`,
    );
    const allowed = await validateManifests(args, { cwd: dir, env: {}, allowOutsideRoot: true });
    expect(allowed.errors).toEqual([]);
    expect(allowed.value?.skills[0]).toMatchObject({
      relativePath: '../shared/pdf',
      files: [{ relativePath: 'SKILL.md' }],
    });
  });

  it('a link inside the skill that leads outside the root: named as written, nothing outside read or named', async () => {
    const out = await outside({ 'secret.txt': CANARY, 'dir/key.pem': CANARY });
    const files = inPdf({
      'SKILL.md': skillMd('pdf'),
      'secret.txt': { symlink: path.join(out, 'secret.txt') },
      keys: { symlink: path.join(out, 'dir') },
    });
    const result = await check(ONE_SKILL, files);
    expect(result.errors.map(brief)).toEqual([
      `${AT_PATH} PATH_OUTSIDE_ROOT skill "pdf": "skills/pdf/keys" is a link that leads outside the manifest root ${result.dir}`,
      `${AT_PATH} PATH_OUTSIDE_ROOT skill "pdf": "skills/pdf/secret.txt" is a link that leads outside the manifest root ${result.dir}`,
    ]);
    expect(JSON.stringify(result)).not.toContain(out);
    expect(JSON.stringify(result)).not.toContain(CANARY);

    // --allow-outside-root: the links are followed, as for files.
    const allowed = await validateManifests(['assistants.yaml'], {
      cwd: result.dir,
      env: {},
      allowOutsideRoot: true,
    });
    expect(allowed.errors).toEqual([]);
    expect(allowed.value?.skills[0]?.files.map((f) => [f.relativePath, f.path])).toEqual([
      ['SKILL.md', path.join(result.dir, 'skills/pdf/SKILL.md')],
      ['keys/key.pem', path.join(out, 'dir/key.pem')],
      ['secret.txt', path.join(out, 'secret.txt')],
    ]);
  });

  it('a folder link that leads back up is a loop, and the walk ends', async () => {
    const result = await check(
      ONE_SKILL,
      inPdf({
        'SKILL.md': skillMd('pdf'),
        'sub/self': { symlink: '.' },
        'sub/up': { symlink: '../..' },
        top: { symlink: '../..' },
      }),
    );
    expect(result.errors.map(brief)).toEqual(
      [
        `${AT_PATH} LINK_LOOP skill "pdf": "skills/pdf/sub/self" is a link to a folder that holds it: the skill's folder would never end`,
        `${AT_PATH} LINK_LOOP skill "pdf": "skills/pdf/sub/up" is a link to a folder that holds it: the skill's folder would never end`,
        `${AT_PATH} LINK_LOOP skill "pdf": "skills/pdf/top" is a link to a folder that holds it: the skill's folder would never end`,
      ].sort(),
    );
  });

  it('links that loop among themselves, and a link to nothing', async () => {
    const result = await check(
      ONE_SKILL,
      inPdf({
        'SKILL.md': skillMd('pdf'),
        a: { symlink: 'b' },
        b: { symlink: 'a' },
        gone: { symlink: 'no-such-file' },
      }),
    );
    expect(result.errors.map(brief)).toEqual([
      `${AT_PATH} FILE_NOT_FOUND skill "pdf": "skills/pdf/gone" is a link that leads nowhere (ENOENT)`,
      `${AT_PATH} LINK_LOOP skill "pdf": "skills/pdf/a" is a link that loops`,
      `${AT_PATH} LINK_LOOP skill "pdf": "skills/pdf/b" is a link that loops`,
    ]);
  });

  it('a FIFO in the folder is refused without being opened', { timeout: 10_000 }, async () => {
    const dir = await workspace({ 'assistants.yaml': ONE_SKILL, ...inPdf({ 'SKILL.md': skillMd('pdf') }) });
    execFileSync('mkfifo', [path.join(dir, 'skills/pdf/pipe')]);
    const result = await validateManifests(['assistants.yaml'], { cwd: dir, env: {} });
    const error = onlyError(result);
    expect(brief(error)).toBe(
      `${AT_PATH} NOT_A_REGULAR_FILE skill "pdf": "skills/pdf/pipe" is not a regular file or folder (a FIFO, socket or device)`,
    );
  });

  it('a name the upload cannot carry', async () => {
    const result = await check(ONE_SKILL, inPdf({ 'SKILL.md': skillMd('pdf'), 'say "hi".md': 'x' }));
    const error = onlyError(result);
    expect(brief(error)).toBe(
      `${AT_PATH} UNSUPPORTED_FILE_NAME skill "pdf": "skills/pdf/say "hi".md" has a name the API would not record as written`,
    );
  });

  it('more than 500 files', async () => {
    const files: Record<string, FileSpec> = { 'SKILL.md': skillMd('pdf') };
    for (let i = 0; i < 500; i++) files[`data/${String(i).padStart(3, '0')}.txt`] = '';
    const result = await check(ONE_SKILL, inPdf(files));
    const error = onlyError(result);
    expect(brief(error)).toBe(
      `${AT_PATH} SKILL_TOO_MANY_FILES skill "pdf": folder "skills/pdf" holds more than 500 files; a skill version holds at most 500`,
    );
    expect(error.hint).toMatch(/hidden ones too/);
  });

  it('a maze of folder links ends: past 10,000 entries the walk stops', async () => {
    // Each folder links twice to the next: 2^16 routes through 34 links on disk.
    const maze: Record<string, FileSpec> = { 'maze/d16/x.txt': 'x' };
    for (let i = 0; i < 16; i++) {
      maze[`maze/d${i}/a`] = { symlink: `../d${i + 1}` };
      maze[`maze/d${i}/b`] = { symlink: `../d${i + 1}` };
    }
    const result = await check(ONE_SKILL, {
      ...maze,
      ...inPdf({ 'SKILL.md': skillMd('pdf'), maze: { symlink: '../../maze/d0' } }),
    });
    expect(brief(onlyError(result))).toBe(
      `${AT_PATH} SKILL_TOO_MANY_FILES skill "pdf": folder "skills/pdf" holds more than 10,000 entries (files, folders and links, counted as the folder shows them)`,
    );
  });

  it('500 files are fine', async () => {
    const files: Record<string, FileSpec> = { 'SKILL.md': skillMd('pdf') };
    for (let i = 0; i < 499; i++) files[`data/${i}.txt`] = '';
    const result = await check(ONE_SKILL, inPdf(files));
    expect(result.errors).toEqual([]);
    expect(result.value?.skills[0]?.files).toHaveLength(500);
  });

  it('more than 50 MB in all (sparse files: nothing is read)', async () => {
    const result = await check(
      ONE_SKILL,
      inPdf({
        'SKILL.md': skillMd('pdf'),
        'a.bin': { sparseBytes: 30 * 2 ** 20 },
        'b.bin': { sparseBytes: 21 * 2 ** 20 },
      }),
    );
    expect(brief(onlyError(result))).toBe(
      `${AT_PATH} SKILL_TOO_LARGE skill "pdf": the files of folder "skills/pdf" are 51 MB in all; a skill version may be at most 50 MB`,
    );
  });
});

describe('skills: SKILL.md', () => {
  it('a folder without SKILL.md', async () => {
    const result = await check(ONE_SKILL, inPdf({ 'README.md': '# pdf', 'sub/SKILL.md': skillMd('pdf') }));
    const error = onlyError(result);
    expect(brief(error)).toBe(
      `${AT_PATH} SKILL_MD_MISSING skill "pdf": folder "skills/pdf" has no SKILL.md at its top`,
    );
    expect(error.hint).toMatch(/front matter/);
  });

  it('skill.md in lower case: the hint says to rename it', async () => {
    const result = await check(ONE_SKILL, inPdf({ 'skill.md': skillMd('pdf') }));
    expect(onlyError(result)).toMatchObject({
      code: 'SKILL_MD_MISSING',
      hint: 'the name is SKILL.md, in capitals: rename skill.md',
    });
  });

  it('SKILL.md that is a folder', async () => {
    const result = await check(ONE_SKILL, inPdf({ 'SKILL.md/x.md': 'x' }));
    expect(onlyError(result).code).toBe('SKILL_MD_MISSING');
  });

  it.each([
    ['no front matter', '# pdf\n', '"skills/pdf/SKILL.md" does not begin with YAML front matter'],
    [
      'front matter not closed',
      '---\nname: pdf\ndescription: d\n',
      '"skills/pdf/SKILL.md" does not begin with YAML front matter',
    ],
    [
      'front matter after text',
      '# pdf\n---\nname: pdf\ndescription: d\n---\n',
      '"skills/pdf/SKILL.md" does not begin with YAML front matter',
    ],
    [
      'front matter that is not YAML',
      '---\nname: [unclosed\n---\n',
      'the front matter of "skills/pdf/SKILL.md" is not valid YAML (line 2, column 16): Flow sequence in block collection must be sufficiently indented and end with a ]',
    ],
    [
      'front matter that is a list',
      '---\n- name\n---\n',
      'the front matter of "skills/pdf/SKILL.md" is not a mapping with name and description',
    ],
    [
      'no description',
      '---\nname: pdf\n---\n',
      'the front matter of "skills/pdf/SKILL.md" does not set description',
    ],
    [
      'an empty description',
      '---\nname: pdf\ndescription: "  "\n---\n',
      'the front matter of "skills/pdf/SKILL.md" sets description to "  ", not a non-empty string',
    ],
    [
      'a name that is a number',
      '---\nname: 42\ndescription: d\n---\n',
      'the front matter of "skills/pdf/SKILL.md" sets name to 42, not a non-empty string',
    ],
  ])('%s', async (_, text, message) => {
    const result = await check(ONE_SKILL, inPdf({ 'SKILL.md': text }));
    const error = onlyError(result);
    expect(brief(error)).toBe(`${AT_PATH} SKILL_FRONT_MATTER_INVALID skill "pdf": ${message}`);
    expect(error.hint).toBe('begin SKILL.md with a line ---, then name: and description:, then a line ---');
  });

  it('a BOM and CRLF line ends are fine', async () => {
    const result = await check(
      ONE_SKILL,
      inPdf({ 'SKILL.md': '\uFEFF---\r\nname: pdf\r\ndescription: Reads PDFs\r\n---\r\n' }),
    );
    expect(result.errors).toEqual([]);
    expect(result.value?.skills[0]).toMatchObject({ skillName: 'pdf', description: 'Reads PDFs' });
  });

  it('two skills whose front matter names them alike: the second is the error', async () => {
    const result = await check(
      yaml`
        version: 1
        skills:
          pdf:
            path: skills/pdf
          pdf-copy:
            path: skills/pdf-copy
          same-folder:
            path: skills/pdf/
      `,
      { ...inPdf({ 'SKILL.md': skillMd('pdf-tools') }), 'skills/pdf-copy/SKILL.md': skillMd('pdf-tools') },
    );
    expect(result.errors.map(brief)).toEqual([
      'assistants.yaml:6:11 DUPLICATE_SKILL_NAME skill "pdf-copy" is named "pdf-tools" in its SKILL.md, as skill "pdf" is',
      'assistants.yaml:8:11 DUPLICATE_SKILL_NAME skill "same-folder" is named "pdf-tools" in its SKILL.md, as skill "pdf" is (both are the folder skills/pdf)',
    ]);
    expect(result.errors[0]?.related).toEqual([
      {
        message: 'skill "pdf" is here',
        location: expect.objectContaining({ file: 'assistants.yaml', line: 4, column: 11 }),
      },
    ]);
    expect(result.errors[1]?.hint).toBe(
      'one folder is one skill: use the name "pdf" wherever this skill is meant',
    );
  });
});
