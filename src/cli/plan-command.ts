import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { type Plan, planHasChanges } from '../model/plan.js';
import { writePlanFile } from '../plan/plan-file.js';
import { preparePlan } from '../plan/prepare-plan.js';
import { createApiClient } from '../provider/api-client.js';
import { sdkReader } from '../provider/sdk-reader.js';
import { renderDiagnostics } from '../render/diagnostics-text.js';
import { renderPlanJson, renderSavedPlan } from '../render/plan-json.js';
import { renderPlanMarkdown } from '../render/plan-markdown.js';
import { renderPlanText } from '../render/plan-text.js';
import { parseDuration } from './duration.js';
import { EXIT } from './exit-codes.js';
import { openStateStore } from './open-state.js';
import { collect } from './options.js';
import type { CommandContext } from './program.js';

function parseBoolean(value: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new InvalidArgumentError('expected true or false');
}

interface PlanFlags {
  file: string[];
  out?: string;
  json?: boolean;
  format: 'text' | 'json' | 'markdown';
  detailedExitcode?: boolean;
  refresh: boolean;
  target: string[];
  lockTimeout: string;
  allowOutsideRoot?: boolean;
}

/**
 * `assistants plan`: what apply would change, and what changed outside the tool. Reads the
 * manifests, the state and the API (GET only); writes nothing but the saved plan with -o.
 */
export function planCommand(context: CommandContext): Command {
  return new Command('plan')
    .description('show what apply would change, and what changed outside assistants-iac (read-only)')
    .option(
      '-f, --file <path>',
      'manifest file or folder (repeatable; default: assistants.yaml)',
      collect,
      [],
    )
    .option('-o, --out <planfile>', 'save the plan for `assistants apply PLANFILE`')
    .addOption(
      new Option('--format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'),
    )
    .option('--json', 'same as --format json')
    .option('--detailed-exitcode', 'exit 0 when nothing would change, 2 when something would (drift too)')
    .option(
      '--refresh [bool]',
      'read the API (--refresh=false plans against the state alone)',
      parseBoolean,
      true,
    )
    .option('--target <address>', 'plan only this resource and what it needs (repeatable)', collect, [])
    .option('--lock-timeout <duration>', 'how long to wait for the state lock (e.g. 30s)', '0s')
    .option('--allow-outside-root', 'accept referenced paths that resolve outside the manifest root')
    .action(async (flags: PlanFlags) => {
      const { io } = context;
      const format = flags.json ? 'json' : flags.format;
      context.json = format === 'json';
      const globals = context.globals();
      const store = openStateStore(context);
      const prepared = await preparePlan({
        files: flags.file,
        cwd: io.cwd,
        env: io.env,
        allowOutsideRoot: flags.allowOutsideRoot === true,
        store,
        lockTimeoutMs: parseDuration(flags.lockTimeout, '--lock-timeout'),
        refresh: flags.refresh,
        targets: flags.target,
        hashCacheFile: `${path.resolve(io.cwd, globals.state)}.hashes.json`,
        hashAll: flags.out !== undefined,
        reader: () => sdkReader(createApiClient({ baseUrl: globals.baseUrl, env: io.env })),
      });
      const plan: Plan = { ...prepared.plan, warnings: [...prepared.warnings, ...prepared.plan.warnings] };
      const style = context.style();

      if (format === 'json') io.stdout(renderPlanJson(plan));
      else if (format === 'markdown') io.stdout(renderPlanMarkdown(plan));
      else io.stdout(renderPlanText(plan, style));
      if (format !== 'json' && plan.warnings.length + plan.errors.length > 0)
        io.stderr(renderDiagnostics([...plan.errors, ...plan.warnings], style));

      if (plan.errors.length > 0) {
        context.exitCode = EXIT.ERROR;
        return;
      }
      if (flags.out) {
        const out = path.resolve(io.cwd, flags.out);
        await writePlanFile(out, renderSavedPlan(plan, new Date()));
        if (format === 'text')
          io.stdout(`\nSaved the plan to ${flags.out}; apply it with: assistants apply ${flags.out}\n`);
      }
      context.exitCode = flags.detailedExitcode && planHasChanges(plan) ? EXIT.CHANGES : EXIT.OK;
    });
}
