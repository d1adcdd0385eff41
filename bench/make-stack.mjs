#!/usr/bin/env node
// Writes a benchmark stack into a folder: F small Markdown files spread over S vector stores (one
// glob member per store), A assistants, each searching one store, and with --big-mb one large
// (sparse) file in the first store. Plans, refreshes and applies of large stacks are measured
// against it. Beside assistants.yaml it writes stack.json, the same stack as plain data, for the
// SDK baseline of `npm run bench` (which must not depend on this project's manifest reader).
// Usage: node bench/make-stack.mjs DIR [--files 1000] [--stores 10] [--assistants 10] [--big-mb 0]
import { mkdir, open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    files: { type: 'string', default: '1000' },
    stores: { type: 'string', default: '10' },
    assistants: { type: 'string', default: '10' },
    'big-mb': { type: 'string', default: '0' },
  },
});
const dir = positionals[0];
const count = (name) => {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, got ${values[name]}`);
  return n;
};
const [files, stores, assistants, bigMb] = [
  count('files'),
  count('stores'),
  count('assistants'),
  count('big-mb'),
];
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

const spec = { stores: [], assistants: [] };
for (let s = 0; s < stores; s += 1)
  spec.stores.push({ key: storeName(s), name: `Bench ${storeName(s)}`, files: [] });
for (let f = 0; f < files; f += 1)
  spec.stores[f % stores].files.push(`docs/${storeName(f % stores)}/doc-${pad(f, 5)}.md`);
if (bigMb > 0) {
  // Sparse: it takes no disk and is written at once, but reads (and uploads) as bigMb MB of bytes.
  const big = `docs/${storeName(0)}/large-${bigMb}mb.md`;
  await mkdir(join(dir, 'docs', storeName(0)), { recursive: true });
  const handle = await open(join(dir, big), 'w');
  await handle.truncate(bigMb * 1000 * 1000);
  await handle.close();
  spec.stores[0].files.push(big);
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
  spec.assistants.push({
    key: `bot-${pad(a, 2)}`,
    model: 'gpt-4o',
    name: `Bench bot ${a}`,
    instructions: `Answer from ${storeName(a % stores)}.`,
    store: storeName(a % stores),
  });
}
await mkdir(dir, { recursive: true });
await writeFile(join(dir, 'assistants.yaml'), `${lines.join('\n')}\n`);
await writeFile(join(dir, 'stack.json'), `${JSON.stringify(spec, null, 2)}\n`);
console.log(
  `wrote ${files} files${bigMb > 0 ? ` and one of ${bigMb} MB` : ''} in ${stores} stores and ${assistants} assistants to ${dir}`,
);
