import { renderGraphDot } from '../render/graph-dot.js';
import { renderGraphMermaid } from '../render/graph-mermaid.js';
import { stackGraph } from '../workflow/graph.js';
import { EXIT } from './exit-codes.js';
import type { CommandContext } from './program.js';

/** The flags of `assistants graph`, as commander parses them. */
export interface GraphFlags {
  file: string[];
  format: 'mermaid' | 'dot';
  plan?: string;
  allowOutsideRoot?: boolean;
}

/** `assistants graph`: prints the stack's graph; exit 1 on invalid manifests or plan file. */
export async function runGraph(context: CommandContext, flags: GraphFlags): Promise<void> {
  const { io } = context;
  const { graph, coloured } = await stackGraph({
    files: flags.file,
    cwd: io.cwd,
    env: io.env,
    allowOutsideRoot: flags.allowOutsideRoot === true,
    ...(flags.plan !== undefined ? { planFile: flags.plan } : {}),
  });
  const render = flags.format === 'dot' ? renderGraphDot : renderGraphMermaid;
  io.stdout(render(graph, { colour: coloured }));
  context.exitCode = EXIT.OK;
}
