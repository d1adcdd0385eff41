import { agentAddress } from '../model/address.js';
import { AGENT_REQUEST_FIELDS } from '../model/agent.js';
import type { DesiredAgent } from '../model/desired.js';
import type { RawAgent } from './manifest-types.js';
import type { Entry, MergedManifest } from './merge.js';
import { resolveAgentTools } from './resolve-agent-tools.js';
import type { DiskFacts } from './rules/disk.js';

/** Request fields an agent renders from its own keys (model, instructions and tools are built). */
const SETTINGS = AGENT_REQUEST_FIELDS.filter((f) => f !== 'model' && f !== 'instructions' && f !== 'tools');

/** An agent from its manifest entry: shared tools inlined, instructions read, render_to resolved. */
export function desiredAgent(entry: Entry<RawAgent>, merged: MergedManifest, disk: DiskFacts): DesiredAgent {
  const { value, name } = entry;
  const fromFile = disk.agentInstructions.get(name);
  const instructions = typeof value.instructions === 'string' ? value.instructions : fromFile?.text;
  const settings: Record<string, unknown> = {};
  for (const field of SETTINGS) if (value[field] !== undefined) settings[field] = value[field];
  const renderTo = disk.renderTargets.get(name);
  return {
    address: agentAddress(name),
    name,
    model: value.model,
    ...(value.description !== undefined ? { description: value.description } : {}),
    ...(instructions !== undefined ? { instructions } : {}),
    ...(fromFile ? { instructionsFile: fromFile.relativePath } : {}),
    tools: resolveAgentTools(entry, merged.tools).map((tool) => tool.definition),
    settings,
    ...(renderTo !== undefined ? { renderTo } : {}),
    protect: value.protect === true,
    source: entry.doc.locate(entry.path, 'key'),
  };
}
