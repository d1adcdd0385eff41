import { Command, InvalidArgumentError, Option } from 'commander';
import { manifestFileOption, planModeOptions, repeatableOption } from './options.js';
import type { PlanFlags } from './plan-flow.js';
import type { CommandContext } from './program.js';
import { storagePriceOptions } from './storage-price-options.js';

function parseBoolean(value: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new InvalidArgumentError('expected true or false');
}

/**
 * `assistants plan`: what apply would change, and what changed outside the tool. Reads the
 * manifests, the state and the API (GET only); writes nothing but the saved plan with -o.
 */
export function planCommand(context: CommandContext): Command {
  const planned = planModeOptions(
    new Command('plan')
      .description('show what apply would change, and what changed outside assistants-iac (read-only)')
      .addOption(manifestFileOption())
      .option('-o, --out <planfile>', 'save the plan for `assistants apply PLANFILE`')
      .addOption(
        new Option('--format <format>', 'output format')
          .choices(['text', 'json', 'markdown'])
          .default('text'),
      )
      .option('--json', 'same as --format json')
      .option('--detailed-exitcode', 'exit 0 when nothing would change, 2 when something would (drift too)')
      .option(
        '--refresh [bool]',
        'read the API (--refresh=false plans against the state alone)',
        parseBoolean,
        true,
      )
      .addOption(
        repeatableOption('--target <address>', 'plan only this resource and what it needs (repeatable)'),
      ),
    'show only the changes made outside assistants-iac, which apply then records in the state',
  );
  return storagePriceOptions(
    planned
      .option('--lock-timeout <duration>', 'how long to wait for the state lock (e.g. 30s)', '0s')
      .option('--allow-outside-root', 'accept referenced paths that resolve outside the manifest root'),
  ).action(async (flags: PlanFlags) => (await import('./plan-flow.js')).runPlan(context, flags));
}
