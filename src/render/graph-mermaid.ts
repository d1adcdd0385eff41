import type { GraphAction, ResourceGraph } from '../plan/resource-graph.js';
import { GRAPH_ACTIONS } from '../plan/resource-graph.js';

/** Fill and stroke per action: GitHub's diff greens, ambers and reds, grey for what stays. */
export const ACTION_COLOURS: Record<GraphAction, { fill: string; stroke: string }> = {
  create: { fill: '#dafbe1', stroke: '#1a7f37' },
  update: { fill: '#fff8c5', stroke: '#9a6700' },
  replace: { fill: '#ffe2cc', stroke: '#bc4c00' },
  delete: { fill: '#ffebe9', stroke: '#cf222e' },
  'no-op': { fill: '#f6f8fa', stroke: '#8c959f' },
};

/** Mermaid class names: `no-op` is not a safe one. */
const CLASS: Record<GraphAction, string> = {
  create: 'create',
  update: 'update',
  replace: 'replace',
  delete: 'delete',
  'no-op': 'noop',
};

/** What an edge says when the membership it stands for changes (files attached, detached, ...). */
export const EDGE_WORDS: Record<GraphAction, string> = {
  create: 'attach',
  update: 'update',
  replace: 're-attach',
  delete: 'detach',
  'no-op': '',
};

/**
 * The graph as a Mermaid flowchart (left to right), one `classDef` per action and each node in
 * its action's class. Node ids are the graph's own (`n0`, ...); labels are quoted with every
 * character Mermaid could read as syntax written as an entity code (`#34;`), so no resource name
 * can break the chart. Without `colour`, every node is drawn as unchanged.
 */
export function renderGraphMermaid(graph: ResourceGraph, options: { colour?: boolean } = {}): string {
  const lines = ['flowchart LR'];
  for (const node of graph.nodes) lines.push(`  ${node.id}${shape(node.kind, mermaidLabel(node.label))}`);
  for (const edge of graph.edges) {
    const words = options.colour === false ? '' : EDGE_WORDS[edge.action];
    lines.push(`  ${edge.from} -->${words ? `|"${mermaidText(words)}"|` : ''} ${edge.to}`);
  }
  const used = new Set(graph.nodes.map((n) => (options.colour === false ? 'no-op' : n.action)));
  for (const action of GRAPH_ACTIONS) {
    if (!used.has(action)) continue;
    const { fill, stroke } = ACTION_COLOURS[action];
    lines.push(`  classDef ${CLASS[action]} fill:${fill},stroke:${stroke},color:#1f2328`);
    const ids = graph.nodes.filter((n) => (options.colour === false ? 'no-op' : n.action) === action);
    // One `class` line per 50 nodes keeps lines short.
    for (let i = 0; i < ids.length; i += 50)
      lines.push(
        `  class ${ids
          .slice(i, i + 50)
          .map((n) => n.id)
          .join(',')} ${CLASS[action]}`,
      );
  }
  return `${lines.join('\n')}\n`;
}

/** A shape per kind: files as documents-ish rounded boxes, stores as cylinders, the rest as boxes. */
function shape(kind: string, label: string): string {
  switch (kind) {
    case 'file':
      return `(${label})`;
    case 'vector_store':
      return `[(${label})]`;
    case 'agent':
      return `{{${label}}}`;
    case 'skill':
      return `[[${label}]]`;
    default:
      return `[${label}]`;
  }
}

function mermaidLabel(text: string): string {
  return `"${mermaidText(text)}"`;
}

/**
 * Text safe inside a quoted Mermaid label: letters, digits, spaces and `._/-` as they are, every
 * other character as `#CODE;` (Mermaid's entity codes; non-ASCII characters too, so nothing
 * depends on the page's encoding).
 */
export function mermaidText(text: string): string {
  let out = '';
  for (const char of text) {
    out += /^[A-Za-z0-9 ._/-]$/.test(char) ? char : `#${char.codePointAt(0)};`;
  }
  return out;
}
