import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { raw as jq } from 'jq-wasm';
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../helpers/emulator.js';
import { fakeKey } from '../helpers/fake-key.js';
import { seedStack } from '../helpers/seed-stack.js';
import { workspace, yaml } from '../helpers/workspace.js';

const KEY = fakeKey('sk-e2e-', 16, 'policy');
const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/assistants.js');
const POLICY = path.join(root, 'examples/policy');
const CHECKS = ['model-allowlist', 'no-protected-destroy', 'store-expiry'] as const;
type Check = (typeof CHECKS)[number];

const fx = useEmulator();

/** Runs the built binary (`npm run build` first) against the emulator, as CI would. */
async function assistants(cwd: string, args: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [bin, ...args, '--base-url', fx().emulator.url],
      { cwd, env: { PATH: process.env.PATH, OPENAI_API_KEY: KEY } },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/**
 * `jq -e -f examples/policy/CHECK.jq plan.json`, on jq compiled to WebAssembly (CI may have no jq
 * binary). jq -e's exit status: 0 when the last output is neither false nor null, 1 when it is.
 */
async function policy(check: Check, planJson: string, args: string[] = []) {
  const filter = await readFile(path.join(POLICY, `${check}.jq`), 'utf8');
  const lines = (await jq(planJson, filter, ['-c', ...args])).split('\n').filter((l) => l !== '');
  const last = lines.at(-1);
  return { code: last === undefined ? 4 : last === 'false' || last === 'null' ? 1 : 0, lines };
}

const DOCS = {
  'docs/faq.md': `# FAQ\n\n${'How do I reset my password? Use the link. '.repeat(200)}\n`,
  'docs/prices.md': '# Prices\n\nThe plan costs 10 EUR a month.\n',
};

const GOOD = yaml`
  version: 1
  files:
    faq: { path: docs/faq.md }
    prices: { path: docs/prices.md }
  vector_stores:
    kb:
      protect: true
      files: [faq, prices]
      expires_after: { anchor: last_active_at, days: 30 }
  assistants:
    bot:
      model: gpt-4o
      tools: [{ type: file_search }]
      tool_resources:
        file_search: { vector_stores: [kb] }
`;

describe('plan --json for policy and cost, checked by examples/policy', () => {
  it('passes every check for a stack that keeps the rules, and prices its storage', async () => {
    const dir = await workspace({ 'assistants.yaml': GOOD, ...DOCS });
    const run = await assistants(dir, ['plan', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const plan = JSON.parse(run.stdout);
    const bot = plan.resource_changes.find((c: { address: string }) => c.address === 'assistant.bot');
    expect(bot).toMatchObject({ protect: false, source: { file: 'assistants.yaml', line: 11, column: 3 } });
    expect(
      plan.resource_changes.find((c: { address: string }) => c.address === 'vector_store.kb'),
    ).toMatchObject({
      protect: true,
    });
    const bytes = DOCS['docs/faq.md'].length + DOCS['docs/prices.md'].length;
    expect(plan.cost).toMatchObject({
      estimate: true,
      usage_bytes: 0,
      estimated_bytes: bytes,
      daily_cost: 0,
      estimated_daily_cost: 0,
      stores: [{ address: 'vector_store.kb', id: null, actions: ['create'], attached_bytes: bytes }],
    });
    for (const check of CHECKS)
      expect(await policy(check, run.stdout), check).toEqual({ code: 0, lines: ['true'] });
  });

  it('fails each check for a plan that breaks its rule, naming the resource and where it is declared', async () => {
    const dir = await workspace({
      'assistants.yaml': GOOD.replace('model: gpt-4o', 'model: gpt-3.5-turbo').replace(
        / *expires_after:.*\n/,
        '',
      ),
      ...DOCS,
    });
    const run = await assistants(dir, ['plan', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(await policy('model-allowlist', run.stdout)).toEqual({
      code: 1,
      lines: [
        '"assistants.yaml:10:3: assistant.bot uses model \\"gpt-3.5-turbo\\", which is not allowed (allowed: gpt-4o, gpt-4o-mini, gpt-4.1, gpt-4.1-mini, gpt-5, gpt-5-mini)"',
        'false',
      ],
    });
    expect(await policy('store-expiry', run.stdout)).toMatchObject({
      code: 1,
      lines: [expect.stringContaining('assistants.yaml:6:3: vector_store.kb has no expires_after'), 'false'],
    });
    // The allow-list is the user's to give.
    expect(await policy('model-allowlist', run.stdout, ['--argjson', 'models', '["gpt-3.5-turbo"]'])).toEqual(
      {
        code: 0,
        lines: ['true'],
      },
    );
  });

  it('fails the protection check for a plan that deletes a protected store the manifests dropped', async () => {
    const dir = await workspace({ 'assistants.yaml': GOOD, ...DOCS });
    await seedStack(fx().client, { cwd: dir });
    const dropped = yaml`
      version: 1
      files:
        faq: { path: docs/faq.md }
        prices: { path: docs/prices.md }
    `;
    await import('node:fs/promises').then((fs) => fs.writeFile(path.join(dir, 'assistants.yaml'), dropped));
    const run = await assistants(dir, ['plan', '--json']);
    // The plan itself refuses it (PROTECTED_RESOURCE) and still prints the plan for the policy.
    expect(run.code).toBe(1);
    const plan = JSON.parse(run.stdout);
    expect(plan.errors.map((e: { code: string }) => e.code)).toEqual(['PROTECTED_RESOURCE']);
    expect(
      plan.resource_changes.find((c: { address: string }) => c.address === 'vector_store.kb'),
    ).toMatchObject({
      protect: true,
      source: null,
      change: { actions: ['delete'] },
    });
    expect(await policy('no-protected-destroy', run.stdout)).toEqual({
      code: 1,
      lines: ['"vector_store.kb is protected, and the plan would delete it (not_in_manifest)"', 'false'],
    });
    // The store held its files: the API's usage now, nothing after.
    expect(plan.cost.stores).toEqual([
      expect.objectContaining({ address: 'vector_store.kb', actions: ['delete'], estimated_bytes: 0 }),
    ]);
    expect(plan.cost.usage_bytes).toBeGreaterThan(0);
  });

  it('takes the storage prices from flags, refuses bad ones, and says the usage is unknown without a refresh', async () => {
    const dir = await workspace({ 'assistants.yaml': GOOD, ...DOCS });
    await seedStack(fx().client, { cwd: dir });
    const priced = await assistants(dir, [
      'plan',
      '--json',
      '--storage-price-per-gb-day',
      '2.5',
      '--storage-free-gb',
      '0',
    ]);
    expect(priced.code, priced.stderr).toBe(0);
    const plan = JSON.parse(priced.stdout);
    expect(plan.cost).toMatchObject({ price_per_gb_day: 2.5, free_gb: 0 });
    expect(plan.cost.daily_cost).toBeGreaterThan(0);

    const text = await assistants(dir, ['plan', '--storage-free-gb', '0']);
    expect(text.stdout).toContain('No changes.');
    expect(text.stdout).toContain('Vector-store storage (estimate: $0.10 per GB per day, no free GB):');

    const offline = await assistants(dir, ['plan', '--refresh=false', '--json']);
    expect(JSON.parse(offline.stdout).cost).toMatchObject({ usage_bytes: null, daily_cost: null });

    const bad = await assistants(dir, ['plan', '--storage-price-per-gb-day', '-1']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      "error[USAGE]: --storage-price-per-gb-day takes a number of at least 0, not '-1'",
    );
    expect(bad.stderr).not.toContain('    at ');
    const applyBad = await assistants(dir, ['apply', '--storage-free-gb', 'lots', '--auto-approve']);
    expect(applyBad.stderr).toContain(
      "error[USAGE]: --storage-free-gb takes a number of at least 0, not 'lots'",
    );
    // A saved plan was shown, priced, when it was made.
    expect((await assistants(dir, ['plan', '-o', 'out.plan'])).code).toBe(0);
    const savedPriced = await assistants(dir, ['apply', 'out.plan', '--storage-free-gb', '0']);
    expect(savedPriced.code).toBe(1);
    expect(savedPriced.stderr).toContain(
      'error[USAGE]: --storage-price-per-gb-day and --storage-free-gb price the plan',
    );
  });
});
