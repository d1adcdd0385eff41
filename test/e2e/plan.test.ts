import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../helpers/emulator.js';
import { fakeKey } from '../helpers/fake-key.js';
import { requestDelta } from '../helpers/make-stack.js';
import { runInProcess } from '../helpers/run-cli.js';
import { seedStack } from '../helpers/seed-stack.js';
import { workspace, yaml } from '../helpers/workspace.js';

const KEY = fakeKey('sk-e2e-', 16, 'plan');

const MANIFEST = yaml`
  version: 1
  stack: support
  files:
    faq:
      path: docs/faq.md
    prices:
      path: docs/prices.md
  vector_stores:
    kb:
      name: Support KB
      files:
        - faq
        - file: prices
          attributes: { region: eu }
      expires_after: { anchor: last_active_at, days: 2 }
  assistants:
    bot:
      model: gpt-4o
      name: Support Bot
      instructions: |
        Answer from the knowledge base.
        Be brief.
      temperature: 0.3
      tools:
        - type: file_search
      tool_resources:
        file_search: { vector_stores: [kb] }
`;

async function stackDir() {
  return workspace({
    'assistants.yaml': MANIFEST,
    'docs/faq.md': '# FAQ\n\nHow do I reset my password? Use the link.\n',
    'docs/prices.md': '# Prices\n\nThe plan costs 10 EUR a month.\n',
  });
}

const fx = useEmulator();

/** Runs the CLI in-process against the current emulator with the test key. */
function cli(cwd: string, args: string[], env: Record<string, string> = {}) {
  return runInProcess([...args, '--base-url', fx().emulator.url], {
    cwd,
    env: { OPENAI_API_KEY: KEY, ...env },
  });
}

async function stats() {
  return (await fx().control('stats')) as { total: number; requests: Record<string, number> };
}

/** Ids and the lineage vary per run: replace them so output can be compared as text. */
function normalizeIds(text: string): string {
  return text
    .replace(/\b(file-|vs_|asst_)[A-Za-z0-9]+/g, '$1ID')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'LINEAGE');
}

