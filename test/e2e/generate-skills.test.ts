import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../helpers/emulator.js';
import { fakeKey } from '../helpers/fake-key.js';
import { runInProcess } from '../helpers/run-cli.js';
import { workspace } from '../helpers/workspace.js';

// `import --generate DIR` of an account with skills, through the real CLI against the emulator:
// each skill's default version is written to DIR/skills/KEY/, the manifest names that folder, and
// the state records it so that the next plan is a no-op. Only with --skill-prefix, and only skills
// whose name starts with it; a skill another workspace's state holds is not adopted.

const KEY = fakeKey('sk-e2e-', 16, 'generate-skills');
const fx = useEmulator();

function cli(cwd: string, args: string[]) {
  return runInProcess([...args, '--base-url', fx().emulator.url], {
    cwd,
    env: { OPENAI_API_KEY: KEY, CI: 'true' },
  });
}

const skillMd = (name: string, description: string) =>
  `---\nname: ${name}\ndescription: ${description}\n---\n\n# ${name}\n`;

/**
 * A folder upload, files given by their path in the folder: FormData, since the SDK's own form
 * builder keeps only the last segment of a file's name (it sends FormData as it is).
 */
function folderForm(folder: string, files: Record<string, string>, makeDefault = false): never {
  const form = new FormData();
  for (const [name, text] of Object.entries(files))
    form.append('files[]', new Blob([text]), `${folder}/${name}`);
  if (makeDefault) form.append('default', 'true');
  return form as never;
}

/** Every file below `dir`, relative and `/`-separated, sorted. */
async function filesBelow(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}

