import path from 'node:path';
import { AssistantsError } from '../errors/index.js';
import type { Plan } from '../model/plan.js';
import { createApiClient } from '../provider/api-client.js';
import { sdkReader } from '../provider/sdk-reader.js';
import { sdkWriter } from '../provider/sdk-writer.js';
import { renderDiagnostics } from '../render/diagnostics-text.js';
import { renderPlanJson } from '../render/plan-json.js';
import { renderPlanMarkdown } from '../render/plan-markdown.js';
import { renderPlanText } from '../render/plan-text.js';
import { type GcResult, gcWorkflow } from '../workflow/gc.js';
import { writePlanFile } from '../workflow/plan-file.js';
import { loadDesired } from '../workflow/prepare-plan.js';
import { approve } from './approve.js';
import { parseDuration } from './duration.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { manifestCommit } from './git-commit.js';
import { handleError } from './handle-error.js';
import { openState } from './open-state.js';
import type { CommandContext } from './program.js';
import { skippedNotes } from './skipped-notes.js';
import { withProgress } from './with-progress.js';
import { otherWorkspaceStates } from './workspace-states.js';

/** The flags of `assistants gc`, as commander parses them. */
export interface GcFlags {
  file: string[];
  expired?: boolean;
  leaked?: boolean;
  allExpired?: boolean;
  autoApprove?: boolean;
  dryRun?: boolean;
  out?: string;
  detailedExitcode?: boolean;
  format: 'text' | 'json' | 'markdown';
  json?: boolean;
  lockTimeout: string;
  skillPrefix?: string;
}

/** `assistants gc`: finds what to collect, shows it, asks (or takes --auto-approve), deletes it, updates the state. */
export async function runGc(context: CommandContext, flags: GcFlags): Promise<void> {
  const { io } = context;
  const format = flags.json ? 'json' : flags.format;
  context.json = format === 'json';
  const both = !flags.expired && !flags.leaked;
  const options = {
    expired: both || flags.expired === true,
    leaked: both || flags.leaked === true,
    allExpired: flags.allExpired === true,
    ...(flags.skillPrefix !== undefined ? { skillPrefix: checkSkillPrefix(flags.skillPrefix, flags) } : {}),
  };
  const desired =
    flags.file.length > 0
      ? (
          await loadDesired({
            files: flags.file,
            cwd: io.cwd,
            env: io.env,
            allowOutsideRoot: false,
            onSkipped: skippedNotes(context),
          })
        ).desired
      : undefined;
  const api = createApiClient({ baseUrl: context.globals().baseUrl, env: io.env });
  const opened = await openState(context, { files: flags.file, stack: desired?.stack });
  const { store, workspace } = opened;
  const ports = {
    store,
    reader: sdkReader(api),
    writer: sdkWriter(api),
    otherStates: () => otherWorkspaceStates(context, opened, flags.file),
  };
  const lockTimeoutMs = parseDuration(flags.lockTimeout, '--lock-timeout');
  const style = context.style();
  const detailed = flags.detailedExitcode === true;
  // -o saves what would be collected and deletes nothing: a review step before a second gc.
  const dryRun = flags.dryRun === true || flags.out !== undefined;
  const request = { options, stack: desired?.stack, lockTimeoutMs, dryRun };
  const commit = format === 'markdown' ? await manifestCommit(io.env, io.cwd, flags.file) : undefined;
  let result: GcResult;
  let reviewed: Plan | undefined;
  try {
    result = await gcWorkflow(ports, request, {
      review: (planned) => {
        const plan = { ...planned, workspace };
        reviewed = plan;
        if (format === 'json') io.stdout(renderPlanJson(plan));
        else if (format === 'markdown') io.stdout(renderPlanMarkdown(plan, { commit }));
        else io.stdout(plan.changes.length === 0 ? 'Nothing to collect.\n' : renderPlanText(plan, style));
        if (format !== 'json' && plan.errors.length + plan.warnings.length > 0)
          io.stderr(renderDiagnostics([...plan.errors, ...plan.warnings], style));
      },
      approve: () => (flags.autoApprove ? Promise.resolve() : approveOrChanges(context, detailed)),
      progress: (work) => withProgress(io, style, work),
    });
  } catch (err) {
    if (!(err instanceof GcNeedsApproval)) throw err;
    handleError(err.error, io, { debug: false, json: context.json, style });
    context.exitCode = EXIT.CHANGES;
    return;
  }
  if (flags.out && reviewed && (result.status === 'shown' || result.status === 'nothing')) {
    await writePlanFile(path.resolve(io.cwd, flags.out), renderPlanJson(reviewed));
    if (format === 'text')
      io.stdout(
        `\nSaved what gc would collect to ${flags.out}; read it with: assistants show ${flags.out}\n`,
      );
  }
  context.exitCode = reportGc(context, result, detailed);
}

/**
 * The --skill-prefix given: not empty (it would match every skill of the account), and only with
 * --leaked (which the default, neither --expired nor --leaked, includes).
 */
function checkSkillPrefix(prefix: string, flags: GcFlags): string {
  if (prefix.trim() === '')
    throw new AssistantsError('USAGE', '--skill-prefix is empty: it would name every skill of the account', {
      hint: 'give the prefix this stack names its skills with, as their SKILL.md `name:` starts: --skill-prefix acme-support-',
    });
  if (flags.expired && !flags.leaked)
    throw new AssistantsError(
      'USAGE',
      '--skill-prefix chooses which skills --leaked collects, and --expired alone collects none',
      {
        hint: 'add --leaked, or leave out --expired (gc then does both)',
      },
    );
  return prefix;
}

/**
 * Approval; where no one can answer, with --detailed-exitcode, the refusal is still an error
 * message but the exit code is 2, as documented: there is something to collect.
 */
async function approveOrChanges(context: CommandContext, detailed: boolean): Promise<void> {
  try {
    await approve(context, 'gc');
  } catch (err) {
    if (detailed && err instanceof AssistantsError && err.code === 'APPROVAL_REQUIRED')
      throw new GcNeedsApproval(err);
    throw err;
  }
}

/** APPROVAL_REQUIRED under --detailed-exitcode: reported as usual, with exit code 2. */
class GcNeedsApproval extends Error {
  constructor(readonly error: AssistantsError) {
    super(error.message);
  }
}

/** What the run ended with (no state on stdout, failures on stderr), and its exit code. */
function reportGc(context: CommandContext, result: GcResult, detailed: boolean): ExitCode {
  switch (result.status) {
    case 'no-state':
      context.io.stdout('No state: nothing to collect.\n');
      return EXIT.OK;
    case 'nothing':
      return EXIT.OK;
    case 'shown':
      context.io.stderr('Dry run: nothing was deleted.\n');
      return detailed ? EXIT.CHANGES : EXIT.OK;
    case 'refused':
      return EXIT.ERROR;
    case 'collected': {
      const { errors } = result.outcome;
      if (errors.length > 0) context.io.stderr(renderDiagnostics(errors, context.style()));
      if (result.interrupted) return EXIT.INTERRUPTED;
      return errors.length > 0 ? EXIT.ERROR : detailed ? EXIT.CHANGES : EXIT.OK;
    }
  }
}
