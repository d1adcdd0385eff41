import path from 'node:path';
import { renderDiagnostics } from '../render/diagnostics-text.js';
import { planFromJson } from '../render/plan-from-json.js';
import { renderPlanJson } from '../render/plan-json.js';
import { renderPlanMarkdown } from '../render/plan-markdown.js';
import { planTextChunks } from '../render/plan-text.js';
import { readPlanDocument } from '../workflow/plan-file.js';
import { EXIT } from './exit-codes.js';
import type { CommandContext } from './program.js';
import type { ShowFlags } from './show-command.js';

/**
 * `assistants show PLANFILE`: the saved plan rendered by the renderers `plan` uses, so that it
 * reads as `plan` printed it (the JSON without the saved file's own `timestamp` and `run`).
 */
export async function runShow(context: CommandContext, planFile: string, flags: ShowFlags): Promise<void> {
  const { io } = context;
  const format = flags.json ? 'json' : flags.format;
  context.json = format === 'json';
  const document = await readPlanDocument(path.resolve(io.cwd, planFile), planFile);
  const plan = planFromJson(document);
  const style = context.style();
  if (format === 'json') io.stdout(renderPlanJson(plan));
  else if (format === 'markdown') io.stdout(renderPlanMarkdown(plan, { commit: document.run?.commit }));
  else for (const chunk of planTextChunks(plan, style)) io.stdout(chunk);
  if (format !== 'json' && plan.warnings.length + plan.errors.length > 0)
    io.stderr(renderDiagnostics([...plan.errors, ...plan.warnings], style));
  context.exitCode = EXIT.OK;
}
