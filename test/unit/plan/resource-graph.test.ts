import { describe, expect, it } from 'vitest';
import {
  buildResourceGraph,
  desiredResources,
  type GraphResource,
  withSavedActions,
} from '../../../src/plan/resource-graph.js';
import { renderGraphDot } from '../../../src/render/graph-dot.js';
import { renderGraphMermaid } from '../../../src/render/graph-mermaid.js';
import { parseMermaid } from '../../helpers/mermaid-parse.js';
import { reviewStack } from '../../helpers/review-stacks.js';

/** A name holding everything that could break a graph language. */
const HOSTILE = 'a"b`c[d]{e}(f)|g#h;i<j>&k😀l\nm\\n -->x end';

describe('the resource graph', () => {
  it('draws files → stores → assistants and agents, folding the files of a store into one node', () => {
    const graph = buildResourceGraph(desiredResources(reviewStack({ files: 3_000, stores: 4 })));
    expect(graph.nodes.map((n) => `${n.id} ${n.label}`)).toEqual([
      'n0 750 files',
      'n1 750 files',
      'n2 750 files',
      'n3 750 files',
      'n4 vector_store.kb-0',
      'n5 vector_store.kb-1',
      'n6 vector_store.kb-2',
      'n7 vector_store.kb-3',
      'n8 assistant.support-bot',
      'n9 agent.support-agent',
    ]);
    expect(graph.edges.map((e) => `${e.from}->${e.to}`)).toEqual([
      'n0->n4',
      'n1->n5',
      'n2->n6',
      'n3->n7',
      'n4->n8',
      'n5->n9',
    ]);
  });

  it('keeps a file an assistant names as a node of its own', () => {
    const resources: GraphResource[] = [
      { address: 'file.sheet', kind: 'file', action: 'no-op', dependencies: [] },
      { address: 'assistant.bot', kind: 'assistant', action: 'update', dependencies: ['file.sheet'] },
    ];
    const graph = buildResourceGraph(resources, { changedOnly: true });
    expect(graph.nodes.map((n) => [n.label, n.action])).toEqual([
      ['file.sheet', 'no-op'],
      ['assistant.bot', 'update'],
    ]);
  });

  it('takes the actions of a saved plan, and adds what it destroys', () => {
    const resources = desiredResources(reviewStack({ files: 2, stores: 1 }, { agent: false }));
    const coloured = withSavedActions(
      resources,
      new Map([
        ['vector_store.kb-0', 'update'],
        ['file.old', 'delete'],
        ['vector_store_file.kb-0/old', 'delete'],
        ['file.docs/guide-0001.md', 'create,delete'],
      ]),
    );
    const graph = buildResourceGraph(coloured);
    expect(graph.nodes.map((n) => `${n.label}: ${n.action}`)).toEqual([
      'file.docs/guide-0000.md: no-op',
      'file.docs/guide-0001.md: replace',
      'vector_store.kb-0: update',
      'assistant.support-bot: no-op',
      'file.old: delete',
    ]);
    expect(graph.edges).toContainEqual({ from: 'n4', to: 'n2', action: 'delete' });
  });

  it('gives Mermaid ids and labels that no resource name can break', async () => {
    const resources: GraphResource[] = [
      { address: `file.${HOSTILE}`, kind: 'file', action: 'create', dependencies: [] },
      { address: `vector_store.${HOSTILE}`, kind: 'vector_store', action: 'update', dependencies: [] },
      {
        address: `vector_store_file.${HOSTILE}/${HOSTILE}`,
        kind: 'vector_store_file',
        action: 'create',
        dependencies: [`file.${HOSTILE}`, `vector_store.${HOSTILE}`],
      },
      {
        address: `assistant.${HOSTILE}`,
        kind: 'assistant',
        action: 'delete',
        dependencies: [`vector_store.${HOSTILE}`],
      },
      {
        address: `agent.${HOSTILE}`,
        kind: 'agent',
        action: 'replace',
        dependencies: [`vector_store.${HOSTILE}`],
      },
    ];
    const text = renderGraphMermaid(buildResourceGraph(resources));
    expect(text).toMatchInlineSnapshot(`
      "flowchart LR
        n0("file.a#34;b#96;c#91;d#93;#123;e#125;#40;f#41;#124;g#35;h#59;i#60;j#62;#38;k#128512;l#10;m#92;n --#62;x end")
        n1[("vector_store.a#34;b#96;c#91;d#93;#123;e#125;#40;f#41;#124;g#35;h#59;i#60;j#62;#38;k#128512;l#10;m#92;n --#62;x end")]
        n2["assistant.a#34;b#96;c#91;d#93;#123;e#125;#40;f#41;#124;g#35;h#59;i#60;j#62;#38;k#128512;l#10;m#92;n --#62;x end"]
        n3{{"agent.a#34;b#96;c#91;d#93;#123;e#125;#40;f#41;#124;g#35;h#59;i#60;j#62;#38;k#128512;l#10;m#92;n --#62;x end"}}
        n0 -->|"attach"| n1
        n1 --> n2
        n1 --> n3
        classDef create fill:#dafbe1,stroke:#1a7f37,color:#1f2328
        class n0 create
        classDef update fill:#fff8c5,stroke:#9a6700,color:#1f2328
        class n1 update
        classDef replace fill:#ffe2cc,stroke:#bc4c00,color:#1f2328
        class n3 replace
        classDef delete fill:#ffebe9,stroke:#cf222e,color:#1f2328
        class n2 delete
      "
    `);
    expect((await parseMermaid(text)).diagramType).toBe('flowchart-v2');
  });

  it('writes DOT with quoted, escaped labels', () => {
    const graph = buildResourceGraph([
      { address: `file.${HOSTILE}`, kind: 'file', action: 'create', dependencies: [] },
    ]);
    expect(renderGraphDot(graph)).toBe(
      [
        'digraph assistants {',
        '  rankdir=LR;',
        '  node [fontname="Helvetica", style="rounded,filled"];',
        '  n0 [label="file.a\\"b`c[d]{e}(f)|g#h;i<j>&k😀l\\\\u000am\\\\n -->x end", shape=note, fillcolor="#dafbe1", color="#1a7f37", tooltip="create"];',
        '}',
        '',
      ].join('\n'),
    );
  });
});
