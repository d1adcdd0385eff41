#!/usr/bin/env node
// Writes a benchmark stack into a folder: F small Markdown files spread over S vector stores (one
// glob member per store), and A assistants, each searching one store. Plans, refreshes and applies
// of large stacks are measured against it.
// Usage: node bench/make-stack.mjs DIR [--files 1000] [--stores 10] [--assistants 10]
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    files: { type: 'string', default: '1000' },
    stores: { type: 'string', default: '10' },
    assistants: { type: 'string', default: '10' },
  },
});
const dir = positionals[0];
const count = (name) => {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, got ${values[name]}`);
  return n;
};
const [files, stores, assistants] = [count('files'), count('stores'), count('assistants')];
if (!dir || stores < 1) {
  console.error('usage: node bench/make-stack.mjs DIR [--files N] [--stores N>=1] [--assistants N]');
  process.exit(1);
}

const pad = (n, width) => String(n).padStart(width, '0');
const storeName = (s) => `kb-${pad(s, 2)}`;
for (let f = 0; f < files; f += 1) {
  const store = storeName(f % stores);
  const folder = join(dir, 'docs', store);
  await mkdir(folder, { recursive: true });
  await writeFile(
    join(folder, `doc-${pad(f, 5)}.md`),
    `# Document ${f}\n\nThis page belongs to ${store}. It covers topic ${f} in a few sentences of text.\n`,
  );
}

const lines = ['version: 1', 'stack: bench', '', 'vector_stores:'];
for (let s = 0; s < stores; s += 1) {
  lines.push(
    `  ${storeName(s)}:`,
    `    name: Bench ${storeName(s)}`,
    '    files:',
    `      - glob: docs/${storeName(s)}/*.md`,
  );
}
if (assistants > 0) lines.push('', 'assistants:');
for (let a = 0; a < assistants; a += 1) {
  lines.push(
    `  bot-${pad(a, 2)}:`,
    '    model: gpt-4o',
    `    name: Bench bot ${a}`,
    `    instructions: Answer from ${storeName(a % stores)}.`,
    '    tools: [{ type: file_search }]',
    `    tool_resources: { file_search: { vector_stores: [${storeName(a % stores)}] } }`,
  );
}
await mkdir(dir, { recursive: true });
await writeFile(join(dir, 'assistants.yaml'), `${lines.join('\n')}\n`);
console.log(`wrote ${files} files in ${stores} stores and ${assistants} assistants to ${dir}`);
