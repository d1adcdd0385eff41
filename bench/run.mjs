#!/usr/bin/env node
// `npm run bench [-- --size S|M|L|S,M,...]`: assistants-iac against the best plain-SDK script
// (bench/baseline-sdk.mjs), in the same run, on the same emulator with the same latency and
// indexing delay. For each stack size it runs six scenarios with each tool, as separate
// processes: validate, first apply, no-op plan, plan after touching one file's content, apply
// after changing 10 files, destroy; and measures wall time, requests by route (the emulator's
// stats), peak RSS and bytes read. It prints a Markdown table with each figure's ratio to the
// scenario's lower bound (bench/lib/floors.mjs) and writes it to bench/RESULTS.md, with the
// figures as JSON in bench/RESULTS.json. It exits 1 when a goal (see GOALS) is missed.
// Default size: S (about a minute). Needs `npm run build` first (`npm run bench` does it).
import { spawn } from 'node:child_process';
import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { floors } from './lib/floors.mjs';
import { measure } from './lib/measure.mjs';
import { renderResults } from './lib/report.mjs';

const SIZES = {
  S: { files: 100, stores: 2, assistants: 2, bigMb: 0 },
  M: { files: 1000, stores: 10, assistants: 10, bigMb: 200 },
  L: { files: 5000, stores: 20, assistants: 20, bigMb: 0 },
};
const EMULATOR = { latencyMs: 25, indexDelayMs: 1000, indexDelayPerMbMs: 5 };
const PARALLELISM = 8; // assistants-iac's default --parallelism
const CHANGED = 10;

const BIN = fileURLToPath(new URL('../bin/assistants.js', import.meta.url));
const BASELINE = fileURLToPath(new URL('./baseline-sdk.mjs', import.meta.url));
const MAKE_STACK = fileURLToPath(new URL('./make-stack.mjs', import.meta.url));
const OUT = fileURLToPath(new URL('./RESULTS', import.meta.url));

const { values } = parseArgs({ options: { size: { type: 'string', default: 'S' } } });
const sizes = values.size.split(',').map((s) => s.trim().toUpperCase());
for (const size of sizes)
  if (!SIZES[size]) throw new Error(`--size: S, M or L (comma-separated), got ${size}`);

let emulator;

