import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../helpers/emulator.js';
import { fakeKey } from '../helpers/fake-key.js';
import { parseMermaid } from '../helpers/mermaid-parse.js';
import { runInProcess } from '../helpers/run-cli.js';
import { seedStack } from '../helpers/seed-stack.js';
import { workspace, yaml } from '../helpers/workspace.js';

const KEY = fakeKey('sk-e2e-', 16, 'graph');
const bin = path.resolve(import.meta.dirname, '../../bin/assistants.js');

const MANIFEST = yaml`
  version: 1
  stack: support
  files:
    faq:
      path: docs/faq.md
    prices:
      path: docs/prices.md
    sheet:
      path: docs/sheet.csv
  vector_stores:
    kb:
      name: Support KB
      files:
        - faq
        - prices
        - glob: guides/*.md
  assistants:
    bot:
      model: gpt-4o
      instructions: Answer from the knowledge base.
      tools:
        - type: file_search
        - type: code_interpreter
      tool_resources:
        file_search: { vector_stores: [kb] }
        code_interpreter: { files: [sheet] }
  agents:
    helper:
      model: gpt-5-mini
      tools:
        - type: file_search
          vector_stores: [kb]
`;

async function stackDir() {
  return workspace({
    'assistants.yaml': MANIFEST,
    'docs/faq.md': '# FAQ\n\nHow do I reset my password? Use the link.\n',
    'docs/prices.md': '# Prices\n\nThe plan costs 10 EUR a month.\n',
    'docs/sheet.csv': 'month,revenue\njan,10\n',
    // Glob members are named by their path, which may hold anything a graph language reads as syntax.
    [ODD]: '# Odd\n\nA guide with an odd name.\n',
  });
}

const ODD = "guides/odd 'name' [x] `b` {c} #1;.md";
const ODD_LABEL = 'file.guides/odd #39;name#39; #91;x#93; #96;b#96; #123;c#125; #35;1#59;.md';

const fx = useEmulator();

function cli(cwd: string, args: string[]) {
  return runInProcess([...args, '--base-url', fx().emulator.url], { cwd, env: { OPENAI_API_KEY: KEY } });
}

/** The nodes of a Mermaid flowchart: id → label (entity codes left as written). */
function mermaidNodes(text: string): Map<string, string> {
  return new Map(
    [...text.matchAll(/^ {2}(n\d+)[([{]+"(.*?)"[)\]}]+$/gm)].map((m) => [m[1] ?? '', m[2] ?? '']),
  );
}

/** The class each node is drawn in. */
function mermaidClasses(text: string): Map<string, string> {
  const classes = new Map<string, string>();
  for (const m of text.matchAll(/^ {2}class ([\w,]+) (\w+)$/gm))
    for (const id of (m[1] ?? '').split(',')) classes.set(id, m[2] ?? '');
  return classes;
}

