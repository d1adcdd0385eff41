import { type Unzipped, unzipSync } from 'fflate';
import { AssistantsError } from '../errors/index.js';
import { MAX_SKILL_BYTES, MAX_SKILL_FILES } from '../manifest/skill-limits.js';
import { type ArchiveEntry, readSkillArchive, type SkillArchive } from '../model/skill-archive.js';
import type { ApiReader } from './live-view.js';

/**
 * The most a version's zip may weigh as downloaded: its files' bound, plus room for the zip's own
 * headers (a few hundred bytes for each of at most 500 files) and deflate's worst case on data
 * that does not compress (a few bytes per 16 KB block).
 */
const MAX_ZIP_BYTES = MAX_SKILL_BYTES + 4 * 1024 * 1024;

/**
 * A skill version's content (`GET /skills/{id}/versions/{version}/content`), read as its folder
 * (see readSkillArchive). The zip is held in memory, as a version is at most 50 MB: a zip larger
 * than that, holding more than 500 files or 50 MB once unpacked, or not a zip, is a problem
 * (`ok: false`), found before anything is inflated where the zip's directory says so. Errors of
 * the call itself are the reader's (AssistantsError); a body that breaks off while it is read
 * (the connection dropped mid-download) is API_UNREACHABLE naming the call, never a defect.
 */
export async function readSkillVersion(
  reader: ApiReader,
  skillId: string,
  version: string,
): Promise<SkillArchive> {
  const body = await reader.downloadSkillContent(skillId, version);
  const zip = await readBounded(body, MAX_ZIP_BYTES).catch((err: unknown) => {
    // The call answered; its body is read here, past the reader's error mapping.
    const call = `GET /skills/${skillId}/versions/${version}/content`;
    const reason = err instanceof Error ? err.message : String(err);
    throw new AssistantsError('API_UNREACHABLE', `the download of ${call} broke off: ${reason}`, {
      hint: 'check the network and run again; nothing was changed',
      cause: err,
    });
  });
  if (!zip) return { ok: false, problem: `the zip is larger than ${megabytes(MAX_ZIP_BYTES)}` };
  const unpacked = unpack(zip);
  return 'problem' in unpacked ? { ok: false, problem: unpacked.problem } : readSkillArchive(unpacked);
}

/** The whole body, or undefined (the rest left unread) once it runs past `limit` bytes. */
async function readBounded(body: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array | undefined> {
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > limit) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  const whole = new Uint8Array(bytes);
  let at = 0;
  for (const chunk of chunks) {
    whole.set(chunk, at);
    at += chunk.byteLength;
  }
  return whole;
}

/**
 * The zip's files. Folder entries carry nothing to write, and `__MACOSX/` holds the resource forks
 * macOS's archiver adds beside the folder zipped: both are left out, as the API leaves them out.
 * A name seen twice is a problem: unpacked into one object, the second would silently win.
 */
function unpack(zip: Uint8Array): ArchiveEntry[] | { problem: string } {
  let count = 0;
  let bytes = 0;
  let twice: string | undefined;
  const names = new Set<string>();
  let unzipped: Unzipped;
  try {
    unzipped = unzipSync(zip, {
      filter: (entry) => {
        if (entry.name.endsWith('/') || entry.name.startsWith('__MACOSX/')) return false;
        if (names.has(entry.name)) twice ??= entry.name;
        names.add(entry.name);
        count += 1;
        bytes += entry.originalSize;
        // Nothing more is inflated once a bound is passed; what was kept is dropped below.
        return count <= MAX_SKILL_FILES && bytes <= MAX_SKILL_BYTES && twice === undefined;
      },
    });
  } catch (err) {
    return { problem: `it is not a zip that can be read (${(err as Error).message})` };
  }
  if (count > MAX_SKILL_FILES) return { problem: `the zip holds more than ${MAX_SKILL_FILES} files` };
  if (twice !== undefined) return { problem: `the zip holds ${JSON.stringify(twice)} twice` };
  const entries = Object.entries(unzipped).map(([path, data]) => ({ path, data }));
  // The sizes the zip's directory gives are checked before inflating; these are what came out.
  const inflated = entries.reduce((sum, entry) => sum + entry.data.byteLength, 0);
  if (bytes > MAX_SKILL_BYTES || inflated > MAX_SKILL_BYTES)
    return { problem: `its files are larger than ${megabytes(MAX_SKILL_BYTES)} in all` };
  return entries;
}

function megabytes(bytes: number): string {
  return `${Math.floor(bytes / (1024 * 1024))} MB`;
}