async function main() {
  emulator = await startEmulator();
  const results = [];
  try {
    for (const size of sizes) results.push(await runSize(size));
  } finally {
    emulator.process.kill('SIGTERM');
  }

  const run = {
    date: new Date().toISOString(),
    commit: await gitCommit(),
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 1e9)} GB, Node ${process.versions.node}`,
    emulator: EMULATOR,
    parallelism: PARALLELISM,
    sizes: results,
  };
  const { markdown, missed } = renderResults(run);
  console.log(markdown);
  await writeFile(`${OUT}.md`, markdown);
  await writeFile(`${OUT}.json`, `${JSON.stringify(run, null, 2)}\n`);
  if (missed.length > 0) process.exitCode = 1;
}

async function runSize(size) {
  const shape = SIZES[size];
  console.error(
    `\n== ${size}: ${shape.files} files${shape.bigMb ? ` + one of ${shape.bigMb} MB` : ''}, ${shape.stores} stores, ${shape.assistants} assistants`,
  );
  const ours = await scenarios(size, shape, oursTool);
  const baseline = await scenarios(size, shape, baselineTool);
  // Both tools ran on copies of one stack: its bounds are theirs.
  const bounds = floors({
    stack: ours.spec,
    latencyMs: EMULATOR.latencyMs,
    parallelism: PARALLELISM,
    indexDelayMs: EMULATOR.indexDelayMs,
    indexDelayPerMbMs: EMULATOR.indexDelayPerMbMs,
    changed: changedFiles(ours.spec),
  });
  return { size, shape, bounds, tools: { 'assistants-iac': ours.figures, 'SDK script': baseline.figures } };
}

/** A fresh emulator and a fresh copy of the stack, then the six scenarios with one tool. */
async function scenarios(size, shape, tool) {
  await fetch(`${emulator.origin}/_emulator/reset`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  const stack = await makeStack(shape);
  const changed = changedFiles(stack.spec);
  const out = {};
  const step = async (name, args, expectCodes = [0]) => {
    if (args === null) {
      out[name] = null;
      return;
    }
    const result = await measure({
      ...tool.command(args, stack.dir),
      cwd: stack.dir,
      origin: emulator.origin,
    });
    if (!expectCodes.includes(result.code))
      throw new Error(`${size} ${tool.name} ${name}: exit ${result.code}\n${result.output.slice(-4000)}`);
    const { output: _output, ...figures } = result;
    out[name] = figures;
    console.error(
      `${size} ${tool.name.padEnd(14)} ${name.padEnd(30)} ${figures.seconds.toFixed(2).padStart(7)} s ${String(figures.requests).padStart(6)} requests ${figures.peakRssMb?.toFixed(0) ?? '?'} MB`,
    );
  };
  try {
    await step('validate', tool.validate);
    await step('first apply', tool.firstApply);
    await step('no-op plan', tool.plan, tool.planCodes.clean);
    await appendFile(join(stack.dir, changed[0].file), '\nOne more line.\n');
    await step('plan after touching 1 file', tool.plan, tool.planCodes.changed);
    for (const { file } of changed.slice(1)) await appendFile(join(stack.dir, file), '\nOne more line.\n');
    await step('apply after changing 10 files', tool.reapply);
    await step('destroy', tool.destroy);
  } finally {
    await rm(stack.dir, { recursive: true, force: true });
  }
  return { figures: out, spec: stack.spec };
}

/** One small file from each store in turn, CHANGED in all: what scenarios 4 and 5 edit. */
function changedFiles(spec) {
  const changed = [];
  for (let i = 0; changed.length < CHANGED; i += 1) {
    const store = spec.stores[i % spec.stores.length];
    const file = store.files.filter((f) => !f.includes('large-'))[Math.floor(i / spec.stores.length)];
    if (file) changed.push({ store: store.key, file });
  }
  return changed;
}

const oursTool = {
  name: 'assistants-iac',
  command: (args, dir) => ({
    script: BIN,
    args: [...args, '-f', dir, '--state', join(dir, 'state.json'), '--base-url', emulator.url],
  }),
  validate: ['validate'],
  firstApply: ['apply', '--auto-approve'],
  plan: ['plan', '--detailed-exitcode'],
  planCodes: { clean: [0], changed: [2] },
  reapply: ['apply', '--auto-approve'],
  destroy: ['destroy', '--auto-approve'],
};

const baselineTool = {
  name: 'SDK script',
  command: (args, dir) => ({
    script: BASELINE,
    args: [args[0], dir, ...args.slice(1), '--base-url', emulator.url],
  }),
  validate: null, // the SDK checks nothing before the first request
  firstApply: ['apply'],
  // With no state, a re-run is how such a script finds and brings in changes.
  plan: ['sync', '--dry-run'],
  planCodes: { clean: [0], changed: [0] },
  reapply: ['sync'],
  destroy: ['destroy'],
};

async function makeStack(shape) {
  const dir = await mkdtemp(join(tmpdir(), 'assistants-iac-bench-'));
  await runNode(
    [
      MAKE_STACK,
      dir,
      '--files',
      shape.files,
      '--stores',
      shape.stores,
      '--assistants',
      shape.assistants,
      '--big-mb',
      shape.bigMb,
    ].map(String),
  );
  const spec = JSON.parse(await readFile(join(dir, 'stack.json'), 'utf8'));
  for (const store of spec.stores)
    store.sizes = await Promise.all(store.files.map(async (f) => (await stat(join(dir, f))).size));
  return { dir, spec };
}

function runNode(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${args[0]} exited ${code}`))));
  });
}

async function startEmulator() {
  const child = spawn(
    process.execPath,
    [
      BIN,
      'emulator',
      '--port',
      '0',
      '--latency-ms',
      String(EMULATOR.latencyMs),
      '--index-delay-ms',
      String(EMULATOR.indexDelayMs),
      '--index-delay-per-mb-ms',
      String(EMULATOR.indexDelayPerMbMs),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.on('close', (code) => reject(new Error(`the emulator exited ${code}`)));
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const found = /listening on (\S+)/.exec(out);
      if (found) resolve(found[1]);
    });
  });
  return { process: child, url, origin: url.replace(/\/v1$/, '') };
}

async function gitCommit() {
  return new Promise((resolve) => {
    const child = spawn('git', ['rev-parse', '--short', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.on('close', () => resolve(out.trim() || 'unknown'));
    child.on('error', () => resolve('unknown'));
  });
}

await main();
