import { deleteGarbage } from '../apply/collect-garbage.js';
import { StateRecorder } from '../apply/state-recorder.js';
import { planHasChanges } from '../model/plan.js';
import { collectGarbage } from '../plan/garbage.js';
import { createApiClient } from '../provider/api-client.js';
import { readAccount } from '../provider/refresh.js';
import { sdkReader } from '../provider/sdk-reader.js';
import { sdkWriter } from '../provider/sdk-writer.js';
import { renderDiagnostics } from '../render/diagnostics-text.js';
import { renderPlanJson } from '../render/plan-json.js';
import { renderPlanMarkdown } from '../render/plan-markdown.js';
import { renderPlanText } from '../render/plan-text.js';
import { loadDesired, readStateFor } from '../workflow/prepare-plan.js';
import { approve } from './apply-flow.js';
import { parseDuration } from './duration.js';
import { EXIT } from './exit-codes.js';
import { openStateStore } from './open-state.js';
import type { CommandContext } from './program.js';
import { withProgress } from './with-progress.js';

/** The flags of `assistants gc`, as commander parses them. */
export interface GcFlags {
  file: string[];
  expired?: boolean;
  leaked?: boolean;
  allExpired?: boolean;
  autoApprove?: boolean;
  detailedExitcode?: boolean;
  format: 'text' | 'json' | 'markdown';
  json?: boolean;
  lockTimeout: string;
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
  };
  const store = openStateStore(context);
  const desired =
    flags.file.length > 0
      ? (await loadDesired({ files: flags.file, cwd: io.cwd, env: io.env, allowOutsideRoot: false })).desired
      : undefined;
  const api = createApiClient({ baseUrl: context.globals().baseUrl, env: io.env });
  const lock = await store.lock('gc', { timeoutMs: parseDuration(flags.lockTimeout, '--lock-timeout') });
  let recorder: StateRecorder | undefined;
  try {
    const state = desired ? await readStateFor(store, desired) : await store.read();
    if (!state) {
      io.stdout('No state: nothing to collect.\n');
      return;
    }
    // What an interrupted run left in the journal is folded into the state first.
    await store.compact(state);
    const plan = collectGarbage(state, await readAccount(sdkReader(api)), options);
    const style = context.style();
    if (format === 'json') io.stdout(renderPlanJson(plan));
    else if (format === 'markdown') io.stdout(renderPlanMarkdown(plan));
    else io.stdout(plan.changes.length === 0 ? 'Nothing to collect.\n' : renderPlanText(plan, style));
    if (format !== 'json' && plan.errors.length + plan.warnings.length > 0)
      io.stderr(renderDiagnostics([...plan.errors, ...plan.warnings], style));
    if (plan.errors.length > 0) {
      // Nothing is collected while the state names something that is not this stack's.
      context.exitCode = EXIT.ERROR;
      return;
    }
    if (!planHasChanges(plan)) return;
    if (!flags.autoApprove) await approve(context, 'gc');

    recorder = new StateRecorder(store, state);
    const active = recorder;
    const { result: outcome, interrupted } = await withProgress(io, style, (sink, stop) =>
      deleteGarbage(plan.changes, active, sdkWriter(api), sink, stop),
    );
    if (outcome.errors.length > 0) io.stderr(renderDiagnostics(outcome.errors, style));
    context.exitCode = interrupted
      ? EXIT.INTERRUPTED
      : outcome.errors.length > 0
        ? EXIT.ERROR
        : flags.detailedExitcode
          ? EXIT.CHANGES
          : EXIT.OK;
  } finally {
    await recorder?.settled().catch(() => {});
    await lock.release();
  }
}
