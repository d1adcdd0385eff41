import { createHash } from 'node:crypto';
import { readFile, rename, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DesiredSkill } from '../../../src/model/desired.js';
import { skillContentHash, skillHashKey } from '../../../src/model/skill-content.js';
import { HashCache } from '../../../src/state/hash-cache.js';
import { addSkillHashes, hashDesiredFiles, skillFilesToHash } from '../../../src/workflow/file-hashes.js';
import { loadDesired } from '../../../src/workflow/prepare-plan.js';
import { workspace } from '../../helpers/workspace.js';

// A skill's content hash, as the plan's hash step takes it: over the folder's sorted relative
// paths and its files' hashes, through the hash cache, so that a plan of an unchanged folder
// reads no file (only stats), and any edit, addition or rename changes the hash.

const FILES = {
  'assistants.yaml': 'version: 1\nskills:\n  pdf: { path: skills/pdf }\n',
  'skills/pdf/SKILL.md': '---\nname: pdf\ndescription: Reads PDF forms\n---\n\nRun scripts/run.py.\n',
  'skills/pdf/scripts/run.py': 'print("pdf")\n',
  'skills/pdf/reference/forms.md': '# Forms\n',
};

async function skillOf(dir: string): Promise<DesiredSkill> {
  const { desired } = await loadDesired({ files: [dir], cwd: dir, env: {}, allowOutsideRoot: false });
  return desired.skills[0] as DesiredSkill;
}

/** The skill's hash and how many of its files were read, with the cache saved in `dir`. */
async function hashStep(dir: string): Promise<{ sha256: string; read: number }> {
  const skill = await skillOf(dir);
  const cache = await HashCache.load(path.join(dir, '.assistants/hashes.json'));
  const { hashes, read } = await hashDesiredFiles(skillFilesToHash([skill]), cache);
  addSkillHashes([skill], hashes);
  expect([...hashes.keys()]).toEqual([skillHashKey('pdf')]);
  return { sha256: hashes.get(skillHashKey('pdf')) as string, read };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe("a skill's content hash", () => {
  it('is the hash of its sorted paths and file hashes; an unchanged folder is hashed again reading nothing', async () => {
    const dir = await workspace(FILES);
    const first = await hashStep(dir);
    expect(first.read).toBe(3);
    expect(first.sha256).toBe(
      skillContentHash(
        ['SKILL.md', 'reference/forms.md', 'scripts/run.py'].map((relativePath) => ({
          relativePath,
          sha256: sha256(FILES[`skills/pdf/${relativePath}` as keyof typeof FILES]),
        })),
      ),
    );
    expect(await hashStep(dir)).toEqual({ sha256: first.sha256, read: 0 });
  });

  it('changes with an edit (one file read again), a new file, and a rename', async () => {
    const dir = await workspace(FILES);
    const first = await hashStep(dir);
    const run = path.join(dir, 'skills/pdf/scripts/run.py');
    await writeFile(run, 'print("PDF")\n');
    // Same size, a later mtime: the cache does not vouch for it, so it is read.
    await utimes(run, new Date(), new Date(Date.now() + 5000));
    const edited = await hashStep(dir);
    expect(edited.read).toBe(1);
    expect(edited.sha256).not.toBe(first.sha256);
    await writeFile(path.join(dir, 'skills/pdf/scripts/extra.py'), 'x = 1\n');
    const added = await hashStep(dir);
    expect(added.read).toBe(1);
    expect(added.sha256).not.toBe(edited.sha256);
    await rename(path.join(dir, 'skills/pdf/scripts/extra.py'), path.join(dir, 'skills/pdf/scripts/more.py'));
    const renamed = await hashStep(dir);
    expect(renamed.sha256).not.toBe(added.sha256);
    expect(await readFile(path.join(dir, 'skills/pdf/scripts/more.py'), 'utf8')).toBe('x = 1\n');
  });
});
