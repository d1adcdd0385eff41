/**
 * File types by tool, as OpenAI documents them in its supported-files table. The Assistants guide
 * that this project grew from lists a subset; .cs, .doc and .sh (and .pkl for code_interpreter)
 * are in OpenAI's own table, so they are here too rather than rejected falsely. A file attached to
 * a vector store whose extension is not in FILE_SEARCH_EXTENSIONS ends `failed` with
 * `unsupported_file` after upload, so validation rejects it before any upload.
 */
export const FILE_SEARCH_EXTENSIONS: ReadonlySet<string> = new Set([
  '.c',
  '.cpp',
  '.cs',
  '.css',
  '.doc',
  '.docx',
  '.go',
  '.html',
  '.java',
  '.js',
  '.json',
  '.md',
  '.pdf',
  '.php',
  '.pptx',
  '.py',
  '.rb',
  '.sh',
  '.tex',
  '.ts',
  '.txt',
]);

export const CODE_INTERPRETER_EXTENSIONS: ReadonlySet<string> = new Set([
  '.c',
  '.cpp',
  '.cs',
  '.css',
  '.csv',
  '.doc',
  '.docx',
  '.gif',
  '.html',
  '.java',
  '.jpeg',
  '.jpg',
  '.js',
  '.json',
  '.md',
  '.pdf',
  '.php',
  '.pkl',
  '.png',
  '.pptx',
  '.py',
  '.rb',
  '.sh',
  '.tar',
  '.tex',
  '.ts',
  '.txt',
  '.xlsx',
  '.xml',
  '.zip',
]);

/** The lower-cased extension of a file name, with its dot; '' when it has none. */
export function extensionOf(fileName: string): string {
  const base = fileName.slice(fileName.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot).toLowerCase();
}
