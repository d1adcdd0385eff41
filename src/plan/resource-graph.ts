import { type Address, agentAddress, assistantAddress, parseAddress } from '../model/address.js';
import { agentDependencies } from '../model/agent-request.js';
import type { Desired } from '../model/desired.js';
import type { ResourceKind } from '../model/kinds.js';
import { type Action, actionOfJson, type Plan } from '../model/plan.js';
import { assistantDependencies } from './kinds/assistant.js';
import { membershipDependencies } from './kinds/vector-store-file.js';

/**
 * The stack as a graph for people: files → vector stores → assistants and agents, an edge from
 * what is needed to what needs it. Memberships are not nodes: each is the edge from its file to
 * its store. Files that only hang on the same stores with the same actions are folded into one
 * node ("750 files"), so a stack of thousands of files still draws as a handful of nodes. Pure;
 * the Mermaid and DOT texts are made from it in src/render.
 */

/** The action a node or an edge is drawn with (a replacement in either order is `replace`). */
export type GraphAction = 'create' | 'update' | 'replace' | 'delete' | 'no-op';

export const GRAPH_ACTIONS: readonly GraphAction[] = ['create', 'update', 'replace', 'delete', 'no-op'];

export interface GraphNode {
  /** `n0`, `n1`, ...: safe in any graph language whatever the resource names hold. */
  id: string;
  kind: Exclude<ResourceKind, 'vector_store_file'>;
  /** What the node shows: the address, or "N files" for a group. Raw text: renderers escape it. */
  label: string;
  action: GraphAction;
  /** The address of a single resource; absent for a group. */
  address?: Address;
  /** For a group of files: how many it holds. */
  count?: number;
}

export interface GraphEdge {
  from: string;
  to: string;
  /** A membership's own action (re-attached files while the file itself is unchanged). */
  action: GraphAction;
}

export interface ResourceGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** One resource with what it needs, the neutral input of the graph. */
export interface GraphResource {
  address: Address;
  kind: ResourceKind;
  action: GraphAction;
  dependencies: Address[];
}

/** Files sharing stores and actions are drawn as one node when there are more than this many. */
export const GROUP_ABOVE = 3;

export function graphAction(action: Action | undefined): GraphAction {
  switch (action) {
    case 'delete-create':
    case 'create-delete':
      return 'replace';
    case 'create':
    case 'update':
    case 'delete':
      return action;
    default:
      return 'no-op';
  }
}

/** The resources the manifests declare, with their references; every action `no-op`. */
export function desiredResources(desired: Desired): GraphResource[] {
  const none = 'no-op' as const;
  return [
    ...desired.files.map((f) => ({
      address: f.address,
      kind: 'file' as const,
      action: none,
      dependencies: [],
    })),
    ...desired.vectorStores.map((s) => ({
      address: s.address,
      kind: 'vector_store' as const,
      action: none,
      dependencies: [],
    })),
    ...desired.memberships.map((m) => ({
      address: m.address,
      kind: 'vector_store_file' as const,
      action: none,
      dependencies: membershipDependencies(m),
    })),
    ...desired.assistants.map((a) => ({
      address: assistantAddress(a.name),
      kind: 'assistant' as const,
      action: none,
      dependencies: assistantDependencies(a),
    })),
    ...desired.skills.map((s) => ({
      address: s.address,
      kind: 'skill' as const,
      action: none,
      dependencies: [],
    })),
    ...desired.agents.map((a) => ({
      address: agentAddress(a.name),
      kind: 'agent' as const,
      action: none,
      dependencies: agentDependencies(a),
    })),
  ];
}

/** The plan's resources (no-ops included) with their planned actions. */
export function planResources(plan: Pick<Plan, 'changes'>): GraphResource[] {
  return plan.changes.map((c) => ({
    address: c.address,
    kind: c.kind,
    action: graphAction(c.action),
    dependencies: c.dependencies,
  }));
}

/**
 * The resources with the actions of a saved plan (address → JSON actions such as `delete,create`;
 * no-ops absent). Resources the plan deletes and the manifests no longer hold are added, without
 * the references they had (a saved plan does not record them), but a deleted membership still
 * joins its file to its store.
 */
export function withSavedActions(
  resources: readonly GraphResource[],
  actions: ReadonlyMap<Address, string>,
): GraphResource[] {
  const known = new Set(resources.map((r) => r.address));
  const planned = (joined: string | undefined): GraphAction =>
    joined === undefined ? 'no-op' : graphAction(actionOfJson(joined));
  const out = resources.map((r) => ({ ...r, action: planned(actions.get(r.address)) }));
  for (const [address, joined] of actions) {
    if (known.has(address)) continue;
    const parsed = parseAddress(address);
    if (!parsed) continue;
    const dependencies =
      parsed.kind === 'vector_store_file' && parsed.store !== undefined && parsed.file !== undefined
        ? [`file.${parsed.file}`, `vector_store.${parsed.store}`]
        : [];
    out.push({ address, kind: parsed.kind, action: planned(joined), dependencies });
  }
  return out;
}

