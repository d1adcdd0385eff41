/**
 * Characters a file name cannot hold to reach the API as written. The upload is a multipart form
 * whose filename parameter is a quoted string: `"`, CR and LF are sent percent-encoded (`%22`,
 * `%0D`, `%0A`), and a server may read `\` as an escape, so the API records another name than the
 * one on disk, and every later plan takes the file for someone else's (FILE_IDENTITY_MISMATCH).
 * In the model because both the manifest rules and generate (a skill's files) ask it.
 */
const UNSENDABLE = /["\\\r\n]/;

/** True when `name` (a file or folder name, or a path of them) holds a character an upload cannot carry. */
export function hasUnsendableCharacter(name: string): boolean {
  return UNSENDABLE.test(name);
}
