import path from 'node:path';
import { AssistantsError, type Diagnostic } from '../errors/index.js';
import { findManifestFiles, rootsOf } from '../manifest/manifest-files.js';
import { createApiClient } from '../provider/api-client.js';
import { sdkReader } from '../provider/sdk-reader.js';
import { sdkWriter } from '../provider/sdk-writer.js';
import { renderDiagnostics } from '../render/diagnostics-text.js';
import { renderLeftovers } from '../render/leftovers-text.js';
import { planTextChunks } from '../render/plan-text.js';
import { counted } from '../util/words.js';
import { type ApplyResult, applyWorkflow } from '../workflow/apply.js';
import { readPlanFile } from '../workflow/plan-file.js';
import { loadDesired, parseReplace, parseTargets } from '../workflow/prepare-plan.js';
import { approve } from './approve.js';
import { parseDuration } from './duration.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { openState, renderedFilesFor } from './open-state.js';
import type { CommandContext } from './program.js';
import { skippedNotes } from './skipped-notes.js';
import { preferSmallHeap } from './small-heap.js';
import { type StoragePriceFlags, storagePrices } from './storage-price-options.js';
import { withProgress } from './with-progress.js';
import { otherWorkspaceStates } from './workspace-states.js';

export interface ApplyFlags extends StoragePriceFlags {
  file: string[];
  autoApprove?: boolean;
  parallelism: string;
  /** apply only: destroy has nothing to wait for. */
  waitTimeout?: string;
  wait?: boolean;
  lockTimeout: string;
  target?: string[];
  replace?: string[];
  /** apply only. */
  refreshOnly?: boolean;
  allowOutsideRoot?: boolean;
  verbose?: boolean;
}

/**
 * apply and destroy: checks the flags, reads the manifests and the saved plan, builds the ports and
 * runs the apply workflow, which renders each of its steps here (see ApplyUi).
 */
