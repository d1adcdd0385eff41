import { createHash } from 'node:crypto';
import { compareCodeUnits } from './order.js';
import { skillContentHash } from './skill-content.js';
import { hasUnsendableCharacter } from './upload-names.js';

/**
 * A skill version's content as the API hands it back (a zip of one top-level folder holding
 * SKILL.md), read as the folder it was uploaded from: what `import` compares with the local folder
 * and what `import --generate` writes. Pure: the zip is unpacked by the provider.
 */

/** One file of the zip as unpacked: its path in the zip (folder entries and `__MACOSX/` left out), and its bytes. */
export interface ArchiveEntry {
  path: string;
  data: Uint8Array;
}

/** One file of the skill's folder. */
export interface ArchiveFile {
  /** Its path inside the folder, `/`-separated (`SKILL.md`, `scripts/run.py`). */
  relativePath: string;
  data: Uint8Array;
  sha256: string;
}

/** The zip read as a folder, or why it cannot be. */
export type SkillArchive =
  | {
      ok: true;
      /** The top-level folder's name in the zip. */
      folder: string;
      /** Sorted by relativePath (code units). */
      files: ArchiveFile[];
      /** skillContentHash of the files: what the local folder's hash is compared with. */
      sha256: string;
    }
  | { ok: false; problem: string };

/**
 * The files of a version's zip with their paths relative to its one top-level folder, and their
 * content hash as skillContentHash makes it of a local folder. Refused (`ok: false`, with the
 * problem in words) unless every path is safe to write below a folder — relative, `/`-separated,
 * no empty, `.` or `..` segment, no control character, nothing an upload could not carry — and
 * every file sits in the same top-level folder, with SKILL.md at its top. A leading `./` is
 * dropped, as the API drops it.
 */
export function readSkillArchive(entries: readonly ArchiveEntry[]): SkillArchive {
  if (entries.length === 0) return { ok: false, problem: 'the zip holds no file' };
  const folders = new Set<string>();
  const files: ArchiveFile[] = [];
  const seen = new Set<string>();
  for (const entry of entries) {
    const path = entry.path.startsWith('./') ? entry.path.slice(2) : entry.path;
    const unsafe = unsafePath(path);
    if (unsafe) return { ok: false, problem: `the zip entry ${JSON.stringify(entry.path)} ${unsafe}` };
    const slash = path.indexOf('/');
    if (slash < 0) return { ok: false, problem: `the zip entry ${JSON.stringify(path)} is not in a folder` };
    folders.add(path.slice(0, slash));
    if (seen.has(path)) return { ok: false, problem: `the zip holds ${JSON.stringify(path)} twice` };
    seen.add(path);
    const sha256 = createHash('sha256').update(entry.data).digest('hex');
    files.push({ relativePath: path.slice(slash + 1), data: entry.data, sha256 });
  }
  if (folders.size !== 1)
    return {
      ok: false,
      problem: `the zip holds ${folders.size} top-level folders (${[...folders].sort(compareCodeUnits).slice(0, 3).join(', ')}), not one`,
    };
  const folder = [...folders][0] as string;
  if (!seen.has(`${folder}/SKILL.md`)) return { ok: false, problem: `the zip has no ${folder}/SKILL.md` };
  files.sort((a, b) => compareCodeUnits(a.relativePath, b.relativePath));
  return { ok: true, folder, files, sha256: skillContentHash(files) };
}

/**
 * Paths of the folder's files that one file system may take for the same file: they differ only
 * in case (`Notes.md`, `notes.md`), which macOS and Windows do not tell apart by default. A folder
 * written from them would hold one file where the skill has two.
 */
export function caseClashes(files: readonly { relativePath: string }[]): string[] {
  const byFolded = new Map<string, string>();
  const clashes: string[] = [];
  for (const { relativePath } of files) {
    const folded = relativePath.toLowerCase();
    const earlier = byFolded.get(folded);
    if (earlier !== undefined) clashes.push(`${earlier} and ${relativePath}`);
    else byFolded.set(folded, relativePath);
  }
  return clashes;
}

/** Why a zip entry's path is not one to write below a folder, or undefined when it is. */
function unsafePath(path: string): string | undefined {
  if (path === '') return 'has an empty name';
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return 'is an absolute path';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'holds a control character';
  if (path.includes('\\')) return "holds '\\', which some systems read as a folder separator";
  if (path.split('/').some((segment) => segment === '' || segment === '.' || segment === '..'))
    return "has an empty, '.' or '..' part: it could lead out of the folder";
  if (hasUnsendableCharacter(path)) return 'holds a character an upload cannot carry as written';
  return undefined;
}
