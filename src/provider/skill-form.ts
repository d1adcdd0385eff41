import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { AssistantsError } from '../errors/index.js';
import { skillContentHash } from '../model/skill-content.js';
import type { SkillUpload } from './api-writer.js';

/**
 * The multipart body of a skill or skill-version upload: one `files[]` part per file, named
 * `FOLDER/RELATIVE_PATH` (the API wants one top-level folder holding SKILL.md), in the upload's
 * order, then `default` ("true") when asked. Built here rather than by the SDK, whose form builder
 * keeps only the last segment of a file's name (`pdf-tools/scripts/run.py` would go as `run.py`); the
 * SDK sends a FormData body as it is. Each call reads the files afresh (an attempt after a failure
 * sends what is on disk then); a skill is at most 50 MB, so its files are read whole, before the
 * request, which is also where a missing or unreadable file is reported as such (not as a
 * network failure halfway through the body).
 */
export async function skillForm(
  upload: SkillUpload,
  makeDefault = false,
): Promise<{ form: FormData; sha256: string }> {
  const form = new FormData();
  const sent: { relativePath: string; sha256: string }[] = [];
  for (const file of upload.files) {
    const content = await readFile(file.path).catch((err: unknown) => {
      throw unreadable(file.path, err);
    });
    sent.push({
      relativePath: file.relativePath,
      sha256: createHash('sha256').update(content).digest('hex'),
    });
    form.append('files[]', new Blob([content]), `${upload.folder}/${file.relativePath}`);
  }
  if (makeDefault) form.append('default', 'true');
  // The content hash of what this body holds: the state records it, not the plan's (a file edited
  // since the plan is then seen by the next one).
  return { form, sha256: skillContentHash(sent) };
}

/** Why a skill's file cannot be uploaded: FILE_NOT_FOUND or FILE_UNREADABLE. */
function unreadable(path: string, err: unknown): AssistantsError {
  const code = (err as NodeJS.ErrnoException).code;
  return new AssistantsError(
    code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'FILE_UNREADABLE',
    `cannot read ${path} to upload it with its skill: ${(err as Error).message}`,
    { cause: err },
  );
}
