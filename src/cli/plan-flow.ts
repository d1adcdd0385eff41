import path from 'node:path';
import { type Plan, planHasChanges } from '../model/plan.js';
import { createApiClient } from '../provider/api-client.js';
import { sdkReader } from '../provider/sdk-reader.js';
import { renderDiagnostics } from '../render/diagnostics-text.js';
import { renderPlanJson, renderSavedPlan } from '../render/plan-json.js';
import { renderPlanMarkdown } from '../render/plan-markdown.js';
import { planTextChunks } from '../render/plan-text.js';
import { stateWithoutPassword } from '../state/pg-url.js';
import { writePlanFile } from '../workflow/plan-file.js';
import { preparePlan } from '../workflow/prepare-plan.js';
import { parseDuration } from './duration.js';
import { EXIT } from './exit-codes.js';
import { manifestCommit } from './git-commit.js';
import { openState, renderedFilesFor } from './open-state.js';
import type { CommandContext } from './program.js';
import { skippedNotes } from './skipped-notes.js';
import { preferSmallHeapForState } from './small-heap.js';
import { type StoragePriceFlags, storagePrices } from './storage-price-options.js';

/** The flags of `assistants plan`, as commander parses them. */
export interface PlanFlags extends StoragePriceFlags {
  file: string[];
  out?: string;
  json?: boolean;
  format: 'text' | 'json' | 'markdown';
  detailedExitcode?: boolean;
  refresh: boolean;
  target?: string[];
  replace?: string[];
  refreshOnly?: boolean;
  lockTimeout: string;
  allowOutsideRoot?: boolean;
}

/** `assistants plan`: plans against the manifests, the state and the API, prints the plan, saves it with -o. */
export async function runPlan(context: CommandContext, flags: PlanFlags): Promise<void> {
  const { io } = context;
  const format = flags.json ? 'json' : flags.format;
  context.json = format === 'json';
  const globals = context.globals();
  const prices = storagePrices(flags);
  const opened = await openState(context, {
    files: flags.file,
    allowOutsideRoot: flags.allowOutsideRoot === true,
    readsManifests: true,
  });
  if (opened.backend === 'local') await preferSmallHeapForState(opened.file);
  const prepared = await preparePlan({
    files: flags.file,
    cwd: io.cwd,
    env: io.env,
    allowOutsideRoot: flags.allowOutsideRoot === true,
    onSkipped: skippedNotes(context),
    store: opened.store,
    lockTimeoutMs: parseDuration(flags.lockTimeout, '--lock-timeout'),
    refresh: flags.refresh,
    targets: flags.target ?? [],
    replace: flags.replace ?? [],
    refreshOnly: flags.refreshOnly === true,
    prices,
    hashCacheFile: opened.hashCacheFile,
    hashAll: flags.out !== undefined,
    reader: () => sdkReader(createApiClient({ baseUrl: globals.baseUrl, env: io.env })),
    renderedFiles: (desired) => renderedFilesFor(context, opened, desired, flags.allowOutsideRoot === true),
  });
  const plan: Plan = {
    ...prepared.plan,
    workspace: opened.workspace,
    warnings: [...prepared.warnings, ...prepared.plan.warnings],
  };
  const style = context.style();

  // The commit heads a Markdown plan, and a saved plan keeps it for `show`.
  const commit =
    format === 'markdown' || flags.out ? await manifestCommit(io.env, io.cwd, flags.file) : undefined;
  if (format === 'json') io.stdout(renderPlanJson(plan));
  else if (format === 'markdown') io.stdout(renderPlanMarkdown(plan, { commit }));
  else for (const chunk of planTextChunks(plan, style)) io.stdout(chunk);
  if (format !== 'json' && plan.warnings.length + plan.errors.length > 0)
    io.stderr(renderDiagnostics([...plan.errors, ...plan.warnings], style));

  if (plan.errors.length > 0) {
    context.exitCode = EXIT.ERROR;
    return;
  }
  if (flags.out) {
    const out = path.resolve(io.cwd, flags.out);
    const run = {
      manifests: flags.file,
      state: stateWithoutPassword(globals.state),
      ...(commit ? { commit } : {}),
    };
    await writePlanFile(out, renderSavedPlan(plan, new Date(), run));
    if (format === 'text')
      io.stdout(`\nSaved the plan to ${flags.out}; apply it with: assistants apply ${flags.out}\n`);
  }
  context.exitCode = flags.detailedExitcode && planHasChanges(plan) ? EXIT.CHANGES : EXIT.OK;
}
