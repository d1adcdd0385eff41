import { interpolate } from './interpolate.js';
import { findManifestFiles } from './manifest-files.js';
import { DEFAULT_STACK } from './merge.js';
import { readManifests } from './read-manifests.js';

/** Stack names as the manifest schema allows them. */
const STACK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/**
 * The stack the manifests name (`stack:`, else "default"), read without validating the rest: a
 * shared state backend keys its rows by stack, and needs to know which before anything else is
 * read. No stack when no manifest is found, or when the manifests cannot say for sure (a file
 * that does not parse, a `stack:` that is not a name): `problem` then says why. Guessing
 * "default" there would pick another stack's row.
 */
export async function stackNamedBy(
  args: readonly string[],
  cwd: string,
  options: { allowOutsideRoot?: boolean; env?: Readonly<Record<string, string | undefined>> } = {},
): Promise<{ stack?: string; problem?: string }> {
  const found = await findManifestFiles(args, cwd, options);
  const first = (
    diagnostics: readonly { severity: string; message: string; location?: { file: string; line: number } }[],
  ) => {
    const error = diagnostics.find((d) => d.severity === 'error');
    return (
      error && `${error.location ? `${error.location.file}:${error.location.line}: ` : ''}${error.message}`
    );
  };
  const notFound = first(found.diagnostics);
  if (notFound || found.files.length === 0) return { problem: notFound ?? 'no manifest was found' };
  const { documents, diagnostics } = await readManifests(found.files);
  // The same rule as validation: only the manifests of a folder are read, and one without any says so.
  const none = diagnostics.find((d) => d.code === 'NO_MANIFESTS');
  if (none) return { problem: none.message };
  const unread = first(diagnostics) ?? documents.find((doc) => doc.broken)?.file.displayPath;
  if (unread) return { problem: `the manifests cannot be read: ${unread}` };
  for (const doc of documents) {
    const written = (doc.value as { stack?: unknown } | null)?.stack;
    if (written === undefined) continue;
    // `${env:NAME}` as validation fills it in, so that both name the same stack.
    const filled = interpolate(doc, written, options.env ?? {});
    if (filled.diagnostics.length > 0) return { problem: first(filled.diagnostics) };
    const stack = filled.value;
    if (typeof stack === 'string' && STACK_NAME.test(stack)) return { stack };
    return { problem: `${doc.file.displayPath}: "stack" is not a stack name` };
  }
  return { stack: DEFAULT_STACK };
}
