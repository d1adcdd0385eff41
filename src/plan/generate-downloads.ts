import type { FilePurpose } from '../model/desired.js';
import { extensionOf, FILE_SEARCH_EXTENSIONS } from '../model/file-types.js';
import type { DownloadRequest } from '../model/live.js';
import { compareCodeUnits } from '../model/order.js';
import { type AccountSnapshot, adoptableStores, skipReason } from './generate-stack.js';

/** Which files `import --generate` downloads to manage from the manifest folder, and where. */

/** What the manifests accept as a file's purpose, but for `assistants`, whose content the API keeps. */
const DOWNLOADABLE: ReadonlySet<string> = new Set<FilePurpose>([
  'batch',
  'fine-tune',
  'vision',
  'user_data',
  'evals',
]);

/**
 * The files generate can manage rather than list by id: used by a store or assistant it adopts,
 * of a purpose whose content the API hands back, named with a plain file name, and (for store
 * members) of a type file_search reads, and not a .yaml (which `-f DIR` would read as a manifest).
 * Each goes to `files/NAME`, or `files/ID/NAME` when two share a name (in any case).
 */
export function downloadsFor(account: AccountSnapshot, lineage: string): DownloadRequest[] {
  const searched = new Set<string>();
  const used = new Set<string>();
  for (const store of adoptableStores(account.vectorStores, lineage))
    for (const id of account.members.get(store.id)?.keys() ?? []) {
      used.add(id);
      searched.add(id);
    }
  for (const assistant of account.assistants?.values() ?? [])
    if (skipReason(assistant, lineage) === undefined)
      for (const id of assistant.attributes.tool_resources.code_interpreter?.file_ids ?? [])
        used.add(String(id));
  const files = [...used].sort(compareCodeUnits).flatMap((id) => {
    const file = account.files.get(id);
    if (!file || !DOWNLOADABLE.has(file.attributes.purpose) || !plainFileName(file.attributes.filename))
      return [];
    const extension = extensionOf(file.attributes.filename);
    // A downloaded .yaml would be read as a manifest; file_search reads only its own types.
    if (MANIFEST_EXTENSIONS.has(extension)) return [];
    if (searched.has(id) && !FILE_SEARCH_EXTENSIONS.has(extension)) return [];
    return [{ id, filename: file.attributes.filename }];
  });
  // Names that differ only in case are the same file on some systems.
  const counts = new Map<string, number>();
  for (const { filename } of files)
    counts.set(filename.toLowerCase(), (counts.get(filename.toLowerCase()) ?? 0) + 1);
  return files.flatMap(({ id, filename }) => {
    if ((counts.get(filename.toLowerCase()) ?? 0) === 1) return [{ id, relativePath: `files/${filename}` }];
    // A folder per id keeps them apart; an id that is not a plain name stays listed by id.
    return SAFE_ID.test(id) ? [{ id, relativePath: `files/${id}/${filename}` }] : [];
  });
}

const MANIFEST_EXTENSIONS: ReadonlySet<string> = new Set(['.yaml', '.yml']);
const SAFE_ID = /^[A-Za-z0-9_-]{1,128}$/;
/** Characters and names some file systems refuse (Windows's, the strictest). */
const RESERVED_CHARACTERS = /[<>:"|?*]/;
const RESERVED_NAMES = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

/** A name that is safe as one path segment: no separator, not hidden, no control character. */
function plainFileName(name: string): boolean {
  return (
    name.length > 0 &&
    Buffer.byteLength(name) <= 255 &&
    !name.startsWith('.') &&
    !name.endsWith('.') &&
    !name.endsWith(' ') &&
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it rejects
    !/[/\\\u0000-\u001f]/.test(name) &&
    !RESERVED_CHARACTERS.test(name) &&
    !RESERVED_NAMES.test(name)
  );
}
