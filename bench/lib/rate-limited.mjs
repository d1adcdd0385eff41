// The rate-limited sizes of `npm run bench` (RL600, RL200): a first apply against an emulator that
// limits every route family to `perMinute` requests a minute, then a plan right after, with each
// tool on a fresh emulator and stack. Whatever a command exits with is recorded, never fatal: the
// SDK script may give up under the limit, and that is a figure too.
import { rm } from 'node:fs/promises';
import { freshEmulator } from './emulator.mjs';
import { floors } from './floors.mjs';
import { measure } from './measure.mjs';
import { makeStack } from './stack.mjs';
import { TOOLS } from './tools.mjs';

/** Both tools: apply, then plan; figures per step and the first apply's bound under the limit. */
export async function runRateLimited({ name, shape, perMinute }, context) {
  const { emulator, parallelism, log } = context;
  const settings = { ...context.settings, rateLimitPerMin: perMinute };
  log(
    `\n== ${name}: ${shape.files} files, ${shape.stores} stores, ${perMinute} requests/min per route family`,
  );
  const rateLimits = { files: perMinute, vector_stores: perMinute, assistants: perMinute };
  const tools = {};
  let bound;
  for (const tool of TOOLS) {
    await freshEmulator(emulator, settings);
    const stack = await makeStack(shape);
    bound ??= floors({
      stack: stack.spec,
      latencyMs: settings.latencyMs,
      parallelism,
      indexDelayMs: settings.indexDelayMs,
      indexDelayPerMbMs: settings.indexDelayPerMbMs,
      changed: [],
      rateLimits,
    })['first apply'];
    // Far above any sane run, so a tool that never converges still lets the bench finish.
    const timeoutMs = Math.max(600_000, bound.seconds * 5000);
    const figures = {};
    try {
      for (const [step, args] of [
        ['first apply', tool.firstApply],
        ['plan right after', tool.plan],
      ]) {
        const { output, ...f } = await measure({
          ...tool.command(args, stack.dir, emulator.url),
          cwd: stack.dir,
          origin: emulator.origin,
          timeoutMs,
        });
        if (f.code !== 0) f.outputTail = output.slice(-2000);
        // The SDK script's dry run exits 0 whatever it finds; what is left to do is in its output.
        const found = /(\d+) change\(s\) found/.exec(output);
        if (found) f.changesFound = Number(found[1]);
        figures[step] = f;
        log(
          `${name} ${tool.name.padEnd(14)} ${step.padEnd(18)} exit ${f.code} ${f.seconds.toFixed(1).padStart(7)} s ${String(f.requests).padStart(6)} requests, ${f.statuses['429'] ?? 0} × 429`,
        );
        if (f.code !== 0) log(output.slice(-1500));
      }
    } finally {
      await rm(stack.dir, { recursive: true, force: true });
    }
    tools[tool.name] = figures;
  }
  log(`${name} first apply bound: ${bound.seconds.toFixed(1)} s, ${bound.requests} requests`);
  return { kind: 'rate-limited', size: name, shape, perMinute, settings, bound, tools };
}

/** A tool's figures over its apply and plan: requests, 429s and their share. */
export function limitedTotals(figures) {
  const steps = Object.values(figures).filter(Boolean);
  const requests = steps.reduce((n, f) => n + f.requests, 0);
  const limited = steps.reduce((n, f) => n + (f.statuses['429'] ?? 0), 0);
  return { requests, limited, share: requests === 0 ? 0 : limited / requests };
}
