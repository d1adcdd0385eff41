import type { ResourceGraph } from '../plan/resource-graph.js';
import { ACTION_COLOURS, EDGE_WORDS } from './graph-mermaid.js';

/**
 * The graph in Graphviz DOT: `digraph`, left to right, nodes `n0`, ... with quoted, escaped labels,
 * filled with their action's colour (unless `colour` is false); memberships that change carry
 * their action as the edge label.
 */
export function renderGraphDot(graph: ResourceGraph, options: { colour?: boolean } = {}): string {
  const colour = options.colour !== false;
  const lines = [
    'digraph assistants {',
    '  rankdir=LR;',
    '  node [fontname="Helvetica", style="rounded,filled"];',
  ];
  for (const node of graph.nodes) {
    const { fill, stroke } = ACTION_COLOURS[colour ? node.action : 'no-op'];
    const shape = node.kind === 'vector_store' ? 'cylinder' : node.kind === 'file' ? 'note' : 'box';
    const action = colour ? `, tooltip=${dotString(node.action)}` : '';
    lines.push(
      `  ${node.id} [label=${dotString(node.label)}, shape=${shape}, fillcolor="${fill}", color="${stroke}"${action}];`,
    );
  }
  for (const edge of graph.edges) {
    const words = colour ? EDGE_WORDS[edge.action] : '';
    lines.push(`  ${edge.from} -> ${edge.to}${words ? ` [label=${dotString(words)}]` : ''};`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** A DOT quoted string: backslashes and quotes escaped, line breaks and controls as `\uXXXX` text. */
function dotString(text: string): string {
  const escaped = text
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is escaped
    .replace(/[\u0000-\u001f\u007f]/g, (c) => `\\\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `"${escaped}"`;
}
