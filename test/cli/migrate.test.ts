import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parse } from 'yaml';
import { validateManifests } from '../../src/manifest/validate.js';
import { runInProcess } from '../helpers/run-cli.js';
import { workspace, yaml } from '../helpers/workspace.js';

const REPO = path.resolve(import.meta.dirname, '../..');
const RICH = path.join(REPO, 'test/fixtures/migrate-rich');
/** The examples that have assistants, and the stack each names. */
const EXAMPLES = [
  ['support-bot', 'support'],
  ['data-analyst', 'analytics'],
  ['function-calling', 'order-desk'],
] as const;

/** A copy of `source` in a new temporary folder (removed when the test ends); `into` is a subfolder. */
async function copyOf(source: string, into = ''): Promise<{ dir: string; stack: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'assistants-iac-migrate-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  const stack = path.join(dir, into);
  await cp(source, stack, { recursive: true });
  return { dir, stack };
}

/** Every file under `dir`, relative to it, sorted: what a run left behind. */
async function filesIn(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() || e.isSymbolicLink())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

/** The assistants of the manifests of a folder, by name, as written. */
async function assistantsOf(dir: string): Promise<Record<string, Record<string, unknown>>> {
  const all: Record<string, Record<string, unknown>> = {};
  for (const file of (await readdir(dir, { recursive: true })).filter((f) => /\.ya?ml$/.test(f)))
    Object.assign(all, parse(await readFile(path.join(dir, file), 'utf8')).assistants ?? {});
  return all;
}

const nameDifference = (agent: string, name: string) =>
  `  assistant.${agent} name: "${name}" has no Responses field; kept as a comment, not sent`;

describe('assistants migrate: the examples', () => {
  it.each(EXAMPLES)(
    'prints the agents of examples/%s as a manifest of stack "%s" (exit 0)',
    async (example, stack) => {
      const run = await runInProcess(['migrate', '-f', `examples/${example}`], { cwd: REPO });
      expect(run.code).toBe(0);
      const manifest = parse(run.stdout);
      expect(Object.keys(manifest)).toEqual(['version', 'stack', 'agents']);
      expect(manifest).toMatchObject({ version: 1, stack });
      const assistants = await assistantsOf(path.join(REPO, 'examples', example));
      expect(Object.keys(manifest.agents)).toEqual(Object.keys(assistants));
      for (const [name, assistant] of Object.entries(assistants)) {
        expect(manifest.agents[name].model).toBe(assistant.model);
        expect(run.stdout).toContain(
          `  # name: "${assistant.name}" has no Responses field; kept as a comment, not sent\n  ${name}:\n`,
        );
      }
      expect(run.stdout).toContain(
        `# Paths are relative to examples/${example}: save this file there (or use --write FILE).\n`,
      );
      // Each example's assistant has a display name, the one field without a Responses equivalent.
      const [name, assistant] = Object.entries(assistants)[0] as [string, { name: string }];
      expect(run.stderr).toBe(
        [
          '1 difference: what the agents do not carry over as the assistants had it',
          nameDifference(name, assistant.name),
          '',
        ].join('\n'),
      );
    },
  );

  it("keeps the examples' ${env:...} as written, whatever the environment holds", async () => {
    const env = { ANALYST_MODEL: 'gpt-5', SHOP_NAME: 'Initech' };
    const analyst = await runInProcess(['migrate', '-f', 'examples/data-analyst'], { cwd: REPO, env });
    expect(parse(analyst.stdout).agents['sales-analyst'].model).toBe('${env:ANALYST_MODEL:-gpt-4o}');
    const desk = await runInProcess(['migrate', '-f', 'examples/function-calling'], { cwd: REPO, env });
    expect(parse(desk.stdout).agents['order-desk'].instructions).toContain('${env:SHOP_NAME:-the Acme shop}');
    expect(desk.stdout).not.toContain('Initech');
  });

  // Needs the lead's `agents:` schema (validate of the folder with the written file).
  it.each(EXAMPLES)(
    '--write agents.yaml in a copy of examples/%s writes the printed agents; validate accepts the folder',
    async (example) => {
      const { stack } = await copyOf(path.join(REPO, 'examples', example));
      const before = await filesIn(stack);
      const printed = await runInProcess(['migrate', '-f', '.'], { cwd: stack });
      const run = await runInProcess(['migrate', '-f', '.', '--write', 'agents.yaml'], { cwd: stack });
      expect(run.code).toBe(0);
      const [agent] = Object.keys(parse(printed.stdout).agents);
      expect(run.stdout).toMatch(
        new RegExp(
          `^Wrote agents\\.yaml: 1 agent \\(${agent}\\) from the assistants of \\d manifest files?\\.\\n`,
        ),
      );
      expect(run.stderr).toContain('1 difference: ');
      const written = await readFile(path.join(stack, 'agents.yaml'), 'utf8');
      expect(parse(written)).toEqual(parse(printed.stdout));
      expect(written).toContain("# Paths are relative to this file's folder.\n");
      // Nothing else is left behind (no temporary file).
      expect(await filesIn(stack)).toEqual([...before, 'agents.yaml'].sort());

      const validate = await runInProcess(['validate', '-f', stack], { cwd: stack });
      expect(validate.stderr).toBe('');
      expect(validate.code).toBe(0);
    },
  );

  it('examples/knowledge-base has no assistants: says so, exit 0, writes nothing', async () => {
    const run = await runInProcess(['migrate', '-f', 'examples/knowledge-base'], { cwd: REPO });
    expect(run).toEqual({
      code: 0,
      stdout: '',
      stderr: 'No assistants in 1 manifest file: nothing to migrate, nothing written.\n',
    });
    const { stack } = await copyOf(path.join(REPO, 'examples/knowledge-base'));
    const before = await filesIn(stack);
    const write = await runInProcess(['migrate', '-f', '.', '--write', 'agents.yaml'], { cwd: stack });
    expect(write.code).toBe(0);
    expect(write.stderr).toContain('nothing to migrate, nothing written');
    expect(await filesIn(stack)).toEqual(before);
  });
});

