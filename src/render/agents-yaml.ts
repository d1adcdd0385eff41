import { Document, isMap, isScalar, type Node, visit, type YAMLMap } from 'yaml';
import type { MigrateDifference, MigratedAgent } from '../manifest/migrate-assistants.js';

/** What `assistants migrate` writes: one manifest document with the agents. */
export interface AgentsManifest {
  /** The stack as the manifests set it (as written); left out when none sets one. */
  stack?: string;
  agents: ReadonlyMap<string, MigratedAgent>;
  differences: readonly MigrateDifference[];
  /** The manifests the assistants were read from, as displayed. */
  from: readonly string[];
  /**
   * Where relative paths point from: undefined when the manifest is written to its file (they are
   * relative to it, as always); the folder, as displayed, when it is printed.
   */
  pathsRelativeTo?: string;
}

/** A map or list printed on one line when its text is at most this long: `{ owner: support }`. */
const FLOW_WIDTH = 60;

/**
 * The agents as a manifest for people to review and keep: `version: 1`, the stack, `agents:`; a
 * header saying where it came from; above each agent, a comment per difference (the assistant's
 * display name among them), so that what was not carried over is seen where it applies. Small maps
 * and lists of scalars are written on one line; multi-line instructions as block scalars.
 */
export function renderAgentsYaml(manifest: AgentsManifest): string {
  const doc = new Document({
    version: 1,
    ...(manifest.stack !== undefined ? { stack: manifest.stack } : {}),
    agents: Object.fromEntries(manifest.agents),
  });
  const where =
    manifest.pathsRelativeTo === undefined
      ? "Paths are relative to this file's folder."
      : `Paths are relative to ${manifest.pathsRelativeTo === '.' ? 'the working folder' : manifest.pathsRelativeTo}: save this file there (or use --write FILE).`;
  doc.commentBefore = [
    ` Agents made by \`assistants migrate\` from the assistants of ${manifest.from.join(', ')}.`,
    ' Each is a Responses API request template under the name of the assistant it replaces.',
    ` ${where}`,
    ' What an agent does not carry over from its assistant is in the comments above it.',
  ].join('\n');

  const notes = new Map<string, string[]>();
  for (const d of manifest.differences)
    notes.set(d.agent, [...(notes.get(d.agent) ?? []), ` ${d.field}: ${oneLine(d.message)}`]);
  const agents = doc.get('agents');
  if (isMap(agents)) {
    agents.items.forEach((pair, index) => {
      if (!isScalar(pair.key)) return;
      const comments = notes.get(String(pair.key.value));
      if (comments) pair.key.commentBefore = comments.join('\n');
      // A blank line between agents, as between resources written by hand.
      if (index > 0) pair.key.spaceBefore = true;
      if (isMap(pair.value)) flowSmall(pair.value as YAMLMap);
    });
  }
  return doc.toString({ lineWidth: 0 });
}

/** Comments are one line each: a message never breaks the comment it is in. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}

/**
 * Below an agent, maps and lists of scalars whose text is short go on one line; the agent itself
 * and its list of tools stay one item a line, as manifests are written by hand.
 */
function flowSmall(agent: YAMLMap): void {
  const tools: unknown = agent.get('tools', true);
  visit(agent, {
    Map(_, map) {
      if (map !== agent && map.items.every((p) => isScalar(p.value)) && fitsOneLine(map)) map.flow = true;
    },
    Seq(_, seq) {
      if (seq !== tools && seq.items.every((item) => isScalar(item)) && fitsOneLine(seq)) seq.flow = true;
    },
  });
}

/** True when the scalars of a collection (keys and values) are short and on one line each. */
function fitsOneLine(node: Node): boolean {
  let total = 0;
  let multiline = false;
  visit(node, {
    Scalar(_, scalar) {
      const text = String(scalar.value);
      if (text.includes('\n')) multiline = true;
      total += text.length + 2;
    },
  });
  return !multiline && total <= FLOW_WIDTH;
}