describe('import --generate of an account with skills', () => {
  it('writes each skill into DIR/skills, names it in the manifest, and plans clean', async () => {
    const { client } = fx();
    const pdf = await client.skills.create(
      folderForm('pdf-tools', {
        'SKILL.md': skillMd('pdf-tools', 'Reads and fills PDF forms'),
        'scripts/run.py': 'print("pdf 1")\n',
      }),
    );
    // A second version made the default: generate takes the default, not the first.
    await client.skills.versions.create(
      pdf.id,
      folderForm(
        'pdf-tools',
        {
          'SKILL.md': skillMd('pdf-tools', 'Reads, fills and signs PDF forms'),
          'scripts/run.py': 'print("pdf 2")\n',
          'reference/fields.md': '# Fields\n',
        },
        true,
      ),
    );
    await client.skills.create(
      folderForm('folder-name-ignored', {
        'SKILL.md': skillMd('pdf CSV Tools', 'Cleans CSV files'),
      }),
    );
    const dir = await workspace({});

    const run = await cli(dir, ['import', '--generate', 'infra', '--skill-prefix', 'pdf']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `Downloaded 2 skills (each one's default version) into ${path.join('infra', 'skills')}`,
    );
    expect(await filesBelow(path.join(dir, 'infra/skills'))).toEqual([
      'pdf-csv-tools/SKILL.md',
      'pdf-tools/SKILL.md',
      'pdf-tools/reference/fields.md',
      'pdf-tools/scripts/run.py',
    ]);
    expect(await readFile(path.join(dir, 'infra/skills/pdf-tools/scripts/run.py'), 'utf8')).toBe(
      'print("pdf 2")\n',
    );
    const manifest = await readFile(path.join(dir, 'infra/assistants.yaml'), 'utf8');
    // Oldest first; made in the same second, they are in the order of their ids.
    expect(manifest).toMatch(/\nskills:\n( {2}[a-z-]+: \{ path: skills\/[a-z-]+ \}\n){2}$/);
    expect(manifest).toContain('  pdf-tools: { path: skills/pdf-tools }\n');
    expect(manifest).toContain('  pdf-csv-tools: { path: skills/pdf-csv-tools }\n');
    const state = JSON.parse(await readFile(path.join(dir, '.assistants/state.json'), 'utf8')) as {
      resources: Record<string, { id: string; attributes: Record<string, unknown> }>;
    };
    expect(state.resources['skill.pdf-tools']).toMatchObject({
      id: pdf.id,
      attributes: {
        path: 'skills/pdf-tools',
        name: 'pdf-tools',
        description: 'Reads, fills and signs PDF forms',
        default_version: '2',
        keep_versions: 3,
      },
    });

    const plan = await cli(dir, ['plan', '-f', 'infra', '--detailed-exitcode']);
    expect(plan.stdout).toContain('No changes');
    expect(plan.code).toBe(0);
    // What generate wrote is managed from there: an edit is a new version of the same skill.
    const edit = path.join(dir, 'infra/skills/pdf-tools/scripts/run.py');
    await writeFile(edit, 'print("pdf 3")\n');
    const edited = await cli(dir, ['plan', '-f', 'infra', '--detailed-exitcode']);
    expect(edited.code).toBe(2);
    expect(edited.stdout).toContain(`~ skill.pdf-tools (${pdf.id})`);
  });

  it("leaves a skill another workspace's state holds, and says so", async () => {
    const dir = await workspace({
      'stack/assistants.yaml': 'version: 1\nskills:\n  kept: { path: skills/kept }\n',
      'stack/skills/kept/SKILL.md': skillMd('kept-elsewhere', 'Managed by staging'),
    });
    const applied = await cli(dir, ['apply', '-f', 'stack', '--workspace', 'staging', '--auto-approve']);
    expect(applied.code, applied.stderr).toBe(0);
    const held = (await fx().client.skills.list()).data[0];
    await fx().client.skills.create(
      folderForm('free', { 'SKILL.md': skillMd('kept-free', 'Nobody manages it') }),
    );

    const run = await cli(dir, ['import', '--generate', 'infra', '--skill-prefix', 'kept']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `skill ${held?.id} "kept-elsewhere": managed as skill.kept of workspace staging; adopt it there`,
    );
    expect(await filesBelow(path.join(dir, 'infra/skills'))).toEqual(['kept-free/SKILL.md']);
    const plan = await cli(dir, ['plan', '-f', 'infra', '--detailed-exitcode']);
    expect(plan.stdout).toContain('No changes');
    expect(plan.code).toBe(0);
  });

  it('adopts no skill without --skill-prefix, and lists each with how to ask', async () => {
    const { client } = fx();
    const other = await client.skills.create(
      folderForm('other', { 'SKILL.md': skillMd('other-stack-tool', 'Another stack manages it') }),
    );
    const dir = await workspace({});

    const run = await cli(dir, ['import', '--generate', 'infra']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`skill ${other.id} "other-stack-tool": skills carry no ownership stamp`);
    expect(run.stdout).toContain('--skill-prefix PREFIX');
    expect(run.stdout).not.toContain('Downloaded');
    const manifest = await readFile(path.join(dir, 'infra/assistants.yaml'), 'utf8');
    expect(manifest).not.toContain('skills:');
    await expect(readdir(path.join(dir, 'infra/skills'))).rejects.toThrow(/ENOENT/);
    // Not adopted, so not destroyed: the state holds no skill.
    const state = JSON.parse(await readFile(path.join(dir, '.assistants/state.json'), 'utf8')) as {
      resources: Record<string, { kind: string }>;
    };
    expect(Object.values(state.resources).filter((r) => r.kind === 'skill')).toEqual([]);
  });

  it('adopts only the skills whose name starts with --skill-prefix, and not one another workspace let go', async () => {
    const { client } = fx();
    await client.skills.create(folderForm('a', { 'SKILL.md': skillMd('acme-pdf', 'Ours') }));
    await client.skills.create(folderForm('b', { 'SKILL.md': skillMd('other-pdf', 'Theirs') }));
    const dir = await workspace({
      'stack/assistants.yaml': 'version: 1\nskills:\n  gone: { path: skills/gone }\n',
      'stack/skills/gone/SKILL.md': skillMd('acme-gone', 'Let go by staging'),
    });
    const applied = await cli(dir, ['apply', '-f', 'stack', '--workspace', 'staging', '--auto-approve']);
    expect(applied.code, applied.stderr).toBe(0);
    const removed = await cli(dir, ['state', 'rm', 'skill.gone', '--workspace', 'staging']);
    expect(removed.code, removed.stderr).toBe(0);

    const run = await cli(dir, ['import', '--generate', 'infra', '--skill-prefix', 'acme-']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      '"acme-gone": claimed by skill.gone of workspace staging (let go with state rm)',
    );
    expect(run.stdout).not.toContain('other-pdf');
    expect(await filesBelow(path.join(dir, 'infra/skills'))).toEqual(['acme-pdf/SKILL.md']);
  });

  it('refuses an empty --skill-prefix, and one without --generate', async () => {
    const dir = await workspace({});
    const empty = await cli(dir, ['import', '--generate', 'infra', '--skill-prefix', ' ']);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('--skill-prefix is empty');
    const single = await cli(dir, ['import', 'skill.x', 'skill_1', '--skill-prefix', 'acme-']);
    expect(single.code).toBe(1);
    expect(single.stderr).toContain('--skill-prefix chooses the skills --generate adopts');
  });
});
