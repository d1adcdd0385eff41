import type { MigrateDifference } from '../manifest/migrate-assistants.js';
import { counted } from './diagnostics-text.js';
import type { Style } from './style.js';

/**
 * The differences of `assistants migrate` for people, one a line, each naming the assistant and its
 * field: what the agents do not carry over as it was. Says so when there is none.
 */
export function renderMigrateDifferences(differences: readonly MigrateDifference[], style: Style): string {
  if (differences.length === 0)
    return 'No differences: the agents carry over every field of the assistants.\n';
  const lines = differences.map((d) => `  ${style.bold(`assistant.${d.agent}`)} ${d.field}: ${d.message}`);
  const title = style.yellow(
    `${counted(differences.length, 'difference')}: what the agents do not carry over as the assistants had it`,
  );
  return `${title}\n${lines.join('\n')}\n`;
}

/** What `migrate --write` wrote, and what is left to do. */
export function renderMigrateWritten(file: string, agents: readonly string[], manifests: number): string {
  return [
    `Wrote ${file}: ${counted(agents.length, 'agent')} (${agents.join(', ')}) from the assistants of ${counted(manifests, 'manifest file')}.`,
    'Review it and the differences, then remove from the manifests the assistants that the agents replace.',
    '',
  ].join('\n');
}

/** What migrate says when the manifests hold no assistant. */
export function renderNothingToMigrate(manifests: number): string {
  return `No assistants in ${counted(manifests, 'manifest file')}: nothing to migrate, nothing written.\n`;
}
