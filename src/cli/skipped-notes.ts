import type { Skipped } from '../manifest/manifest-rule.js';
import { renderSkipped } from '../render/skipped-text.js';
import type { CommandContext } from './program.js';

/**
 * With --debug, where validation tells of the YAML files it skipped as no manifests: stderr, one
 * line each. Without it, nowhere (undefined).
 */
export function skippedNotes(context: CommandContext): ((skipped: Skipped) => void) | undefined {
  if (context.globals().debug !== true) return undefined;
  return (skipped) => context.io.stderr(renderSkipped(skipped));
}
