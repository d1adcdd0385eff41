import { findManifestFiles } from './manifest-files.js';
import { DEFAULT_STACK } from './merge.js';
import { readManifests } from './read-manifests.js';

/**
 * The stack the manifests name (`stack:`, else "default"), read without validating them: a shared
 * state backend keys its rows by stack, and needs to know which before anything else is read.
 * Undefined when no manifest is found. Validation, later, reports whatever else is wrong with them
 * (two stacks named included).
 */
export async function stackNamedBy(
  args: readonly string[],
  cwd: string,
  options: { allowOutsideRoot?: boolean } = {},
): Promise<string | undefined> {
  const { files } = await findManifestFiles(args, cwd, options);
  if (files.length === 0) return undefined;
  const { documents } = await readManifests(files);
  for (const doc of documents) {
    const stack = (doc.value as { stack?: unknown } | null)?.stack;
    if (typeof stack === 'string') return stack;
  }
  return documents.length > 0 ? DEFAULT_STACK : undefined;
}
