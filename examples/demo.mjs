#!/usr/bin/env node
// `npm run demo`: the main job, end to end, against the bundled emulator, which listens on
// 127.0.0.1 only: no API key and no network needed. For each example stack: validate, plan, apply
// (uploads, attaches, waits for indexing, wires assistants, renders agents), plan again (no changes:
// exit 0 under --detailed-exitcode), and print the ids apps would use. Each gets a throwaway state
// file. Then the rendered support agent is sent to the emulator's POST /v1/responses, as an app
// sends it, and the citation that comes back is printed.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/assistants.js', import.meta.url));
const examples = fileURLToPath(new URL('.', import.meta.url));
const stateDir = mkdtempSync(join(tmpdir(), 'assistants-demo-'));
/** Folders of examples/ that hold no stack. */
const NOT_STACKS = new Set(['ci', 'policy']);

// What examples/agents renders (render_to); each run starts from a new state, so from no files.
const rendered = fileURLToPath(new URL('agents/build', import.meta.url));
rmSync(rendered, { recursive: true, force: true });

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
    // examples/ci holds a CI workflow and examples/policy checks of plans: neither is a stack.
    if (!statSync(folder).isDirectory() || NOT_STACKS.has(name)) continue;
    const common = ['-f', `examples/${name}`, '--state', join(stateDir, `${name}.json`), '--base-url', url];
    run(['validate', '-f', `examples/${name}`]);
    run(['plan', ...common]);
    run(['apply', ...common, '--auto-approve']);
    run(['plan', ...common, '--detailed-exitcode']);
    run(['output', '--state', join(stateDir, `${name}.json`)]);
  }
  await askTheSupportAgent();
} finally {
  emulator.kill('SIGTERM');
  rmSync(stateDir, { recursive: true, force: true });
  rmSync(rendered, { recursive: true, force: true });
}

/** What an app does with a rendered agent: load it, add `input`, call responses.create. */
async function askTheSupportAgent() {
  const { default: OpenAI } = await import('openai');
  const { loadAgent } = await import('assistants-iac/agents');
  const file = join(rendered, 'agents/support-agent.json');
  const question = 'How long do I have to return an item for a refund?';
  console.log(`$ node app.js  # loadAgent('${file}'), then responses.create({...agent, input})`);
  try {
    const agent = await loadAgent(file);
    const client = new OpenAI({ apiKey: env.OPENAI_API_KEY, baseURL: url });
    const response = await client.responses.create({ ...agent, input: question });
    const message = response.output.find((item) => item.type === 'message');
    const citation = message?.content[0]?.annotations?.find((a) => a.type === 'file_citation');
    if (!citation) throw new Error('the response cites no file');
    console.log(`question: ${question}`);
    console.log(`answer:   ${response.output_text.split('\n')[0]}`);
    console.log(`cited:    ${citation.filename} (${citation.file_id}), from the managed store\n`);
  } catch (err) {
    console.log(`the agent could not be asked: ${err.message}\n`);
    failed += 1;
  }
}
process.exitCode = failed === 0 ? 0 : 1;
