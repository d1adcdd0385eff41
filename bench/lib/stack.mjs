// A benchmark stack on disk (bench/make-stack.mjs) and its shape as plain data, with file sizes.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAKE_STACK = fileURLToPath(new URL('../make-stack.mjs', import.meta.url));

/**
 * Writes a stack of `shape` (`{ files, stores, assistants, bigMb }`) into a new temporary folder;
 * returns the folder, its spec (stack.json, each store with the `sizes` of its files) and the
 * stack's bytes. The caller removes the folder.
 */
export async function makeStack(shape) {
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
      shape.bigMb ?? 0,
    ].map(String),
  );
  const spec = JSON.parse(await readFile(join(dir, 'stack.json'), 'utf8'));
  for (const store of spec.stores)
    store.sizes = await Promise.all(store.files.map(async (f) => (await stat(join(dir, f))).size));
  const bytes = spec.stores.reduce((n, s) => n + s.sizes.reduce((a, b) => a + b, 0), 0);
  return { dir, spec, bytes };
}

function runNode(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${args[0]} exited ${code}`))));
  });
}