/**
 * The graph of `resources`. With `changedOnly`, only what changes and its direct neighbours are
 * kept (what a reviewer needs to see around a change). Node ids follow the order of `resources`
 * after grouping, so the same input always gives the same text.
 */
export function buildResourceGraph(
  resources: readonly GraphResource[],
  options: { changedOnly?: boolean } = {},
): ResourceGraph {
  const byAddress = new Map(resources.map((r) => [r.address, r]));
  // Edges between resources: memberships become file → store edges carrying their own action.
  const links: { from: Address; to: Address; action: GraphAction }[] = [];
  for (const r of resources) {
    if (r.kind === 'vector_store_file') {
      const parsed = parseAddress(r.address);
      const store = `vector_store.${parsed?.store ?? ''}`;
      const file = r.dependencies.find((d) => d.startsWith('file.'));
      if (file && byAddress.has(file) && byAddress.has(store))
        links.push({ from: file, to: store, action: r.action });
      continue;
    }
    for (const dependency of r.dependencies)
      if (byAddress.has(dependency)) links.push({ from: dependency, to: r.address, action: 'no-op' });
  }

  // With changedOnly: what changes, and the resources one link away from a change.
  const changed = new Set(resources.filter((r) => r.action !== 'no-op').map((r) => r.address));
  const touches = (l: (typeof links)[number]) =>
    l.action !== 'no-op' || changed.has(l.from) || changed.has(l.to);
  const keep = new Set(changed);
  if (options.changedOnly)
    for (const l of links.filter(touches)) {
      keep.add(l.from);
      keep.add(l.to);
    }
  const kept = resources.filter(
    (r) => r.kind !== 'vector_store_file' && (!options.changedOnly || keep.has(r.address)),
  );
  const keptSet = new Set(kept.map((r) => r.address));
  const shownLinks = links.filter(
    (l) => keptSet.has(l.from) && keptSet.has(l.to) && (!options.changedOnly || touches(l)),
  );

  // Files whose only links are to stores, grouped by (action, links with their actions).
  const outgoing = new Map<Address, { to: Address; action: GraphAction }[]>();
  const incoming = new Set<Address>();
  for (const l of shownLinks) {
    const out = outgoing.get(l.from);
    if (out) out.push({ to: l.to, action: l.action });
    else outgoing.set(l.from, [{ to: l.to, action: l.action }]);
    incoming.add(l.to);
  }
  const groupKey = (r: GraphResource): string | undefined => {
    if (r.kind !== 'file' || incoming.has(r.address)) return undefined;
    const out = outgoing.get(r.address) ?? [];
    if (out.some((o) => !o.to.startsWith('vector_store.'))) return undefined;
    return JSON.stringify([r.action, out.map((o) => [o.to, o.action]).sort()]);
  };
  // Each file's key once (a JSON text per file), and groups grown in place: a 40,000-file plan.
  const keys = new Map<Address, string | undefined>(kept.map((r) => [r.address, groupKey(r)]));
  const groups = new Map<string, GraphResource[]>();
  for (const r of kept) {
    const key = keys.get(r.address);
    if (key === undefined) continue;
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  }

  const nodes: GraphNode[] = [];
  const idOf = new Map<Address, string>();
  const placed = new Set<string>();
  for (const r of kept) {
    const key = keys.get(r.address);
    const group = key === undefined ? undefined : groups.get(key);
    if (key !== undefined && group && group.length > GROUP_ABOVE) {
      if (!placed.has(key)) {
        placed.add(key);
        const id = `n${nodes.length}`;
        nodes.push({
          id,
          kind: 'file',
          label: `${group.length} files`,
          action: r.action,
          count: group.length,
        });
        for (const member of group) idOf.set(member.address, id);
      }
      continue;
    }
    const id = `n${nodes.length}`;
    idOf.set(r.address, id);
    nodes.push({
      id,
      kind: r.kind as GraphNode['kind'],
      label: r.address,
      action: r.action,
      address: r.address,
    });
  }
  const edges: GraphEdge[] = [];
  const seen = new Set<string>();
  for (const l of shownLinks) {
    const from = idOf.get(l.from);
    const to = idOf.get(l.to);
    if (from === undefined || to === undefined) continue;
    const key = `${from} ${to} ${l.action}`;
    if (seen.has(key)) continue;
    seen.add(key);
    edges.push({ from, to, action: l.action });
  }
  return { nodes, edges };
}
