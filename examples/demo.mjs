#!/usr/bin/env node
// `npm run demo`: the main job, end to end, against the bundled emulator, which listens on
// 127.0.0.1 only: no API key and no network needed. For each example stack: validate, plan, apply
// (uploads, attaches, waits for indexing, wires assistants), plan again (no changes: exit 0 under
// --detailed-exitcode), and print the ids apps would use. Each gets a throwaway state file.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/assistants.js', import.meta.url));
const examples = fileURLToPath(new URL('.', import.meta.url));
const stateDir = mkdtempSync(join(tmpdir(), 'assistants-demo-'));

const emulator = spawn(process.execPath, [bin, 'emulator', '--port', '0'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise((resolve, reject) => {
  let out = '';
  emulator.stdout.on('data', (chunk) => {
    out += chunk;
    const found = /listening on (\S+)/.exec(out);
    if (found) resolve(found[1]);
  });
  emulator.once('exit', (code) => reject(new Error(`the emulator exited (${code}) before listening`)));
});
console.log(`emulator listening on ${url}\n`);

// The key only has to be present: the emulator accepts any bearer key.
const env = { ...process.env, OPENAI_API_KEY: 'sk-demo-local', CI: 'true' };
let failed = 0;
const run = (args) => {
  console.log(`$ assistants ${args.join(' ')}`);
  const result = spawnSync(process.execPath, [bin, ...args], { stdio: 'inherit', env });
  console.log('');
  if (result.status !== 0) failed += 1;
};
try {
  for (const name of readdirSync(examples).sort()) {
    const folder = join(examples, name);
    // examples/ci holds a CI workflow, not a stack.
    if (!statSync(folder).isDirectory() || name === 'ci') continue;
    const common = ['-f', `examples/${name}`, '--state', join(stateDir, `${name}.json`), '--base-url', url];
    run(['validate', '-f', `examples/${name}`]);
    run(['plan', ...common]);
    run(['apply', ...common, '--auto-approve']);
    run(['plan', ...common, '--detailed-exitcode']);
    run(['output', '--state', join(stateDir, `${name}.json`)]);
  }
} finally {
  emulator.kill('SIGTERM');
  rmSync(stateDir, { recursive: true, force: true });
}
process.exitCode = failed === 0 ? 0 : 1;
