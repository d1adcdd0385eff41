import type { Skipped } from '../manifest/manifest-rule.js';

/** `skipped docker-compose.yml: no top-level \`version:\``, one line, for --debug. */
export function renderSkipped(skipped: Skipped): string {
  const where = skipped.document === undefined ? '' : ` (document ${skipped.document})`;
  return `skipped ${skipped.file}${where}: ${skipped.reason}\n`;
}