/** The agents of test/fixtures/migrate-rich, with paths relative to its root. */
const RICH_AGENTS = {
  support: {
    model: '${env:SUPPORT_MODEL:-gpt-4o}',
    description: 'Answers product questions',
    instructions: { file: 'prompts/support.md' },
    tools: [
      {
        type: 'file_search',
        vector_stores: ['kb'],
        max_num_results: 8,
        ranking_options: { ranker: 'auto', score_threshold: 0.5 },
      },
      { type: 'code_interpreter', files: ['sales'], file_ids: ['file-abc123'] },
      'escalate',
      {
        type: 'function',
        name: 'lookup_order',
        description: 'Look an order up by its number.',
        strict: false,
      },
    ],
    temperature: 0.3,
    top_p: 1,
    metadata: { owner: 'support', env: '${env:DEPLOY_ENV:-dev}' },
    protect: true,
  },
  analyst: {
    model: 'o4-mini',
    instructions: { file: 'sub/prompts/analyst.md' },
    tools: [
      {
        type: 'file_search',
        vector_store_ids: ['vs_external123'],
        ranking_options: { ranker: 'auto', score_threshold: 0.2 },
      },
    ],
    text: {
      format: {
        type: 'json_schema',
        name: 'report',
        description: 'A short report.',
        schema: {
          type: 'object',
          properties: { summary: { type: 'string' } },
          required: ['summary'],
          additionalProperties: false,
        },
        strict: true,
      },
    },
    reasoning: { effort: 'high' },
  },
  texter: {
    model: 'gpt-4o-mini',
    instructions: 'Write prices as $${amount}, in plain text.',
    text: { format: { type: 'text' } },
  },
  jsoner: {
    model: 'gpt-4o-mini',
    description: 'Answers in JSON',
    tools: [{ type: 'file_search', vector_stores: ['kb'], max_num_results: 4 }],
    text: { format: { type: 'json_object' } },
    metadata: { team: 'data' },
  },
  schemaless: {
    model: 'gpt-4o-mini',
    text: { format: { type: 'json_schema', name: 'anything', schema: {} } },
  },
};

/** Exactly what migrate lists for the rich stack, in order. */
const RICH_DIFFERENCES = [
  '10 differences: what the agents do not carry over as the assistants had it',
  nameDifference('support', 'Support Bot'),
  '  assistant.support tools[0].file_search.ranking_options.ranker: ranker default_2024_08_21 has no Responses equivalent (Responses has auto and default-2024-11-15); written as auto',
  '  assistant.support reasoning_effort: gpt-4o (what ${env:SUPPORT_MODEL:-gpt-4o} gives now) is not a reasoning model, and Responses refuses reasoning options for it; low is left out',
  '  assistant.analyst temperature: o4-mini is a reasoning model, and Responses refuses temperature for it; 1 is left out',
  nameDifference('texter', 'Texter'),
  '  assistant.texter tools[0]: file_search has no vector store (tool_resources.file_search names none); Responses requires vector_store_ids, so the tool is left out',
  '  assistant.texter tool_resources.code_interpreter: the assistant has no code_interpreter tool, so its files are not carried over: sales',
  '  assistant.jsoner tools[0]: shared tool "searcher" is a file_search tool; it is written inline, since an agent\'s file_search tool carries its own vector stores',
  '  assistant.schemaless tool_resources.file_search: the assistant has no file_search tool, so its vector stores are not carried over: kb',
  '  assistant.schemaless response_format.json_schema.schema: the assistant gives no schema and Responses requires one; written as {} (any JSON), which is what no schema meant',
  '',
].join('\n');

