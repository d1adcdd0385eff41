import type { Dirent, Stats } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { SkillFile } from '../model/desired.js';
import { compareCodeUnits } from '../model/order.js';
import { hasUnsendableCharacter } from '../model/upload-names.js';
import { isInside, type PathResolver } from './confined-path.js';
import { confinedTarget, type PathProblem, toPosix } from './file-inspect.js';
import { MAX_SKILL_ENTRIES, MAX_SKILL_FILES } from './skill-limits.js';

/** A skill's folder once found: its real path, and that path relative to the manifest root. */
export interface SkillFolder {
  real: string;
  /** `/`-separated; what plans show. */
  relativePath: string;
}

/**
 * Checks the folder a skill's `path:` names as inspectFile checks a file: inside the root (as
 * written, and after following links, unless the resolver allows outside paths), existing, and a
 * folder. `shown` is how the manifest wrote it; problems name it so, never where a link leads.
 */
export async function inspectSkillFolder(
  absolute: string,
  shown: string,
  resolver: PathResolver,
): Promise<SkillFolder | PathProblem> {
  const { root } = resolver;
  const resolution = await confinedTarget(absolute, shown, resolver, 'folder');
  if ('code' in resolution) return resolution;
  const { real } = resolution;
  let folder: boolean;
  try {
    // The resolver's lstat answer is what stat would say when there is one; a folder has none.
    folder = resolution.stats ? resolution.stats.isDirectory() : (await stat(real)).isDirectory();
  } catch (err) {
    return {
      code: 'FILE_NOT_FOUND',
      message: `folder "${shown}" cannot be read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    };
  }
  if (!folder)
    return {
      code: 'SKILL_NOT_A_FOLDER',
      message: `path "${shown}" is not a folder`,
      hint: 'a skill is a folder holding SKILL.md and the files it uses: point path at the folder',
    };
  // The folder's name is the top folder of every upload's part names: it must travel as written.
  if (hasUnsendableCharacter(path.basename(real)))
    return {
      code: 'UNSUPPORTED_FILE_NAME',
      message: `folder "${shown}" has a name the API would not record as written`,
      hint: 'rename the folder without quotes, backslashes or line breaks',
    };
  return { real, relativePath: toPosix(path.relative(root, real)) };
}

/**
 * Why an entry under a skill's folder is not uploaded: a link leading outside the root, a link that
 * loops, a folder link that leads back to a folder it sits in (the tree would never end), a link to
 * nothing, something that is no regular file or folder (a FIFO, socket or device: reading one
 * could wait forever), a folder that cannot be listed, or a name the upload cannot carry.
 */
export interface SkillEntryProblem {
  kind: 'outside' | 'loop' | 'cycle' | 'dangling' | 'special' | 'unreadable' | 'unsendable';
  /** The entry's path inside the skill's folder, `/`-separated, as the walk reached it. */
  entry: string;
  /** The system's error code, for `dangling` and `unreadable`. */
  code?: string;
}

/** What a walk of a skill's folder found. */
export interface SkillWalk {
  /** Every regular file reached, sorted by relativePath (code units). */
  files: SkillFile[];
  problems: SkillEntryProblem[];
  /**
   * Set when the walk stopped early: past MAX_SKILL_FILES files, or past MAX_SKILL_ENTRIES folder
   * entries; `files` then holds what was found until then.
   */
  stopped?: 'files' | 'entries';
}

/** A folder still to list: its real path, its path inside the skill, and the real folders above it. */
interface Pending {
  real: string;
  relative: string;
  route: readonly string[];
}

/**
 * Every regular file under a skill's folder (`real`, a real path the resolver accepts), reached
 * through links as the folder shows them: a file's relativePath is where it appears in the folder,
 * its path where it really is. Links are resolved by the resolver, so, confined, nothing outside
 * the root is looked at. A folder link that leads to a folder on its own route (itself, a parent,
 * anything holding one) is a `cycle` and not followed; other folders reached twice are walked
 * twice, as the folder shows them twice. Breadth first with names in code-unit order, so the top
 * of the folder is read before any subfolder, and what is found is the same in every run.
 */
export async function walkSkillFolder(real: string, resolver: PathResolver): Promise<SkillWalk> {
  const files: SkillFile[] = [];
  const problems: SkillEntryProblem[] = [];
  const queue: Pending[] = [{ real, relative: '', route: [real] }];
  let entries = 0;
  let stopped: SkillWalk['stopped'];
  walk: for (let next = queue.shift(); next; next = queue.shift()) {
    let listed: Dirent[];
    try {
      listed = await readdir(next.real, { withFileTypes: true });
    } catch (err) {
      problems.push({
        kind: 'unreadable',
        entry: next.relative,
        code: (err as NodeJS.ErrnoException).code ?? String(err),
      });
      continue;
    }
    entries += listed.length;
    if (entries > MAX_SKILL_ENTRIES) {
      stopped = 'entries';
      break;
    }
    listed.sort((a, b) => compareCodeUnits(a.name, b.name));
    for (const dirent of listed) {
      const entry = next.relative === '' ? dirent.name : `${next.relative}/${dirent.name}`;
      if (hasUnsendableCharacter(dirent.name)) {
        problems.push({ kind: 'unsendable', entry });
        continue;
      }
      const found = await entryTarget(path.join(next.real, dirent.name), dirent, resolver);
      if ('kind' in found) {
        problems.push({ ...found, entry });
        continue;
      }
      if (found.stats.isDirectory()) {
        // A folder that holds a folder on the route leads back to it: the walk would never end.
        if (next.route.some((above) => isInside(found.real, above))) {
          problems.push({ kind: 'cycle', entry });
          continue;
        }
        queue.push({ real: found.real, relative: entry, route: [...next.route, found.real] });
      } else if (found.stats.isFile()) {
        files.push({
          relativePath: entry,
          path: found.real,
          bytes: found.stats.size,
          mtimeMs: found.stats.mtimeMs,
        });
        if (files.length > MAX_SKILL_FILES) {
          stopped = 'files';
          break walk;
        }
      } else problems.push({ kind: 'special', entry });
    }
  }
  files.sort((a, b) => compareCodeUnits(a.relativePath, b.relativePath));
  return stopped ? { files, problems, stopped } : { files, problems };
}

/** Where one folder entry leads (links followed by the resolver), and what stat says of it there. */
async function entryTarget(
  at: string,
  dirent: Dirent,
  resolver: PathResolver,
): Promise<{ real: string; stats: Stats } | Omit<SkillEntryProblem, 'entry'>> {
  let real = at;
  if (dirent.isSymbolicLink()) {
    const resolution = await resolver.resolve(at);
    if (resolution.kind === 'outside' || resolution.kind === 'loop') return { kind: resolution.kind };
    if (resolution.kind === 'missing') return { kind: 'dangling', code: resolution.code };
    real = resolution.real;
  } else if (!dirent.isDirectory() && !dirent.isFile()) return { kind: 'special' };
  try {
    return { real, stats: await stat(real) };
  } catch (err) {
    return { kind: 'dangling', code: (err as NodeJS.ErrnoException).code ?? String(err) };
  }
}