export async function runApplyFlow(
  context: CommandContext,
  flags: ApplyFlags,
  mode: { destroy: boolean; planFile?: string },
): Promise<void> {
  const { io } = context;
  preferSmallHeap();
  const parallelism = Number(flags.parallelism);
  if (!Number.isInteger(parallelism) || parallelism < 1 || parallelism > 64)
    throw new AssistantsError(
      'USAGE',
      `--parallelism must be a whole number from 1 to 64, not ${flags.parallelism}`,
    );
  const waitTimeoutMs = parseDuration(flags.waitTimeout ?? '30m', '--wait-timeout');
  const lockTimeoutMs = parseDuration(flags.lockTimeout, '--lock-timeout');
  const prices = storagePrices(flags);
  // A saved plan is not shown again: prices given for it would price nothing.
  if (mode.planFile && (flags.storagePricePerGbDay ?? flags.storageFreeGb) !== undefined)
    throw new AssistantsError(
      'USAGE',
      `--storage-price-per-gb-day and --storage-free-gb price the plan shown before apply; ${mode.planFile} was shown when it was made`,
      { hint: `give them to \`assistants plan -o ${mode.planFile}\`` },
    );
  const saved = mode.planFile
    ? { plan: await readPlanFile(path.resolve(io.cwd, mode.planFile), mode.planFile), path: mode.planFile }
    : undefined;
  // A saved plan is applied with the targets it was made with.
  const given = flags.target ?? [];
  if (saved && given.length > 0 && given.join() !== saved.plan.targets.join())
    throw new AssistantsError(
      'USAGE',
      `${mode.planFile} was made for --target ${saved.plan.targets.join(', ') || '(all)'}; do not give other targets`,
    );
  const targets = parseTargets(saved ? saved.plan.targets : given);
  const asked = flags.replace ?? [];
  if (saved && asked.length > 0)
    throw new AssistantsError(
      'USAGE',
      `${mode.planFile} records what it replaces; give --replace to \`assistants plan -o\`, not to apply PLANFILE`,
    );
  const replace = parseReplace(saved ? saved.plan.replace : asked);
  if (saved && flags.refreshOnly)
    throw new AssistantsError(
      'USAGE',
      `${mode.planFile} says whether it only records drift; give --refresh-only to \`assistants plan -o\`, not to apply PLANFILE`,
    );
  const refreshOnly = saved ? saved.plan.refreshOnly : flags.refreshOnly === true;
  if (refreshOnly && replace.length > 0)
    throw new AssistantsError(
      'USAGE',
      '--refresh-only reads the API and changes nothing: it cannot go with --replace',
    );
  // A saved plan remembers what it was made against: what no flag says here is taken from it.
  const made = saved?.plan.run;
  const globals = context.globals();
  const files = flags.file.length > 0 || !made ? flags.file : made.manifests;
  const opened = await openState(context, {
    files,
    ...(made && !globals.stateGiven ? { state: made.state } : {}),
    ...(saved?.plan.workspace && !globals.workspaceGiven ? { workspace: saved.plan.workspace } : {}),
    allowOutsideRoot: flags.allowOutsideRoot === true,
    // destroy reads no manifest's content: without a stack it must not guess one.
    readsManifests: !mode.destroy,
  });
  const loaded = mode.destroy
    ? undefined
    : await loadDesired({
        files,
        cwd: io.cwd,
        env: io.env,
        allowOutsideRoot: flags.allowOutsideRoot === true,
        onSkipped: skippedNotes(context),
      });
  const madeFor = saved?.plan.workspace;
  if (madeFor !== undefined && madeFor !== opened.workspace)
    throw new AssistantsError(
      'USAGE',
      `${mode.planFile} was made for workspace "${madeFor}", but this run uses workspace "${opened.workspace}"`,
      { hint: `apply it with --workspace ${madeFor}, or plan again for this workspace` },
    );
  const api = createApiClient({ baseUrl: context.globals().baseUrl, env: io.env });
  const ports = {
    store: opened.store,
    reader: sdkReader(api),
    writer: sdkWriter(api),
    hashCacheFile: opened.hashCacheFile,
    renderedFiles: renderedFilesFor(
      context,
      opened,
      loaded?.desired ?? { roots: await manifestRoots(files, io.cwd) },
      flags.allowOutsideRoot === true,
    ),
    now: () => Math.floor(Date.now() / 1000),
    otherStates: () => otherWorkspaceStates(context, opened, files),
  };
  const request = {
    destroy: mode.destroy,
    loaded,
    saved,
    targets,
    replace,
    refreshOnly,
    prices,
    lockTimeoutMs,
    parallelism,
    wait: flags.wait !== false,
    waitTimeoutMs,
  };
  const style = context.style();
  const command = mode.destroy ? 'destroy' : 'apply';
  const result = await applyWorkflow(ports, request, {
    settled: (unsettled, adopted, cleaned) =>
      io.stderr(
        `Settled ${counted(unsettled, 'call')} an earlier run left unconfirmed: adopted ${adopted}, cleaned up ${cleaned}.\n`,
      ),
    review: (planned, leftovers, warnings) => {
      const plan = { ...planned, workspace: opened.workspace };
      if (!saved) for (const chunk of planTextChunks(plan, style)) io.stdout(chunk);
      if (leftovers.length > 0) io.stdout(renderLeftovers(leftovers));
      if (plan.errors.length === 0 && warnings.length > 0) io.stderr(renderDiagnostics(warnings, style));
    },
    approve: () => (saved || flags.autoApprove ? Promise.resolve() : approve(context, command)),
    progress: async (work) =>
      (await withProgress(io, style, work, { verbose: flags.verbose === true })).result,
  });
  context.exitCode = reportApply(context, result);
}

/** What the run ended with, on stderr (or stdout for no state), and its exit code. */
function reportApply(context: CommandContext, result: ApplyResult): ExitCode {
  const { io } = context;
  const style = context.style();
  switch (result.status) {
    case 'no-state':
      io.stdout('No state: nothing to destroy.\n');
      return EXIT.OK;
    case 'refused':
      io.stderr(renderDiagnostics(result.diagnostics, style));
      return EXIT.ERROR;
    case 'unchanged':
      return EXIT.OK;
    case 'refreshed':
      io.stdout(
        `\nApply complete! The state now records ${counted(result.recorded.length, 'change')} made outside assistants-iac; nothing was changed in the API.\n`,
      );
      return EXIT.OK;
    case 'applied': {
      const { outcome } = result;
      const notes = [...outcome.errors, ...outcome.warnings];
      if (notes.length > 0) io.stderr(renderDiagnostics(notes, style));
      if (!outcome.interrupted) return outcome.errors.length > 0 ? EXIT.ERROR : EXIT.OK;
      io.stderr(renderDiagnostics([INTERRUPTED], style));
      return EXIT.INTERRUPTED;
    }
  }
}

const INTERRUPTED: Diagnostic = {
  severity: 'error',
  code: 'APPLY_INTERRUPTED',
  message: 'stopped before the end; what was done is saved in the state. Run apply again to finish.',
};

/**
 * The roots of the manifests -f names, without reading them: destroy plans against no manifests,
 * but removes rendered files that lie below them. Missing ones give no root (and no error here).
 */
async function manifestRoots(files: readonly string[], cwd: string): Promise<string[]> {
  const found = await findManifestFiles(files, cwd, { allowOutsideRoot: false });
  return rootsOf(found.files);
}