/** The rich stack's agents with their instruction files relative to another folder. */
function richAgentsWith(files: { support: string; analyst: string }) {
  return {
    ...RICH_AGENTS,
    support: { ...RICH_AGENTS.support, instructions: { file: files.support } },
    analyst: { ...RICH_AGENTS.analyst, instructions: { file: files.analyst } },
  };
}

describe('assistants migrate: a stack using every field of an assistant (test/fixtures/migrate-rich)', () => {
  it('prints every agent as expected and lists exactly the expected differences', async () => {
    const run = await runInProcess(['migrate', '-f', RICH], { cwd: REPO, env: {} });
    expect(run.code).toBe(0);
    expect(parse(run.stdout)).toEqual({ version: 1, stack: 'rich', agents: RICH_AGENTS });
    // The validation warnings come first (the same as validate's), then the differences.
    const at = run.stderr.indexOf('10 differences');
    expect(run.stderr.slice(0, at).match(/warning\[TOOL_RESOURCE_WITHOUT_TOOL\]/g)).toHaveLength(2);
    expect(run.stderr.slice(at)).toBe(RICH_DIFFERENCES);
  });

  it('comments each difference above its agent, in the printed manifest', async () => {
    const run = await runInProcess(['migrate', '-f', RICH], { cwd: REPO });
    const comments = RICH_DIFFERENCES.split('\n')
      .slice(1, -1)
      .map((line) => line.replace(/^ {2}assistant\.[a-z]+ /, '  # '));
    for (const comment of comments) expect(run.stdout).toContain(`${comment}\n`);
    expect(run.stdout).toContain(
      [
        '  # name: "Support Bot" has no Responses field; kept as a comment, not sent',
        '  # tools[0].file_search.ranking_options.ranker: ranker default_2024_08_21 has no Responses equivalent (Responses has auto and default-2024-11-15); written as auto',
        '  # reasoning_effort: gpt-4o (what ${env:SUPPORT_MODEL:-gpt-4o} gives now) is not a reasoning model, and Responses refuses reasoning options for it; low is left out',
        '  support:',
      ].join('\n'),
    );
  });

  it('decides what a model accepts by its value now, and keeps ${env:...} as written', async () => {
    const run = await runInProcess(['migrate', '-f', RICH], { cwd: REPO, env: { SUPPORT_MODEL: 'gpt-5' } });
    expect(parse(run.stdout).agents.support).toMatchObject({
      model: '${env:SUPPORT_MODEL:-gpt-4o}',
      reasoning: { effort: 'low' },
    });
    expect(parse(run.stdout).agents.support).not.toHaveProperty('temperature');
    expect(run.stderr).toContain(
      '  assistant.support temperature: gpt-5 (what ${env:SUPPORT_MODEL:-gpt-4o} gives now) is a reasoning model, and Responses refuses temperature for it; 0.3 is left out\n',
    );
  });

  it('keeps ${env:...} as written even when the variables are set', async () => {
    const env = { SUPPORT_MODEL: 'gpt-4.1', DEPLOY_ENV: 'prod' };
    const run = await runInProcess(['migrate', '-f', RICH], { cwd: REPO, env });
    expect(parse(run.stdout).agents).toEqual(RICH_AGENTS);
    // Only the comment on what the model accepts names the value the variable gives now.
    const values = run.stdout.replace(/^ *#.*\n/gm, '');
    expect(values).not.toContain('gpt-4.1');
    expect(values).not.toMatch(/\bprod\b/);
  });

  // Needs the lead's `agents:` schema (validate of the folder with the written file).
  it.each([
    ['agents.yaml', { support: 'prompts/support.md', analyst: 'sub/prompts/analyst.md' }],
    ['sub/agents.yaml', { support: '../prompts/support.md', analyst: 'prompts/analyst.md' }],
    [
      'new/deeper/agents.yml',
      { support: '../../prompts/support.md', analyst: '../../sub/prompts/analyst.md' },
    ],
  ])(
    '--write %s re-bases the instruction files on its folder; validate accepts the stack',
    async (file, files) => {
      const { stack } = await copyOf(RICH);
      const before = await filesIn(stack);
      const run = await runInProcess(['migrate', '-f', '.', '--write', file], { cwd: stack, env: {} });
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(
        [
          `Wrote ${file}: 5 agents (support, analyst, texter, jsoner, schemaless) from the assistants of 2 manifest files.`,
          'Review it and the differences, then remove from the manifests the assistants that the agents replace.',
          '',
        ].join('\n'),
      );
      expect(run.stderr.slice(run.stderr.indexOf('10 differences'))).toBe(RICH_DIFFERENCES);
      const written = await readFile(path.join(stack, file), 'utf8');
      expect(parse(written)).toEqual({ version: 1, stack: 'rich', agents: richAgentsWith(files) });
      expect(written).toContain('  # name: "Texter" has no Responses field; kept as a comment, not sent\n');
      expect(await filesIn(stack)).toEqual([...before, file].sort());

      const validate = await runInProcess(['validate', '-f', stack], { cwd: stack, env: {} });
      expect(validate.stderr).not.toContain('error[');
      expect(validate.code).toBe(0);
    },
  );

  // Needs the lead's agents: validation, which also checks each agent's rendered request against
  // the API's CreateResponse schema.
  it.each([RICH, ...EXAMPLES.map(([example]) => path.join(REPO, 'examples', example))])(
    'the agents written for %s validate as one agent per assistant, under its name',
    async (source) => {
      const { stack } = await copyOf(source);
      const run = await runInProcess(['migrate', '-f', '.', '--write', 'agents.yaml'], {
        cwd: stack,
        env: {},
      });
      expect(run.code).toBe(0);
      const validation = await validateManifests([stack], { cwd: stack, env: {} });
      expect(validation.errors).toEqual([]);
      const agents = (validation.value as unknown as { agents?: { name: string }[] }).agents ?? [];
      expect(agents.map((a) => a.name).sort()).toEqual(Object.keys(await assistantsOf(stack)).sort());
    },
  );

  it('with several -f, paths are relative to the folder written into', async () => {
    const { stack } = await copyOf(RICH);
    const run = await runInProcess(
      ['migrate', '-f', 'assistants.yaml', '-f', 'sub/bots.yaml', '--write', 'sub/agents.yaml'],
      { cwd: stack },
    );
    expect(run.code).toBe(0);
    expect(parse(await readFile(path.join(stack, 'sub/agents.yaml'), 'utf8')).agents).toEqual(
      richAgentsWith({ support: '../prompts/support.md', analyst: 'prompts/analyst.md' }),
    );
  });
});

describe('assistants migrate: a plain assistant', () => {
  it('without a display name or a tool: no difference, and says so', async () => {
    const dir = await workspace({
      'assistants.yaml': yaml`
        version: 1
        assistants:
          bot: { model: gpt-4o, instructions: Be brief., temperature: 0.2 }
      `,
    });
    const run = await runInProcess(['migrate'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('No differences: the agents carry over every field of the assistants.\n');
    expect(run.stdout).toBe(
      [
        '# Agents made by `assistants migrate` from the assistants of assistants.yaml.',
        '# Each is a Responses API request template under the name of the assistant it replaces.',
        '# Paths are relative to the working folder: save this file there (or use --write FILE).',
        '# What an agent does not carry over from its assistant is in the comments above it.',
        '',
        'version: 1',
        'agents:',
        '  bot:',
        '    model: gpt-4o',
        '    instructions: Be brief.',
        '    temperature: 0.2',
        '',
      ].join('\n'),
    );
  });
});

describe('assistants migrate: what it refuses', () => {
  const broken = yaml`
    version: 1
    assistants:
      bot:
        model: gpt-4o
        instruction: Be brief.
        temperature: 7
  `;

  it('invalid manifests: the same located diagnostics as validate, exit 1, nothing written', async () => {
    const dir = await workspace({ 'assistants.yaml': broken });
    const validate = await runInProcess(['validate'], { cwd: dir });
    const run = await runInProcess(['migrate', '--write', 'agents.yaml'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    // validate ends with its verdict line; the diagnostics before it are the same.
    expect(`${run.stderr}\n`).toBe(validate.stderr.replace(/Validation failed: .*\n$/, ''));
    expect(run.stderr).toContain('assistants.yaml:5:5 error[UNKNOWN_KEY]: unknown key "instruction"');
    expect(await filesIn(dir)).toEqual(['assistants.yaml']);
  });

  it('an unset ${env:...} without a default is an error as in validate, though the value is written as is', async () => {
    const dir = await workspace({
      'assistants.yaml': yaml`
        version: 1
        assistants:
          bot: { model: "\${env:BOT_MODEL}" }
      `,
    });
    const run = await runInProcess(['migrate'], { cwd: dir, env: {} });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error[ENV_UNSET]: environment variable BOT_MODEL is not set');
    const set = await runInProcess(['migrate'], { cwd: dir, env: { BOT_MODEL: 'gpt-5' } });
    expect(set.code).toBe(0);
    expect(parse(set.stdout).agents.bot.model).toBe('${env:BOT_MODEL}');
  });

  it('an existing file: MIGRATE_TARGET_EXISTS, exit 1, the file left as it was', async () => {
    const { stack } = await copyOf(path.join(REPO, 'examples/support-bot'));
    await writeFile(path.join(stack, 'agents.yaml'), '# mine\n');
    const run = await runInProcess(['migrate', '-f', '.', '--write', 'agents.yaml'], { cwd: stack });
    expect(run).toEqual({
      code: 1,
      stdout: '',
      stderr: [
        'error[MIGRATE_TARGET_EXISTS]: agents.yaml already exists; migrate writes a new file and never replaces one',
        '  = hint: pass --write with a new file name, or move the existing file away first',
        '',
      ].join('\n'),
    });
    expect(await readFile(path.join(stack, 'agents.yaml'), 'utf8')).toBe('# mine\n');
  });

  it('a dangling link at the target counts as an existing file', async () => {
    const { stack } = await copyOf(path.join(REPO, 'examples/support-bot'));
    await symlink('nowhere.yaml', path.join(stack, 'agents.yaml'));
    const run = await runInProcess(['migrate', '-f', 'assistants.yaml', '--write', 'agents.yaml'], {
      cwd: stack,
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error[MIGRATE_TARGET_EXISTS]');
  });

  it('a file outside the manifest root: PATH_OUTSIDE_ROOT, exit 1, nothing written', async () => {
    const { dir, stack } = await copyOf(path.join(REPO, 'examples/support-bot'), 'stack');
    await mkdir(path.join(dir, 'outside'));
    await symlink(path.join(dir, 'outside'), path.join(stack, 'link'));
    for (const target of ['../agents.yaml', 'link/agents.yaml', path.join(dir, 'agents.yaml')]) {
      // -f names the file: a folder given with -f would refuse the link to a folder outside itself.
      const run = await runInProcess(['migrate', '-f', 'assistants.yaml', '--write', target], { cwd: stack });
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(
        new RegExp(
          `^error\\[PATH_OUTSIDE_ROOT\\]: --write ${target.replace(/[.]/g, '\\.')} is outside the manifest root \\(\\.\\)\\n`,
        ),
      );
    }
    expect(await filesIn(path.join(dir, 'outside'))).toEqual([]);
    expect((await filesIn(dir)).filter((f) => !f.startsWith('stack/'))).toEqual([]);
  });

  it('a file that -f FOLDER would not read: USAGE', async () => {
    const { stack } = await copyOf(path.join(REPO, 'examples/support-bot'));
    for (const target of ['agents.json', '.agents.yaml']) {
      const run = await runInProcess(['migrate', '-f', '.', '--write', target], { cwd: stack });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(
        `error[USAGE]: --write ${target}: the file name must end in .yaml or .yml and not start with "."`,
      );
    }
  });

  // Needs the lead's `agents:` schema (the manifests must validate with an agents: section).
  it('an agent already named like an assistant: DUPLICATE_NAME where the agent is, nothing written', async () => {
    const dir = await workspace({
      'assistants.yaml': yaml`
        version: 1
        assistants:
          bot: { model: gpt-4o }
          other: { model: gpt-4o }
        agents:
          bot: { model: gpt-5-mini }
      `,
    });
    const run = await runInProcess(['migrate', '--write', 'agents.yaml'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'assistants.yaml:6:3 error[DUPLICATE_NAME]: agent "bot" is already defined, so assistant "bot" cannot become an agent of that name',
    );
    expect(await filesIn(dir)).toEqual(['assistants.yaml']);
  });
});
