import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { AssistantsError } from '../errors/index.js';
import type { DesiredFile, DesiredSkill } from '../model/desired.js';
import { type Move, movedAddress } from '../model/moves.js';
import { skillContentHash, skillHashKey } from '../model/skill-content.js';
import type { HashCache } from '../state/hash-cache.js';
import type { StateDocument } from '../state/state-document.js';
import { mapLimit } from '../util/concurrency.js';

/** What the hash step reads of a file: where it is, how it is named to the user, and its stat. */
export type HashedFile = Pick<DesiredFile, 'name' | 'path' | 'relativePath' | 'bytes' | 'mtimeMs' | 'source'>;

/**
 * The files of every skill, for the hash step: named by the skill's key and the file's path in
 * it (a NUL keeps these names apart from files' names).
 */
export function skillFilesToHash(skills: readonly DesiredSkill[]): HashedFile[] {
  return skills.flatMap((skill) =>
    skill.files.map((file) => ({
      name: skillFileKey(skill, file),
      path: file.path,
      relativePath: `${skill.relativePath}/${file.relativePath}`,
      bytes: file.bytes,
      mtimeMs: file.mtimeMs,
      source: skill.source,
    })),
  );
}

/** A skill file's name in the hash step: the skill's key, then its path (a NUL between). */
function skillFileKey(skill: DesiredSkill, file: { relativePath: string }): string {
  return `${skillHashKey(skill.name)}\u0000${file.relativePath}`;
}

/**
 * Each skill's content hash (see skillContentHash) from its files' hashes, added to `hashes`
 * under skillHashKey; the files' own entries are taken out.
 */
export function addSkillHashes(skills: readonly DesiredSkill[], hashes: Map<string, string>): void {
  for (const skill of skills) {
    const files = skill.files.map((file) => {
      const name = skillFileKey(skill, file);
      const sha256 = hashes.get(name) as string;
      hashes.delete(name);
      return { relativePath: file.relativePath, sha256 };
    });
    hashes.set(skillHashKey(skill.name), skillContentHash(files));
  }
}

/** The most a hash read holds at once. */
const HASH_CHUNK_BYTES = 1024 * 1024;

/**
 * Reads a file through sha256 into one buffer of at most 1 MiB, used again for every read: memory
 * stays flat whatever the size (up to 512 MB uploads), and a thousand small files do not each
 * allocate a stream's 64 KiB chunks (freed memory the process keeps).
 */
export async function sha256File(filePath: string): Promise<string> {
  const hash = createHash('sha256');
  const handle = await open(filePath, 'r');
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.allocUnsafe(Math.max(1, Math.min(size, HASH_CHUNK_BYTES)));
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}

/**
 * The desired files whose content hash is needed before apply: every one when `all` (a saved plan's
 * digest covers every file's bytes, and import compares them), else those the state holds, moved
 * by `moves` (a change
 * of content is seen by comparing hashes) and those an interrupted upload left in the journal
 * (adopting what it made needs the content). Any other file is created whatever its content: its hash
 * is known after apply, taken from the bytes the upload sends, so a first apply reads each byte once.
 */
export function filesToHash(
  files: readonly DesiredFile[],
  state: StateDocument | undefined,
  all: boolean,
  moves: readonly Move[] = [],
): DesiredFile[] {
  if (all) return [...files];
  // A file the manifests' moves rename is held by the state too: under the address it moves to.
  const known = new Set(
    Object.entries(state?.resources ?? {}).flatMap(([address, resource]) =>
      resource.kind === 'file' ? [movedAddress(address, moves)] : [],
    ),
  );
  for (const op of state?.pending ?? [])
    if (op.kind === 'file' && op.operation === 'create') known.add(op.address);
  return files.filter((file) => known.has(file.address));
}

/**
 * The content hash of each of `files`, by name: from the cache when path, size and mtime match,
 * else read (a few at a time). Returns how many were read, for tests and benchmarks.
 *
 * A file that vanished or became unreadable since validation is a user error located at its
 * manifest entry (FILE_NOT_FOUND or FILE_UNREADABLE), never an internal one; every such file is
 * reported at once, after the others are hashed and cached.
 */
export async function hashDesiredFiles(
  files: readonly HashedFile[],
  cache: HashCache,
  concurrency = 8,
  /** false: the caller saves the cache itself, later (apply, once the uploads taught it more). */
  save = true,
): Promise<{ hashes: Map<string, string>; read: number }> {
  let read = 0;
  const failures: AssistantsError[] = [];
  const hashes = await mapLimit(files, concurrency, async (file) => {
    const cached = cache.get(file.path, file.bytes, file.mtimeMs);
    if (cached) return cached;
    read += 1;
    let sha256: string;
    try {
      sha256 = await sha256File(file.path);
    } catch (err) {
      failures.push(readError(file, err));
      return undefined;
    }
    cache.set(file.path, file.bytes, file.mtimeMs, sha256);
    return sha256;
  });
  if (save) await cache.save();
  const [first] = failures.sort((a, b) => (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
  if (first) {
    if (failures.length === 1) throw first;
    throw new AssistantsError(first.code, first.message, {
      location: first.location,
      cause: first.cause,
      diagnostics: failures.flatMap((failure) => failure.toDiagnostics()),
    });
  }
  return { hashes: new Map(files.map((file, index) => [file.name, hashes[index] as string])), read };
}

/** What a failed read of a desired file means to the user, at the manifest entry that names it. */
function readError(file: HashedFile, err: unknown): AssistantsError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const shown = file.relativePath;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new AssistantsError(
      'FILE_NOT_FOUND',
      `file "${shown}" no longer exists (looked for ${file.path}); it was removed or moved after the manifests were read`,
      {
        location: file.source,
        hint: 'restore the file, or remove it from the manifests, then plan again',
        cause: err,
      },
    );
  }
  const reason = code ?? (err instanceof Error ? err.message : String(err));
  return new AssistantsError('FILE_UNREADABLE', `file "${shown}" could not be read to hash it: ${reason}`, {
    location: file.source,
    hint: 'check that the file is readable by this user, then plan again',
    cause: err,
  });
}
