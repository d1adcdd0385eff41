// The stack sizes of `npm run bench` (S, M, L, XL): each tool, on a fresh emulator and a fresh
// copy of the stack, runs the scenarios in order (validate, first apply, no-op plan, plan after
// touching one file, apply after changing 10 files, destroy; XL runs a subset), each measured as
// its own process. A command that exits other than expected is recorded (code and the tail of its
// output) and the run goes on, so that every figure is written and the goal table says what failed.
import { appendFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { freshEmulator } from './emulator.mjs';
import { floors } from './floors.mjs';
import { measure } from './measure.mjs';
import { makeStack } from './stack.mjs';
import { TOOLS } from './tools.mjs';

const CHANGED = 10;
/** Runs of the no-op plan per tool; the median is reported (see step). */
const NO_OP_PLAN_RUNS = 5;

export const SCENARIOS = [
  'validate',
  'first apply',
  'no-op plan',
  'plan after touching 1 file',
  'apply after changing 10 files',
  'destroy',
];

/** Both tools through `scenarios` on `shape`; the result the report and the goals read. */
export async function runStackSize({ name, shape, scenarios = SCENARIOS }, context) {
  const { settings, parallelism, log } = context;
  log(
    `\n== ${name}: ${shape.files} files${shape.bigMb ? ` + one of ${shape.bigMb} MB` : ''}, ${shape.stores} stores, ${shape.assistants} assistants`,
  );
  const tools = {};
  let spec;
  let stackBytes;
  for (const tool of TOOLS) {
    const run = await runTool(name, shape, tool, scenarios, context);
    tools[tool.name] = run.figures;
    spec = run.spec;
    stackBytes = run.bytes;
  }
  // Both tools ran on copies of one stack: its bounds are theirs.
  const all = floors({
    stack: spec,
    latencyMs: settings.latencyMs,
    parallelism,
    indexDelayMs: settings.indexDelayMs,
    indexDelayPerMbMs: settings.indexDelayPerMbMs,
    changed: changedFiles(spec),
  });
  const bounds = Object.fromEntries(scenarios.map((s) => [s, all[s]]));
  log(`${name} bounds: ${scenarios.map((s) => `${s} ${all[s].requests} req.`).join(', ')}`);
  return { kind: 'stack', size: name, shape, stackBytes, settings, bounds, tools };
}

async function runTool(size, shape, tool, scenarios, { emulator, settings, log }) {
  await freshEmulator(emulator, settings);
  const stack = await makeStack(shape);
  const changed = changedFiles(stack.spec);
  const out = {};
  const step = async (name, args, expectCodes = [0], runs = 1) => {
    if (!scenarios.includes(name)) return;
    if (args === null) {
      out[name] = null;
      return;
    }
    const all = [];
    for (let run = 0; run < runs; run += 1)
      all.push(
        await measure({
          ...tool.command(args, stack.dir, emulator.url),
          cwd: stack.dir,
          origin: emulator.origin,
        }),
      );
    // The run of median wall time stands for all; every run's time is kept beside it.
    const { output, ...figures } = [...all].sort((a, b) => a.seconds - b.seconds)[Math.floor(runs / 2)];
    if (runs > 1) figures.runsSeconds = all.map((r) => r.seconds);
    if (!expectCodes.includes(figures.code)) {
      figures.unexpected = `exit ${figures.code}, expected ${expectCodes.join(' or ')}`;
      figures.outputTail = output.slice(-2000);
      log(`${size} ${tool.name} ${name}: ${figures.unexpected}\n${output.slice(-4000)}`);
    }
    out[name] = figures;
    log(
      `${size} ${tool.name.padEnd(14)} ${name.padEnd(30)} ${figures.seconds.toFixed(2).padStart(7)} s ${String(figures.requests).padStart(6)} requests ${figures.peakRssMb?.toFixed(0) ?? '?'} MB`,
    );
  };
  try {
    await step('validate', tool.validate);
    await step('first apply', tool.firstApply);
    // Read-only and under a second at S and M, where one run is mostly noise: the median of five.
    await step('no-op plan', tool.plan, tool.planCodes.clean, NO_OP_PLAN_RUNS);
    await appendFile(join(stack.dir, changed[0].file), '\nOne more line.\n');
    await step('plan after touching 1 file', tool.plan, tool.planCodes.changed);
    for (const { file } of changed.slice(1)) await appendFile(join(stack.dir, file), '\nOne more line.\n');
    await step('apply after changing 10 files', tool.reapply);
    await step('destroy', tool.destroy);
  } finally {
    await rm(stack.dir, { recursive: true, force: true });
  }
  return { figures: out, spec: stack.spec, bytes: stack.bytes };
}

/** One small file from each store in turn, CHANGED in all: what scenarios 4 and 5 edit. */
function changedFiles(spec) {
  const changed = [];
  const small = spec.stores.reduce((n, s) => n + s.files.filter((f) => !f.includes('large-')).length, 0);
  for (let i = 0; changed.length < Math.min(CHANGED, small); i += 1) {
    const store = spec.stores[i % spec.stores.length];
    const file = store.files.filter((f) => !f.includes('large-'))[Math.floor(i / spec.stores.length)];
    if (file) changed.push({ store: store.key, file });
  }
  return changed;
}
