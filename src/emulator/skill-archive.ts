import { type Unzipped, unzipSync, zipSync } from 'fflate';
import { invalidRequest } from './api-error.js';
import { readSkillFrontMatter, type SkillFrontMatter } from './skill-front-matter.js';

/** The spec's `maxItems` on `files[]`, applied to the files inside a zip as well. */
export const MAX_SKILL_FILES = 500;

/**
 * The most an upload may hold, zipped or not. The spec states no size limit for skills; this is
 * the emulator's own bound, because a version is assembled in memory.
 */
export const MAX_SKILL_BYTES = 50 * 1024 * 1024;

/** One uploaded part: its filename (a path relative to the skill's parent folder) and content. */
export interface SkillPart {
  filename: string;
  data: Uint8Array;
}

/** An accepted upload: its files by path, what SKILL.md says, and the zip kept as its content. */
export interface SkillArchive extends SkillFrontMatter {
  /** Path (`folder/SKILL.md`, …) → content, in upload order. */
  files: Map<string, Uint8Array>;
  /** The one top-level folder every path is in. */
  folder: string;
  /** What `/content` hands back: the uploaded zip itself, or a zip of the uploaded folder. */
  zip: Uint8Array;
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

function looksLikeZip(part: SkillPart): boolean {
  return (
    part.filename.toLowerCase().endsWith('.zip') ||
    ZIP_MAGIC.every((byte, index) => part.data[index] === byte)
  );
}

/**
 * Turns the parts of a create request into a skill version: one part that is a zip is unpacked,
 * otherwise every part is one file of a folder upload. Either way the files must sit in one
 * top-level folder holding `SKILL.md` (the skills convention: `pdf-tools/SKILL.md`,
 * `pdf-tools/scripts/x.py`), be at most MAX_SKILL_FILES, and have safe relative paths.
 */
export function readSkillUpload(parts: readonly SkillPart[]): SkillArchive {
  const [only] = parts;
  if (parts.length === 1 && only && looksLikeZip(only)) {
    const files = unpack(only);
    return { ...checkLayout(files), files, zip: only.data };
  }
  const files = new Map<string, Uint8Array>();
  for (const part of parts) {
    const path = checkPath(part.filename, 'an uploaded file name');
    if (files.has(path)) throw invalidRequest(`The upload names the file '${path}' twice.`, 'files');
    files.set(path, part.data);
  }
  const layout = checkLayout(files);
  // A fixed time keeps the zip of the same files the same bytes.
  const entries = Object.fromEntries([...files].map(([path, data]) => [path, data]));
  return { ...layout, files, zip: zipSync(entries, { mtime: new Date('1980-01-01T00:00:00Z') }) };
}

/**
 * Unpacks a zip, refusing before inflating anything when it holds too many files or would grow
 * past MAX_SKILL_BYTES. Folder entries are skipped; so is `__MACOSX/`, the resource forks the
 * macOS archiver adds beside the folder zipped, which would otherwise be a second top-level folder.
 */
function unpack(part: SkillPart): Map<string, Uint8Array> {
  let count = 0;
  let bytes = 0;
  let unzipped: Unzipped;
  try {
    unzipped = unzipSync(part.data, {
      filter: (entry) => {
        if (entry.name.endsWith('/') || entry.name.startsWith('__MACOSX/')) return false;
        count += 1;
        bytes += entry.originalSize;
        return count <= MAX_SKILL_FILES && bytes <= MAX_SKILL_BYTES;
      },
    });
  } catch (err) {
    throw invalidRequest(
      `The zip file '${part.filename}' could not be read (${(err as Error).message}). Upload a zip archive of the skill's folder, or the folder's files as files[].`,
      'files',
    );
  }
  if (count > MAX_SKILL_FILES) throw tooManyFiles(count, `the zip file '${part.filename}'`);
  if (bytes > MAX_SKILL_BYTES) throw tooLarge();
  const files = new Map<string, Uint8Array>();
  for (const [name, data] of Object.entries(unzipped)) files.set(checkPath(name, 'a path in the zip'), data);
  return files;
}

/** A relative POSIX path with no `.`/`..` or empty segments: what a file of a folder can be named. */
function checkPath(raw: string, what: string): string {
  const path = raw.startsWith('./') ? raw.slice(2) : raw;
  const segments = path.split('/');
  const bad =
    path === '' ||
    path.includes('\\') ||
    path.includes('\0') ||
    segments.some((segment) => segment === '' || segment === '.' || segment === '..');
  if (bad) {
    throw invalidRequest(
      `Invalid file path '${raw}' (${what}): paths must be relative, use '/', and have no empty, '.' or '..' parts.`,
      'files',
    );
  }
  return path;
}

/** The one top-level folder, and what its SKILL.md says. */
function checkLayout(files: ReadonlyMap<string, Uint8Array>): SkillFrontMatter & { folder: string } {
  if (files.size === 0)
    throw invalidRequest('The upload holds no files; a skill needs at least SKILL.md.', 'files');
  const tops = new Set<string>();
  const loose: string[] = [];
  for (const path of files.keys()) {
    const slash = path.indexOf('/');
    if (slash < 0) loose.push(path);
    else tops.add(path.slice(0, slash));
  }
  if (loose.length > 0 || tops.size !== 1) {
    const found =
      loose.length > 0
        ? `files outside any folder: ${loose.slice(0, 3).join(', ')}`
        : `${tops.size} top-level folders: ${[...tops].slice(0, 3).join(', ')}`;
    throw invalidRequest(
      `A skill must be one top-level folder holding SKILL.md (e.g. 'pdf-tools/SKILL.md'), with every file path starting with that folder; found ${found}.`,
      'files',
    );
  }
  const folder = [...tops][0] as string;
  const manifest = files.get(`${folder}/SKILL.md`);
  if (!manifest) {
    throw invalidRequest(
      `The skill folder '${folder}' has no SKILL.md; it must hold '${folder}/SKILL.md' with 'name' and 'description' in its front matter.`,
      'files',
    );
  }
  const text = new TextDecoder('utf-8').decode(manifest);
  return { folder, ...readSkillFrontMatter(text, `${folder}/SKILL.md`) };
}

export function tooManyFiles(count: number, where: string) {
  return invalidRequest(
    `Too many files in ${where}: ${count}. A skill can hold at most ${MAX_SKILL_FILES} files.`,
    'files',
    'too_many_files',
  );
}

export function tooLarge() {
  return invalidRequest(
    `The skill is too large: its files can be at most ${MAX_SKILL_BYTES / (1024 * 1024)} MB in all.`,
    'files',
    'file_too_large',
  );
}
