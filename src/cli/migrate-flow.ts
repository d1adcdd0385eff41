import { renderDiagnostics } from '../render/diagnostics-text.js';
import {
  renderMigrateDifferences,
  renderMigrateWritten,
  renderNothingToMigrate,
} from '../render/migrate-text.js';
import { migrateWorkflow } from '../workflow/migrate.js';
import { EXIT } from './exit-codes.js';
import type { CommandContext } from './program.js';
import { skippedNotes } from './skipped-notes.js';

/** The flags of `assistants migrate`, as commander parses them. */
export interface MigrateFlags {
  file: string[];
  write?: string;
  allowOutsideRoot?: boolean;
}

/**
 * `assistants migrate`: the agents' manifest on stdout (or, with --write, what was written), the
 * differences on stderr. Invalid manifests are an error before anything is made (exit 1).
 */
export async function runMigrate(context: CommandContext, flags: MigrateFlags): Promise<void> {
  const { io } = context;
  const style = context.style();
  const outcome = await migrateWorkflow({
    files: flags.file,
    cwd: io.cwd,
    env: io.env,
    allowOutsideRoot: flags.allowOutsideRoot === true,
    onSkipped: skippedNotes(context),
    ...(flags.write !== undefined ? { write: flags.write } : {}),
  });
  if (outcome.warnings.length > 0) io.stderr(`${renderDiagnostics(outcome.warnings, style)}\n`);
  if (outcome.kind === 'none') {
    io.stderr(renderNothingToMigrate(outcome.manifests.length));
  } else {
    if (outcome.written === undefined) io.stdout(outcome.yaml);
    else io.stdout(renderMigrateWritten(outcome.written, outcome.agents, outcome.manifests.length));
    io.stderr(renderMigrateDifferences(outcome.differences, style));
  }
  context.exitCode = EXIT.OK;
}