describe('assistants plan against the emulator', () => {
  it('plans a fresh stack as all creates and exits 2 with --detailed-exitcode', async () => {
    const dir = await stackDir();
    const run = await cli(dir, ['plan', '--detailed-exitcode']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('Plan: 6 to add, 0 to change, 0 to destroy.');
    expect(run.stdout).toContain('+ assistant.bot');
    // A plan writes no state.
    await expect(readFile(path.join(dir, '.assistants/state.json'))).rejects.toThrow();
  });

  it('exits 0 for a stack in sync, and reads it with a handful of GETs', async () => {
    const dir = await stackDir();
    await seedStack(fx().client, { cwd: dir });
    const before = await stats();
    const run = await cli(dir, ['plan', '--detailed-exitcode']);
    // The store, used just now, has its whole 2-day window left: listed below, not warned about
    // (test/unit/plan/expiry-warning.test.ts has when it is).
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('No changes.');
    expect(run.stdout).toContain('vector_store.kb expires in 2 days unless used; used by assistant.bot');
    expect(run.code).toBe(0);
    const made = requestDelta(before.requests, (await stats()).requests);
    expect(made).toEqual({
      'GET /v1/files': 1,
      'GET /v1/vector_stores': 1,
      'GET /v1/vector_stores/{vector_store_id}/files': 1,
      'GET /v1/assistants': 1,
    });
  });

  it('shows a change made through the SDK as drift and plans it back (exit 2)', async () => {
    const dir = await stackDir();
    const { state } = await seedStack(fx().client, { cwd: dir });
    const botId = state.resources['assistant.bot']?.id as string;
    await fx().client.beta.assistants.update(botId, { temperature: 0.9, name: 'Renamed by hand' });
    const run = await cli(dir, ['plan', '--detailed-exitcode']);
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/changed outside assistants-iac/);
    expect(run.stdout).toContain('Plan: 0 to add, 1 to change, 0 to destroy.');

    const json = await cli(dir, ['plan', '--json']);
    const plan = JSON.parse(json.stdout);
    expect(plan.resource_drift).toMatchObject([
      {
        address: 'assistant.bot',
        change: { actions: ['update'], before: { temperature: 0.3 }, after: { temperature: 0.9 } },
      },
    ]);
    expect(
      plan.resource_changes.find((c: { address: string }) => c.address === 'assistant.bot'),
    ).toMatchObject({
      action_reason: 'changed',
      change: { actions: ['update'], before: { name: 'Renamed by hand' }, after: { name: 'Support Bot' } },
    });
  });

  it('replaces an expired store (delete first) and re-creates what was deleted outside', async () => {
    const dir = await stackDir();
    const { state } = await seedStack(fx().client, { cwd: dir });
    await fx().control('clock', { advance_seconds: 3 * 86_400 });
    await fx().client.files.delete(state.resources['file.faq']?.id as string);
    const run = await cli(dir, ['plan', '--json', '--detailed-exitcode']);
    expect(run.code).toBe(2);
    const plan = JSON.parse(run.stdout);
    const byAddress = Object.fromEntries(
      plan.resource_changes.map(
        (c: { address: string; action_reason: string; change: { actions: string[] } }) => [
          c.address,
          `${c.change.actions.join(',')} ${c.action_reason}`,
        ],
      ),
    );
    expect(byAddress).toEqual({
      'file.faq': 'create deleted_outside',
      'file.prices': 'no-op unchanged',
      'vector_store.kb': 'delete,create expired',
      'vector_store_file.kb/faq': 'delete,create dependency_replaced',
      'vector_store_file.kb/prices': 'delete,create dependency_replaced',
      'assistant.bot': 'update changed',
    });
    const text = await cli(dir, ['plan']);
    expect(text.stdout).toMatch(/-\/\+ vector_store\.kb/);
  });

  it('makes only GET requests, whatever the plan holds', async () => {
    const dir = await stackDir();
    const { state } = await seedStack(fx().client, { cwd: dir });
    await fx().client.beta.assistants.delete(state.resources['assistant.bot']?.id as string);
    await writeFile(path.join(dir, 'docs/faq.md'), '# FAQ\n\nChanged.\n');
    const before = await stats();
    for (const args of [['plan'], ['plan', '--json'], ['plan', '--format', 'markdown']]) {
      const run = await cli(dir, args);
      expect(run.code).toBe(0);
    }
    const routes = Object.keys(requestDelta(before.requests, (await stats()).requests));
    expect(routes.length).toBeGreaterThan(0);
    expect(routes.filter((route) => !route.startsWith('GET '))).toEqual([]);
  });

  it('renders text and Markdown a reviewer can read (ids normalised)', async () => {
    const dir = await stackDir();
    await seedStack(fx().client, { cwd: dir });
    await writeFile(
      path.join(dir, 'assistants.yaml'),
      MANIFEST.replace('Be brief.', 'Be thorough.').replace('temperature: 0.3', 'temperature: 0.5'),
    );
    await writeFile(path.join(dir, 'docs/faq.md'), '# FAQ\n\nReset your password from the sign-in page.\n');
    const text = await cli(dir, ['plan', '--no-color']);
    expect(normalizeIds(text.stdout)).toMatchInlineSnapshot(`
      "Resource actions are indicated with the following symbols:
        ~ update in-place
      +/- create replacement and then destroy

      assistants-iac will perform the following actions:

        # file.faq must be replaced (content changed)
      +/- file.faq (file-ID)
            ~ bytes:  49 -> 50
            ~ sha256: "911d4ea63108…" -> "f28eb9669eed…" # forces replacement
              (3 unchanged attributes hidden)

        # vector_store_file.kb/faq must be replaced (file.faq is replaced)
      +/- vector_store_file.kb/faq (file-ID)
            ~ file_id: "file-ID" -> (known after apply) # forces replacement
              (3 unchanged attributes hidden)

        # assistant.bot will be updated in-place
        ~ assistant.bot (asst_ID)
            ~ instructions:
                @@ -1,2 +1,2 @@
                  Answer from the knowledge base.
                - Be brief.
                + Be thorough.
            ~ temperature: 0.3 -> 0.5
              (9 unchanged attributes hidden)

      Plan: 2 to add, 1 to change, 2 to destroy.

      Vector-store storage (estimate: $0.10 per GB per day, the first 1 GB free):
        vector_store.kb  90 B → 91 B  (+50 B attached, -49 B detached)
        Daily cost       $0.00 → $0.00 per day (±$0.00)
      Sizes after apply are estimated from the files' byte sizes; the API bills its own count (usage_bytes).

      Vector stores with expires_after (any use resets the clock):
        vector_store.kb expires in 2 days unless used; used by assistant.bot
      "
    `);
    const markdown = await cli(dir, ['plan', '--format', 'markdown']);
    expect(normalizeIds(markdown.stdout)).toMatchInlineSnapshot(`
      "<!-- assistants-iac plan: stack=support workspace=default -->

      ### Plan: stack \`support\`, workspace \`default\`

      **Plan:** 0 to add, 1 to change, 2 to replace, 0 to destroy.

      > [!WARNING]
      > This plan destroys or replaces 1 resource and detaches or re-attaches 1 file:
      > - \`file.faq\` must be replaced (content changed)
      > - 1 file re-attached to <code>vector_store.kb</code>: each file is replaced

      #### Vector-store storage (estimate)

      | Vector store | Now | After apply | Change |
      | --- | ---: | ---: | --- |
      | \`vector_store.kb\` | 90 B | 91 B | +50 B attached, -49 B detached |
      | **Daily cost** | $0.00 | $0.00 | ±$0.00 |

      Priced at $0.10 per GB per day, the first 1 GB free. Sizes after apply are estimated from the files' byte sizes; the API bills its own count (usage_bytes).

      <details><summary>Graph of the changes (3 resources)</summary>

      \`\`\`mermaid
      flowchart LR
        n0("file.faq")
        n1[("vector_store.kb")]
        n2["assistant.bot"]
        n0 -->|"re-attach"| n1
        n1 --> n2
        classDef update fill:#fff8c5,stroke:#9a6700,color:#1f2328
        class n2 update
        classDef replace fill:#ffe2cc,stroke:#bc4c00,color:#1f2328
        class n0 replace
        classDef noop fill:#f6f8fa,stroke:#8c959f,color:#1f2328
        class n1 noop
      \`\`\`

      </details>

      #### Agents, assistants and skills

      <details><summary>~ <code>assistant.bot</code> will be updated in-place</summary>

      \`\`\`diff
      !   assistant.bot (asst_ID)
      !       instructions:
                @@ -1,2 +1,2 @@
                  Answer from the knowledge base.
      -           Be brief.
      +           Be thorough.
      !       temperature: 0.3 -> 0.5
              (9 unchanged attributes hidden)
      \`\`\`

      </details>

      #### Files in vector stores

      | Store | Files | Change |
      | --- | ---: | --- |
      | <code>vector_store.kb</code> | 1 | +/- re-attached: each file is replaced |

      <details><summary>The 1 file re-attached (<code>vector_store.kb</code>)</summary>

      \`\`\`text
      faq
      \`\`\`

      </details>

      #### Files

      <details><summary>+/- <code>file.faq</code> must be replaced (content changed)</summary>

      \`\`\`diff
      +/- file.faq (file-ID)
      !       bytes:  49 -> 50
      !       sha256: "911d4ea63108…" -> "f28eb9669eed…" # forces replacement
              (3 unchanged attributes hidden)
      \`\`\`

      </details>
      "
    `);
  });

  it('writes JSON that follows schema/plan.schema.json, and a plan file that records where it came from', async () => {
    const dir = await stackDir();
    const { state } = await seedStack(fx().client, { cwd: dir });
    const schema = JSON.parse(await readFile(path.resolve('schema/plan.schema.json'), 'utf8'));
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    (addFormatsModule as unknown as (ajv: Ajv2020) => void)(ajv);
    const validate = ajv.compile(schema);
    const run = await cli(dir, ['plan', '--format', 'json', '-o', 'out.plan']);
    expect(run.code).toBe(0);
    const plan = JSON.parse(run.stdout);
    expect(validate(plan), JSON.stringify(validate.errors)).toBe(true);
    const saved = await readFile(path.join(dir, 'out.plan'), 'utf8');
    expect(JSON.parse(saved)).toMatchObject({
      lineage: state.lineage,
      serial: state.serial,
      manifest_digest: plan.manifest_digest,
    });
    expect(saved).not.toContain(KEY);
  });

  it('fails with a clear error naming the sunset when the endpoint no longer serves assistants', async () => {
    const dir = await stackDir();
    await fx().control('config', { assistants: 'sunset' });
    const run = await cli(dir, ['plan']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error[ASSISTANTS_SUNSET]');
    expect(run.stderr).toContain('2026-08-26');
    expect(run.stderr).toContain('Run `assistants migrate` to turn the assistants into `agents:`');
    expect(run.stderr).not.toContain(KEY);
  });

  it('needs a key to read the API, but not with --refresh=false', async () => {
    const dir = await stackDir();
    const missing = await runInProcess(['plan', '--base-url', fx().emulator.url], { cwd: dir, env: {} });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('error[API_KEY_MISSING]');
    const offline = await runInProcess(['plan', '--refresh=false'], { cwd: dir, env: {} });
    expect(offline.code).toBe(0);
    expect(offline.stdout).toContain('Plan: 6 to add');
  });

  it('makes no API call from an invalid manifest', async () => {
    const dir = await workspace({ 'assistants.yaml': 'version: 1\nassistants:\n  bot: { modle: gpt-4o }\n' });
    const before = await stats();
    const run = await cli(dir, ['plan']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/assistants\.yaml:3:\d+ error\[/);
    expect((await stats()).total).toBe(before.total);
  });

  it('leaves a corrupt state file untouched and says so', async () => {
    const dir = await stackDir();
    const statePath = path.join(dir, '.assistants/state.json');
    await writeFile(path.join(dir, 'placeholder'), '');
    await import('node:fs/promises').then((fs) => fs.mkdir(path.dirname(statePath), { recursive: true }));
    const corrupt = '{"format_version": 1, "lineage": ';
    await writeFile(statePath, corrupt);
    const run = await cli(dir, ['plan']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error[STATE_CORRUPT]');
    expect(await readFile(statePath, 'utf8')).toBe(corrupt);
  });

  it('waits for a lock held by another live process, then fails naming it', async () => {
    const dir = await stackDir();
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], { stdio: 'ignore' });
    try {
      const { mkdir } = await import('node:fs/promises');
      await mkdir(path.join(dir, '.assistants'), { recursive: true });
      const { hostname } = await import('node:os');
      await writeFile(
        path.join(dir, '.assistants/state.json.lock'),
        JSON.stringify({
          id: 'lock-held-elsewhere',
          operation: 'apply',
          who: 'ci@build-7',
          host: hostname(),
          pid: holder.pid,
          created: new Date().toISOString(),
        }),
      );
      const started = Date.now();
      const run = await cli(dir, ['plan', '--lock-timeout', '400ms']);
      expect(Date.now() - started).toBeGreaterThanOrEqual(400);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('error[STATE_LOCKED]');
      expect(run.stderr).toContain('ci@build-7');
      expect(run.stderr).toContain('lock-held-elsewhere');
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('plans only the targets and what they need', async () => {
    const dir = await stackDir();
    // The store is new, so all its members come along: no store is made empty.
    const run = await cli(dir, ['plan', '--json', '--target', 'vector_store_file.kb/faq']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).resource_changes.map((c: { address: string }) => c.address)).toEqual([
      'file.faq',
      'file.prices',
      'vector_store.kb',
      'vector_store_file.kb/faq',
      'vector_store_file.kb/prices',
    ]);
    const bad = await cli(dir, ['plan', '--target', 'bucket.x']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('error[INVALID_ADDRESS]');
  });

  it('refuses to replace a protected store: a located error, exit 1, no plan file', async () => {
    const dir = await stackDir();
    await writeFile(
      path.join(dir, 'assistants.yaml'),
      MANIFEST.replace('    expires_after:', '    protect: true\n    expires_after:'),
    );
    await seedStack(fx().client, { cwd: dir });
    await fx().control('clock', { advance_seconds: 3 * 86_400 });
    const run = await cli(dir, ['plan', '--detailed-exitcode', '-o', 'out.plan']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /assistants\.yaml:\d+:\d+ error\[PROTECTED_RESOURCE\]: vector_store\.kb \(vs_\w+\) is protected/,
    );
    await expect(readFile(path.join(dir, 'out.plan'))).rejects.toThrow();
  });

  it('colours output on a terminal, and not with NO_COLOR or --no-color', async () => {
    const dir = await stackDir();
    const base = ['plan', '--base-url', fx().emulator.url];
    const env = { OPENAI_API_KEY: KEY };
    const esc = String.fromCharCode(27);
    const tty = await runInProcess(base, { cwd: dir, env, isTTY: true });
    expect(tty.stdout).toContain(`${esc}[`);
    const noColor = await runInProcess(base, { cwd: dir, env: { ...env, NO_COLOR: '1' }, isTTY: true });
    expect(noColor.stdout).not.toContain(esc);
    const flag = await runInProcess([...base, '--no-color'], { cwd: dir, env, isTTY: true });
    expect(flag.stdout).not.toContain(esc);
    expect(normalizeIds(flag.stdout)).toBe(normalizeIds(noColor.stdout));
  });

  it('refuses a state of another stack, and warns about calls an earlier apply left unconfirmed', async () => {
    const dir = await stackDir();
    const { state } = await seedStack(fx().client, { cwd: dir });
    const statePath = path.join(dir, '.assistants/state.json');
    const pending = {
      ...state,
      pending: [
        {
          id: '7d0c8a8e-2d7e-4c55-9d55-0d3c1f6b1a01',
          address: 'file.faq',
          kind: 'file',
          operation: 'create',
          started_at: '2026-11-21T10:00:00.000Z',
          match: { filename: 'faq.md', bytes: 49 },
        },
      ],
    };
    await writeFile(statePath, `${JSON.stringify(pending, null, 2)}\n`);
    const warned = await cli(dir, ['plan', '--detailed-exitcode']);
    expect(warned.code).toBe(0);
    expect(warned.stderr).toContain('warning[PENDING_OPERATIONS]');

    await writeFile(statePath, `${JSON.stringify({ ...state, stack: 'billing' }, null, 2)}\n`);
    const other = await cli(dir, ['plan']);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('error[STACK_MISMATCH]');
    expect(other.stderr).toContain('"billing"');
  });

  it('never prints the API key', async () => {
    const dir = await stackDir();
    const runs = [
      await cli(dir, ['plan']),
      await cli(dir, ['plan', '--json']),
      await cli(dir, ['plan', '--debug']),
    ];
    for (const run of runs) expect(run.stdout + run.stderr).not.toContain(KEY);
  });
});

describe('every example, applied by hand, plans clean against the emulator', () => {
  const examples = ['data-analyst', 'function-calling', 'knowledge-base', 'support-bot'];
  for (const name of examples) {
    it(`examples/${name}`, async () => {
      const cwd = path.resolve('examples', name);
      const statePath = path.join(await workspace({}), 'state.json');
      await seedStack(fx().client, { cwd, files: ['.'], statePath });
      const run = await runInProcess(
        ['plan', '-f', '.', '--state', statePath, '--detailed-exitcode', '--base-url', fx().emulator.url],
        { cwd, env: { OPENAI_API_KEY: KEY } },
      );
      expect(run.stderr).toBe('');
      expect(run.stdout).toContain('No changes.');
      expect(run.code).toBe(0);
    });
  }
});
