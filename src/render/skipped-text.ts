import type { SkippedDocument } from '../manifest/parse-manifest.js';

/** `skipped docker-compose.yml: no top-level \`version:\``, one line, for --debug. */
export function renderSkipped(skipped: SkippedDocument): string {
  const where = skipped.document === undefined ? '' : ` (document ${skipped.document})`;
  return `skipped ${skipped.file}${where}: ${skipped.reason}\n`;
}
