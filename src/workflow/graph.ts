import path from 'node:path';
import {
  buildResourceGraph,
  desiredResources,
  type ResourceGraph,
  withSavedActions,
} from '../plan/resource-graph.js';
import { readPlanFile } from './plan-file.js';
import { loadDesired, type ManifestOptions } from './prepare-plan.js';

/**
 * `assistants graph`: the stack's resources and their references, from the manifests alone (no
 * state, no API call, no file read beyond what validate reads); with `planFile`, a plan saved by
 * `plan -o` (read as `apply PLANFILE` reads it) gives each resource its planned action, and what
 * it destroys is drawn too. `coloured` says whether actions are known.
 */
export async function stackGraph(
  options: ManifestOptions & { planFile?: string },
): Promise<{ graph: ResourceGraph; coloured: boolean }> {
  const { desired } = await loadDesired(options);
  let resources = desiredResources(desired);
  if (options.planFile !== undefined) {
    const saved = await readPlanFile(path.resolve(options.cwd, options.planFile), options.planFile);
    resources = withSavedActions(resources, saved.actions);
  }
  return { graph: buildResourceGraph(resources), coloured: options.planFile !== undefined };
}
