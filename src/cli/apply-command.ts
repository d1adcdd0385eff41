import { Command } from 'commander';
import { DEFAULT_PARALLELISM } from '../provider/concurrency.js';
import type { ApplyFlags } from './apply-flow.js';
import { manifestFileOption, planModeOptions, repeatableOption } from './options.js';
import type { CommandContext } from './program.js';
import { storagePriceOptions } from './storage-price-options.js';

/** The flags apply and destroy share. */
export function withApplyOptions(command: Command): Command {
  return storagePriceOptions(
    command
      .addOption(manifestFileOption())
      .option('--auto-approve', 'do not ask for confirmation')
      .option('--parallelism <n>', 'calls in flight at once', String(DEFAULT_PARALLELISM))
      .option('--lock-timeout <duration>', 'how long to wait for the state lock (e.g. 30s)', '0s')
      .option('--allow-outside-root', 'accept referenced paths that resolve outside the manifest root')
      .option('--verbose', 'show progress as a line per resource call, not per phase'),
  );
}

/**
 * `assistants apply [PLANFILE]`: make the account match the manifests. Without a plan file it
 * plans, shows the plan and asks (or needs --auto-approve); with one, it applies that plan if
 * nothing moved on since.
 */
export function applyCommand(context: CommandContext): Command {
  return planModeOptions(
    withApplyOptions(
      new Command('apply')
        .description(
          'make the API match the manifests: upload, attach and wait for indexing, wire assistants, clean up',
        )
        .argument('[planfile]', 'a plan saved with `assistants plan -o`'),
    ).addOption(
      repeatableOption('--target <address>', 'apply only this resource and what it needs (repeatable)'),
    ),
    'record changes made outside assistants-iac in the state; change nothing in the API',
  )
    .option('--wait-timeout <duration>', 'how long to wait for vector-store indexing', '30m')
    .option('--no-wait', 'do not wait for indexing to finish')
    .action(async (planFile: string | undefined, flags: ApplyFlags) => {
      const { runApplyFlow } = await import('./apply-flow.js');
      await runApplyFlow(context, flags, { destroy: false, ...(planFile ? { planFile } : {}) });
    });
}

/** `assistants destroy`: delete everything the state holds, after showing the plan and asking. */
export function destroyCommand(context: CommandContext): Command {
  return withApplyOptions(
    new Command('destroy').description('delete every resource of the stack that the state holds'),
  ).action(async (flags: ApplyFlags) => {
    const { runApplyFlow } = await import('./apply-flow.js');
    await runApplyFlow(context, { ...flags, target: [], replace: [], refreshOnly: false }, { destroy: true });
  });
}
