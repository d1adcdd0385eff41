#!/usr/bin/env node
// `node scripts/check-layers.mjs`: the layer rules of docs/architecture.md, checked on the imports
// of src/**/*.ts. Prints each import that breaks a rule and each cycle between folders of src/,
// and exits 1 if there is any; run by `npm run lint`.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'src');

/** Folders of src/ that must not import from others, and why. */
const FORBIDDEN = [
  { from: 'plan', to: 'provider', why: 'the planner works on the model, not on the API client' },
  { from: 'render', to: 'cli', why: 'renderers write to their Output port; the CLI adapts the process' },
];
/** Folders that do no I/O (the planner, the model, the helpers), and the Node modules that would. */
const NO_IO = {
  folders: ['plan', 'model', 'util'],
  modules: /^node:(fs|fs\/promises|net|http|https|child_process)$/,
};

function* sources(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (entry.name.endsWith('.ts')) yield path;
  }
}

const IMPORT =
  /^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;
const folderOf = (file) => relative(SRC, file).split('/')[0].replace(/\.ts$/, '');

const problems = [];
const edges = new Map();
const folders = new Set();
for (const file of sources(SRC)) {
  const from = folderOf(file);
  folders.add(from);
  const text = readFileSync(file, 'utf8');
  for (const match of text.matchAll(IMPORT)) {
    const spec = match[1] ?? match[2] ?? match[3];
    const at = `${relative(process.cwd(), file)}: ${spec}`;
    if (NO_IO.folders.includes(from) && NO_IO.modules.test(spec))
      problems.push(`${at} (src/${from} does no I/O)`);
    if (!spec.startsWith('.')) continue;
    const to = folderOf(resolve(dirname(file), spec));
    if (to === from) continue;
    for (const rule of FORBIDDEN)
      if (rule.from === from && rule.to === to)
        problems.push(`${at} (src/${from} must not import src/${to}: ${rule.why})`);
    if (!edges.has(from)) edges.set(from, new Map());
    if (!edges.get(from).has(to)) edges.get(from).set(to, at);
  }
}

// Cycles between folders: a depth-first search that reports each back edge with the path it closes.
const state = new Map();
const stack = [];
function visit(folder) {
  state.set(folder, 'open');
  stack.push(folder);
  for (const [to, at] of edges.get(folder) ?? []) {
    if (state.get(to) === 'open') {
      const cycle = [...stack.slice(stack.indexOf(to)), to].join(' -> ');
      problems.push(`folder cycle ${cycle} (closed by ${at})`);
    } else if (!state.has(to)) visit(to);
  }
  stack.pop();
  state.set(folder, 'done');
}
for (const folder of [...edges.keys()].sort()) if (!state.has(folder)) visit(folder);

for (const problem of problems) console.error(problem);
if (problems.length > 0) {
  console.error(`check-layers: ${problems.length} problem(s)`);
  process.exit(1);
}
console.log(`check-layers: ${folders.size} folders and files of src/, no cycle, no forbidden import`);
