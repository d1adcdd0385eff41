import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_CHARS, GRAPH_MAX_NODES, renderPlanMarkdown } from '../../../src/render/plan-markdown.js';
import { mermaidBlocks, parseMermaid } from '../../helpers/mermaid-parse.js';
import { desired, emptyLive, planOf } from '../../helpers/planner-builders.js';
import { planChange, reviewStack } from '../../helpers/review-stacks.js';

/**
 * The Markdown plan as a reviewer reads it, for plans made by the real planner: snapshots in
 * __snapshots__/plan-markdown/ (Markdown files, so they can be read as GitHub shows them), and
 * every Mermaid block parsed by Mermaid's own parser.
 */

const SNAPSHOTS = './__snapshots__/plan-markdown';

/** Parses every Mermaid block of `markdown` and returns how many there were. */
async function expectMermaidParses(markdown: string): Promise<number> {
  const blocks = mermaidBlocks(markdown);
  for (const block of blocks) expect((await parseMermaid(block)).diagramType).toBe('flowchart-v2');
  return blocks.length;
}

/** The summary line. */
function summary(markdown: string): string {
  return markdown.split('\n').find((line) => line.startsWith('**Plan:**')) ?? '';
}

describe('the Markdown plan, for review', () => {
  it('a fresh stack: marker, heading with the commit, summary, graph, changes by kind, files last', async () => {
    const plan = {
      ...planOf({ desired: reviewStack({ files: 5, stores: 2 }), live: emptyLive() }),
      stack: 'support',
    };
    const markdown = renderPlanMarkdown(plan, { commit: '1a2b3c4' });
    await expect(markdown).toMatchFileSnapshot(`${SNAPSHOTS}/fresh-stack.md`);
    expect(markdown.split('\n')[0]).toBe('<!-- assistants-iac plan: stack=support workspace=default -->');
    expect(markdown).toContain('### Plan: stack `support`, workspace `default`, commit `1a2b3c4`');
    expect(summary(markdown)).toBe('**Plan:** 14 to add, 0 to change, 0 to replace, 0 to destroy.');
    // No ownership stamp and no server default in a create.
    expect(markdown).not.toContain('assistants_iac_');
    expect(markdown).not.toMatch(/reasoning_effort|top_p|temperature|response_format|expires_after/);
    const order = [
      'Graph of the changes',
      '#### Agents, assistants and skills',
      '#### Vector stores',
      '#### Files in vector stores',
      '#### New files',
    ];
    const at = order.map((heading) => markdown.indexOf(heading));
    expect(at.every((n) => n > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(await expectMermaidParses(markdown)).toBe(1);
  });

  it('a 3,000-file stack whose one store changes chunking: 750 re-attached files in one line, nothing destroyed', async () => {
    const before = reviewStack({ files: 3_000, stores: 4 }, { agent: false });
    const after = reviewStack(
      { files: 3_000, stores: 4 },
      { chunking: 1_000, instructions: 'You are the support assistant.\nCite the guide and its page.' },
    );
    const plan = planChange(before, after);
    expect(plan.changes.filter((c) => c.action === 'delete-create')).toHaveLength(750);
    const markdown = renderPlanMarkdown(plan);
    await expect(markdown).toMatchFileSnapshot(`${SNAPSHOTS}/chunking-change.md`);
    expect(markdown.length).toBeLessThanOrEqual(DEFAULT_MAX_CHARS);
    expect(summary(markdown)).toBe('**Plan:** 1 to add, 1 to change, 750 to replace, 0 to destroy.');
    expect(markdown).not.toMatch(/will be destroyed|to destroy\b(?<!0 to destroy)/);
    expect(markdown).toContain(
      '| <code>vector_store.kb-0</code> | 750 | -/+ re-attached: chunking 800/400 → 1000/400 |',
    );
    // One line for the 750 memberships, not one fold each.
    expect(markdown).not.toContain('<code>vector_store_file.');
    expect(markdown).toContain(
      '<summary>~ <code>assistant.support-bot</code> will be updated in-place</summary>',
    );
    expect(markdown).toContain('<summary>+ <code>agent.support-agent</code> will be created</summary>');
    // The graph folds the 750 files into one node.
    const [graph] = mermaidBlocks(markdown);
    expect(graph).toContain('("750 files")');
    expect(graph?.split('\n').filter((line) => /^ {2}n\d+[([{]/.test(line))).toHaveLength(5);
    expect(await expectMermaidParses(markdown)).toBe(1);
  });

  it('a fresh 3,000-file stack is cut by dropping file rows, keeping every store, assistant and agent', async () => {
    const plan = {
      ...planOf({ desired: reviewStack({ files: 3_000, stores: 4 }), live: emptyLive() }),
      stack: 'support',
    };
    const markdown = renderPlanMarkdown(plan);
    expect(markdown.length).toBeLessThanOrEqual(DEFAULT_MAX_CHARS);
    expect(markdown.length).toBeGreaterThan(DEFAULT_MAX_CHARS - 2_000);
    for (const address of [
      'assistant.support-bot',
      'agent.support-agent',
      'vector_store.kb-0',
      'vector_store.kb-3',
    ])
      expect(markdown).toContain(`<summary>+ <code>${address}</code> will be created</summary>`);
    for (let i = 0; i < 4; i++)
      expect(markdown).toContain(`| <code>vector_store.kb-${i}</code> | 750 | + attached |`);
    const rows = markdown.match(/^\| <code>file\./gm)?.length ?? 0;
    expect(rows).toBeGreaterThan(100);
    expect(rows).toBeLessThan(3_000);
    expect(markdown).toContain(
      `> This comment is cut to stay within 65,000 characters: ${(3_000 - rows).toLocaleString('en-US')} file changes are not shown.`,
    );
    expect(markdown.trimEnd().endsWith('Run `assistants plan` for the full plan.')).toBe(true);
    expect(await expectMermaidParses(markdown)).toBe(1);
  });

  it('a destroy: every resource listed, no diff needed, the graph in red', async () => {
    const plan = planChange(reviewStack({ files: 5, stores: 2 }), desired());
    const markdown = renderPlanMarkdown(plan);
    await expect(markdown).toMatchFileSnapshot(`${SNAPSHOTS}/destroy.md`);
    expect(summary(markdown)).toBe('**Plan:** 0 to add, 0 to change, 0 to replace, 8 to destroy.');
    expect(markdown.match(/^- <code>.*will be destroyed \(not in the manifests\)$/gm)).toHaveLength(8);
    expect(mermaidBlocks(markdown)[0]).toMatch(/classDef delete /);
    expect(await expectMermaidParses(markdown)).toBe(1);
  });

  it('leaves the graph out, with a note, past the node limit', async () => {
    // Files each in a store of their own cannot be grouped.
    const stores = GRAPH_MAX_NODES;
    const plan = {
      ...planOf({ desired: reviewStack({ files: stores, stores }), live: emptyLive() }),
      stack: 'support',
    };
    const markdown = renderPlanMarkdown(plan);
    expect(mermaidBlocks(markdown)).toEqual([]);
    expect(markdown).toMatch(/The graph of the changes has \d+ nodes, more than 60: it is left out/);
  });

  it('the Mermaid check can fail: a malformed graph is refused by the parser', async () => {
    await expect(parseMermaid('flowchart LR\n  n0["a "quoted" name"] --> n1\n')).rejects.toThrow(
      /Parse error/,
    );
    await expect(parseMermaid('flowchart LR\n  n0[a [bracketed] name] --> n1\n')).rejects.toThrow(
      /Parse error/,
    );
    await expect(parseMermaid('flowchart LR\n  n0["ok"] -->\n')).rejects.toThrow();
    expect((await parseMermaid('flowchart LR\n  n0["ok"] --> n1\n')).diagramType).toBe('flowchart-v2');
  });
});
