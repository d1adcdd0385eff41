import path from 'node:path';
import { hasUnsendableCharacter } from '../model/upload-names.js';
import type { FileFacts } from './file-inspect.js';

/** The name a file is uploaded under (its real name, links followed), when the API would not record it as is. */
export function unsendableName(facts: FileFacts): string | undefined {
  const name = path.posix.basename(facts.relativePath);
  return hasUnsendableCharacter(name) ? name : undefined;
}

export const UNSENDABLE_NAME_HINT =
  'rename the file without ", \\, carriage returns or line feeds: uploads cannot carry them as written';
