import path from 'node:path';
import type { FileFacts } from './file-inspect.js';

/**
 * Characters a file name cannot hold to reach the API as written. The upload is a multipart form
 * whose filename parameter is a quoted string: `"`, CR and LF are sent percent-encoded (`%22`,
 * `%0D`, `%0A`), and a server may read `\` as an escape, so the API records another name than the
 * one on disk, and every later plan takes the file for someone else's (FILE_IDENTITY_MISMATCH).
 */
const UNSENDABLE = /["\\\r\n]/;

/** The name a file is uploaded under (its real name, links followed), when the API would not record it as is. */
export function unsendableName(facts: FileFacts): string | undefined {
  const name = path.posix.basename(facts.relativePath);
  return hasUnsendableCharacter(name) ? name : undefined;
}

/** True when `name` (a file or folder name, or a path of them) holds a character an upload cannot carry. */
export function hasUnsendableCharacter(name: string): boolean {
  return UNSENDABLE.test(name);
}

export const UNSENDABLE_NAME_HINT =
  'rename the file without ", \\, carriage returns or line feeds: uploads cannot carry them as written';
