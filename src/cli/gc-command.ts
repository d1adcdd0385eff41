import { Command, Option } from 'commander';
import { deleteGarbage } from '../apply/collect-garbage.js';
import { StateRecorder } from '../apply/state-recorder.js';
import { planHasChanges } from '../model/plan.js';
import { collectGarbage } from '../plan/garbage.js';
import { loadDesired, readStateFor } from '../plan/prepare-plan.js';
import { createApiClient } from '../provider/api-client.js';
import { readAccount } from '../provider/refresh.js';
import { sdkReader } from '../provider/sdk-reader.js';
import { sdkWriter } from '../provider/sdk-writer.js';
import { renderDiagnostics } from '../render/diagnostics-text.js';
import { renderPlanJson } from '../render/plan-json.js';
import { renderPlanMarkdown } from '../render/plan-markdown.js';
import { renderPlanText } from '../render/plan-text.js';
import { approve } from './apply-flow.js';
import { parseDuration } from './duration.js';
import { EXIT } from './exit-codes.js';
import { openStateStore } from './open-state.js';
import { collect } from './options.js';
import type { CommandContext } from './program.js';
import { withProgress } from './with-progress.js';

interface GcFlags {
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

/**
 * `assistants gc`: delete expired stores of this state and the files only they used, and
 * resources this state's runs made but lost track of. Shows the deletions, asks (or takes
 * --auto-approve), updates the state. For scheduled CI.
 */
export function gcCommand(context: CommandContext): Command {
  return new Command('gc')
    .description('delete expired vector stores (and files only they used) and leaked resources of this stack')
    .option('-f, --file <path>', 'manifests, to check that the state is theirs (optional)', collect, [])
    .option('--expired', 'expired stores of this state, and files only they used (default with --leaked)')
    .option('--leaked', 'stores and assistants stamped by this state but absent from it')
    .option('--all-expired', 'also expired stores this stack does not manage (warned about in the plan)')
    .option('--auto-approve', 'do not ask for confirmation')
    .option(
      '--detailed-exitcode',
      'with nothing to collect exit 0, else 2 (after collecting, or without approval)',
    )
    .addOption(
      new Option('--format <format>', 'plan output').choices(['text', 'json', 'markdown']).default('text'),
    )
    .option('--json', 'same as --format json')
    .option('--lock-timeout <duration>', 'how long to wait for the state lock', '0s')
    .action(async (flags: GcFlags) => {
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
          ? (await loadDesired({ files: flags.file, cwd: io.cwd, env: io.env, allowOutsideRoot: false }))
              .desired
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
    });
}
