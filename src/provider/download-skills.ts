import { constants } from 'node:fs';
import { mkdir, open, realpath, rm } from 'node:fs/promises';
import path from 'node:path';
import { toAssistantsError } from '../errors/index.js';
import { type ArchiveFile, caseClashes } from '../model/skill-archive.js';
import { parseSkillFrontMatter, type SkillFrontMatter } from '../model/skill-front-matter.js';
import { mapLimit } from '../util/concurrency.js';
import type { ApiReader } from './live-view.js';
import { readSkillVersion } from './skill-version-content.js';

/** A skill version to write as a folder (for `import --generate`). */
export interface SkillDownload {
  id: string;
  version: string;
  /** The folder to write, relative to `root`, `/`-separated; it must not exist yet. */
  relativeFolder: string;
}

/**
 * What became of one: written (with the content hash of what is on disk now, and SKILL.md's front
 * matter as a plan reads it), or why not.
 */
export type SkillDownloadResult =
  | { status: 'written'; sha256: string; files: number; frontMatter: SkillFrontMatter }
  | { status: 'skipped'; reason: string };

/**
 * Writes each skill version's files into `root/relativeFolder`, `concurrency` skills at a time.
 * Only a zip that reads as one folder of safe paths is written (see readSkillArchive), and none
 * whose paths differ only in case; every file is created anew (never over an existing one, never
 * through a link), inside the folder. A skill that cannot be fetched, read or written is skipped,
 * with what it wrote taken away: its folder holds all of the version or nothing.
 */
export async function downloadSkills(
  reader: ApiReader,
  requests: readonly SkillDownload[],
  root: string,
  concurrency = 4,
): Promise<Map<string, SkillDownloadResult>> {
  const results = await mapLimit(requests, concurrency, async (request): Promise<SkillDownloadResult> => {
    let archive: Awaited<ReturnType<typeof readSkillVersion>>;
    try {
      archive = await readSkillVersion(reader, request.id, request.version);
    } catch (err) {
      return {
        status: 'skipped',
        reason: `its content could not be downloaded: ${toAssistantsError(err).message}`,
      };
    }
    if (!archive.ok)
      return { status: 'skipped', reason: `its content is not a folder to write: ${archive.problem}` };
    // The manifests would refuse a SKILL.md whose front matter does not read (SKILL_FRONT_MATTER_INVALID).
    const skillMd = archive.files.find((file) => file.relativePath === 'SKILL.md') as ArchiveFile;
    const parsed = parseSkillFrontMatter(new TextDecoder().decode(skillMd.data));
    if ('problem' in parsed)
      return { status: 'skipped', reason: `its SKILL.md has no front matter with a name and a description` };
    const clashes = caseClashes(archive.files);
    if (clashes.length > 0)
      return {
        status: 'skipped',
        reason: `its files ${clashes[0]} differ only in case, which some file systems take for one file`,
      };
    const folder = path.join(root, ...request.relativeFolder.split('/'));
    try {
      await mkdir(path.dirname(folder), { recursive: true });
      await mkdir(folder);
    } catch (err) {
      // Not made by this run (it was there, or could not be made): left as it is.
      return {
        status: 'skipped',
        reason: `${request.relativeFolder} could not be made: ${(err as Error).message}`,
      };
    }
    try {
      await writeFiles(folder, archive.files);
    } catch (err) {
      // The folder is this run's own: all of it goes, so that it never holds part of a version.
      await rm(folder, { recursive: true, force: true }).catch(() => undefined);
      return { status: 'skipped', reason: `its files could not be written: ${(err as Error).message}` };
    }
    return {
      status: 'written',
      sha256: archive.sha256,
      files: archive.files.length,
      frontMatter: parsed.frontMatter,
    };
  });
  return new Map(requests.map((request, index) => [request.id, results[index] as SkillDownloadResult]));
}

/** Never follows a link where a file is to be made (0 where the system has no such flag). */
const CREATE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);

/**
 * Writes the files below `folder` (made just now, empty). Each file's folder is checked, once
 * made, to resolve inside `folder`: the paths were checked already, and this holds even if
 * something else put a link in the way meanwhile.
 */
async function writeFiles(folder: string, files: readonly ArchiveFile[]): Promise<void> {
  const real = await realpath(folder);
  for (const file of files) {
    const target = path.join(folder, ...file.relativePath.split('/'));
    const parent = path.dirname(target);
    await mkdir(parent, { recursive: true });
    const realParent = await realpath(parent);
    if (realParent !== real && !realParent.startsWith(`${real}${path.sep}`))
      throw new Error(`${file.relativePath} would be written outside the skill's folder`);
    const handle = await open(path.join(realParent, path.basename(target)), CREATE_NEW, 0o644);
    try {
      await handle.writeFile(file.data);
    } finally {
      await handle.close();
    }
  }
}
