import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { apiList } from '../helpers/api-objects.js';
import { fakeKey } from '../helpers/fake-key.js';
import { EMPTY_LIST, NOCK_BASE_URL, NOCK_ORIGIN, recording, useNock } from '../helpers/nock-api.js';
import { runInProcess } from '../helpers/run-cli.js';
import { workspace } from '../helpers/workspace.js';

// A skill version's zip is the server's to write: `import --generate` must never write one of its
// entries outside DIR, whatever the zip names. The emulator refuses such uploads, so the hostile
// zips are served by nock; a skill with a good zip beside them is written as usual.

const KEY = fakeKey('sk-test-', 16, 'skill-paths');
const unmatched = useNock();

const SKILL_MD = (name: string) => `---\nname: ${name}\ndescription: ${name} does things\n---\n`;

function apiSkill(id: string, name: string, createdAt: number) {
  return {
    id,
    object: 'skill',
    created_at: createdAt,
    name,
    description: `${name} does things`,
    default_version: '1',
    latest_version: '1',
  };
}

/** A zip holding exactly these entries, names as given (fflate writes them as they are). */
function zipOf(entries: Record<string, string>): Buffer {
  return Buffer.from(
    zipSync(Object.fromEntries(Object.entries(entries).map(([name, text]) => [name, strToU8(text)]))),
  );
}

const ZIPS: Record<string, Buffer> = {
  skill_dotdot: zipOf({
    'dotdot/SKILL.md': SKILL_MD('dotdot'),
    'dotdot/../../../escaped.txt': 'out of the folder\n',
  }),
  skill_absolute: zipOf({
    'absolute/SKILL.md': SKILL_MD('absolute'),
    '/tmp/absolute-escape.txt': 'absolute\n',
  }),
  skill_backslash: zipOf({
    'backslash/SKILL.md': SKILL_MD('backslash'),
    'backslash/..\\..\\escaped-win.txt': 'windows\n',
  }),
  skill_macosx: zipOf({
    'macosx/SKILL.md': SKILL_MD('macosx'),
    // The archiver's resource forks are left out, wherever their names point.
    '__MACOSX/../../escaped-mac.txt': 'fork\n',
  }),
  skill_good: zipOf({ 'good/SKILL.md': SKILL_MD('good'), 'good/scripts/run.py': 'print("ok")\n' }),
};

async function filesBelow(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}

describe('import --generate and hostile skill zips', () => {
  it('writes no entry outside DIR: unsafe zips are skipped whole, a good one is written', async () => {
    // DIR two levels down, so that `../../..` from a skill's folder would still land in the test's folder.
    const root = await workspace({});
    const cwd = path.join(root, 'a', 'b');
    await mkdir(cwd, { recursive: true });
    const seen: string[] = [];
    nock(NOCK_ORIGIN)
      .persist()
      .get(/^\/v1\/(files|vector_stores|assistants)(\?.*)?$/)
      .reply(
        200,
        recording(seen, () => EMPTY_LIST),
      );
    const skills = Object.keys(ZIPS).map((id, i) =>
      apiSkill(id, id.replace('skill_', 'z-'), 1_700_000_000 + i),
    );
    nock(NOCK_ORIGIN)
      .get('/v1/skills')
      .query(true)
      .reply(
        200,
        recording(seen, () => apiList(skills)),
      );
    for (const [id, zip] of Object.entries(ZIPS))
      nock(NOCK_ORIGIN)
        .get(`/v1/skills/${id}/versions/1/content`)
        .reply(
          200,
          recording(seen, () => zip),
          { 'content-type': 'application/zip' },
        );

    const run = await runInProcess(
      ['import', '--generate', 'infra', '--skill-prefix', 'z-', '--base-url', NOCK_BASE_URL],
      {
        cwd,
        env: { OPENAI_API_KEY: KEY, CI: 'true' },
      },
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(unmatched).toEqual([]);
    // Read-only: nothing but GETs.
    expect(seen.every((call) => call.startsWith('GET '))).toBe(true);
    expect(run.stdout).toContain(
      'skill skill_dotdot "z-dotdot": its content is not a folder to write: the zip entry "dotdot/../../../escaped.txt" has an empty, \'.\' or \'..\' part',
    );
    expect(run.stdout).toContain(
      'skill skill_absolute "z-absolute": its content is not a folder to write: the zip entry "/tmp/absolute-escape.txt" is an absolute path',
    );
    expect(run.stdout).toContain(
      'skill skill_backslash "z-backslash": its content is not a folder to write: the zip entry "backslash/..\\\\..\\\\escaped-win.txt" holds \'\\\'',
    );
    expect(run.stdout).toContain('Downloaded 2 skills');

    // Everything written is below DIR, and only what the good zips hold.
    expect(await filesBelow(root)).toEqual([
      'a/b/.assistants/state.json',
      'a/b/infra/assistants.yaml',
      'a/b/infra/skills/z-good/SKILL.md',
      'a/b/infra/skills/z-good/scripts/run.py',
      'a/b/infra/skills/z-macosx/SKILL.md',
    ]);
    expect(existsSync('/tmp/absolute-escape.txt')).toBe(false);
    const manifest = await readFile(path.join(cwd, 'infra/assistants.yaml'), 'utf8');
    expect(manifest).toContain(
      'skills:\n  z-macosx: { path: skills/z-macosx }\n  z-good: { path: skills/z-good }\n',
    );
  });
});