describe('assistants graph', () => {
  it('draws the stack from the manifests alone, as Mermaid that Mermaid parses', async () => {
    const dir = await stackDir();
    // No key, no state, no API: the graph needs none.
    const run = await runInProcess(['graph'], { cwd: dir, env: {} });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect((await parseMermaid(run.stdout)).diagramType).toBe('flowchart-v2');
    const nodes = mermaidNodes(run.stdout);
    expect([...nodes.values()]).toEqual([
      'file.faq',
      ODD_LABEL,
      'file.prices',
      'file.sheet',
      'vector_store.kb',
      'assistant.bot',
      'agent.helper',
    ]);
    const edges = [...run.stdout.matchAll(/^ {2}(n\d+) --> (n\d+)$/gm)].map(
      (m) => `${nodes.get(m[1] ?? '')} -> ${nodes.get(m[2] ?? '')}`,
    );
    expect(edges.sort()).toEqual(
      [
        'file.faq -> vector_store.kb',
        'file.prices -> vector_store.kb',
        `${ODD_LABEL} -> vector_store.kb`,
        'file.sheet -> assistant.bot',
        'vector_store.kb -> assistant.bot',
        'vector_store.kb -> agent.helper',
      ].sort(),
    );
    expect(new Set(mermaidClasses(run.stdout).values())).toEqual(new Set(['noop']));
  });

  it('writes DOT: a digraph with every node and edge', async () => {
    const dir = await stackDir();
    const run = await runInProcess(['graph', '--format', 'dot'], { cwd: dir, env: {} });
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('digraph assistants {');
    expect(lines.at(-1)).toBe('}');
    const nodes = lines.filter((line) => /^ {2}n\d+ \[label=/.test(line));
    const edges = lines.filter((line) => /^ {2}n\d+ -> n\d+/.test(line));
    expect(nodes).toHaveLength(7);
    expect(edges).toHaveLength(6);
    expect(nodes[1]).toContain(`label="file.${ODD}"`);
    expect(nodes.find((n) => n.includes('vector_store.kb'))).toContain('shape=cylinder');
    // Balanced quotes on every line: no label leaks out of its string.
    for (const line of lines) expect((line.replace(/\\"/g, '').match(/"/g)?.length ?? 0) % 2).toBe(0);
  });

  it('colours the graph by a saved plan, destroyed resources included', async () => {
    const dir = await stackDir();
    await seedStack(fx().client, { cwd: dir });
    // The agent was never applied (seedStack makes no agents): the plan creates it.
    await writeFile(
      path.join(dir, 'assistants.yaml'),
      MANIFEST.replace('      - prices\n', '')
        .replace('  sheet:\n    path: docs/sheet.csv\n', '')
        .replace('      code_interpreter: { files: [sheet] }\n', '')
        .replace('Answer from the knowledge base.', 'Answer briefly.'),
    );
    const planned = await cli(dir, ['plan', '-o', 'out.plan']);
    expect(planned.code).toBe(0);
    const run = await runInProcess(['graph', '--plan', 'out.plan'], { cwd: dir, env: {} });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect((await parseMermaid(run.stdout)).diagramType).toBe('flowchart-v2');
    const nodes = mermaidNodes(run.stdout);
    const classes = mermaidClasses(run.stdout);
    const classOf = (label: string) => classes.get([...nodes].find(([, l]) => l === label)?.[0] ?? '');
    expect(classOf('assistant.bot')).toBe('update');
    expect(classOf('agent.helper')).toBe('create');
    expect(classOf(ODD_LABEL)).toBe('noop');
    expect(classOf('file.faq')).toBe('noop');
    // prices left the store, and is detached from it; sheet left the manifests and is destroyed.
    expect(classOf('file.prices')).toBe('noop');
    const prices = [...nodes].find(([, l]) => l === 'file.prices')?.[0];
    expect(run.stdout).toMatch(new RegExp(`\\n {2}${prices} -->\\|"detach"\\| n\\d+\\n`));
    expect(classOf('file.sheet')).toBe('delete');
    expect(run.stdout).toContain('classDef delete fill:#ffebe9');

    const dot = await runInProcess(['graph', '--plan', 'out.plan', '--format', 'dot'], { cwd: dir, env: {} });
    expect(dot.code).toBe(0);
    expect(dot.stdout).toMatch(
      /label="assistant\.bot", shape=box, fillcolor="#fff8c5", color="#9a6700", tooltip="update"/,
    );
    expect(dot.stdout).toContain('[label="detach"]');
  });

  it('refuses an unknown --format, a broken plan file and invalid manifests, with exit 1', async () => {
    const dir = await stackDir();
    const format = await runInProcess(['graph', '--format', 'svg'], { cwd: dir, env: {} });
    expect(format.code).toBe(1);
    expect(format.stdout).toBe('');
    expect(format.stderr).toContain("error[USAGE]: option '--format <format>' argument 'svg' is invalid");

    await writeFile(path.join(dir, 'bad.plan'), '{"lineage": 1}');
    const plan = await runInProcess(['graph', '--plan', 'bad.plan'], { cwd: dir, env: {} });
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain('error[PLAN_FILE_INVALID]');
    expect(plan.stderr).not.toMatch(/\n\s+at /);

    await writeFile(path.join(dir, 'assistants.yaml'), 'version: 1\nassistants:\n  bot: { modle: gpt-4o }\n');
    const invalid = await runInProcess(['graph'], { cwd: dir, env: {} });
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/assistants\.yaml:3:\d+ error\[UNKNOWN_KEY\]/);
  });

  it('runs from the built binary', async () => {
    const dir = await stackDir();
    const { stdout } = await promisify(execFile)(process.execPath, [bin, 'graph', '--format', 'mermaid'], {
      cwd: dir,
      env: { PATH: process.env.PATH },
    });
    expect((await parseMermaid(stdout)).diagramType).toBe('flowchart-v2');
    expect(stdout.split('\n')[0]).toBe('flowchart LR');
  });
});
