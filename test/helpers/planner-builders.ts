import {
  assistantAddress,
  fileAddress,
  membershipAddress,
  vectorStoreAddress,
} from '../../src/model/address.js';
import type { AttributesByKind } from '../../src/model/attributes.js';
import type {
  Desired,
  DesiredAssistant,
  DesiredFile,
  DesiredMembership,
  DesiredVectorStore,
} from '../../src/model/desired.js';
import type { ResourceKind } from '../../src/model/kinds.js';
import type { LiveView } from '../../src/model/live.js';
import type { Plan } from '../../src/model/plan.js';
import { desiredAssistantAttributes } from '../../src/plan/kinds/assistant.js';
import { desiredFileAttributes } from '../../src/plan/kinds/file.js';
import { desiredStoreAttributes } from '../../src/plan/kinds/vector-store.js';
import {
  desiredMembershipAttributes,
  membershipDependencies,
} from '../../src/plan/kinds/vector-store-file.js';
import { makePlan, type PlanInput } from '../../src/plan/planner.js';
import type { StateDocument, StateResource } from '../../src/state/state-document.js';

/** Builders for planner inputs: small, explicit, no I/O. */

export const LINEAGE = '00000000-0000-4000-8000-000000000001';
export const at = (line: number) => ({ file: 'assistants.yaml', line, column: 3 });

export function file(name: string, overrides: Partial<DesiredFile> = {}): DesiredFile {
  const relativePath = overrides.relativePath ?? `docs/${name}.md`;
  return {
    address: fileAddress(name),
    name,
    path: `/work/stack/${relativePath}`,
    relativePath,
    purpose: 'assistants',
    bytes: 100,
    mtimeMs: 1,
    protect: false,
    origin: 'declared',
    source: at(2),
    ...overrides,
  };
}

export function store(name: string, overrides: Partial<DesiredVectorStore> = {}): DesiredVectorStore {
  return {
    address: vectorStoreAddress(name),
    name,
    displayName: name,
    metadata: {},
    protect: false,
    source: at(10),
    ...overrides,
  };
}

export function member(
  storeName: string,
  fileName: string,
  overrides: Partial<DesiredMembership> = {},
): DesiredMembership {
  return {
    address: membershipAddress(storeName, fileName),
    store: storeName,
    file: fileName,
    source: at(12),
    ...overrides,
  };
}

export function assistant(name: string, overrides: Partial<DesiredAssistant> = {}): DesiredAssistant {
  return {
    address: assistantAddress(name),
    name,
    model: 'gpt-4o',
    tools: [],
    toolResources: {},
    metadata: {},
    protect: false,
    source: at(20),
    ...overrides,
  };
}

export function desired(parts: Partial<Omit<Desired, 'stack' | 'manifests'>> = {}): Desired {
  return {
    stack: 'default',
    manifests: ['assistants.yaml'],
    roots: [],
    files: parts.files ?? [],
    vectorStores: parts.vectorStores ?? [],
    memberships: parts.memberships ?? [],
    assistants: parts.assistants ?? [],
    skills: parts.skills ?? [],
    agents: parts.agents ?? [],
  };
}

/** sha256 stand-ins: one per file name unless given. */
export function hashesOf(d: Desired, overrides: Record<string, string> = {}): Map<string, string> {
  return new Map(d.files.map((f) => [f.name, overrides[f.name] ?? `sha-${f.name}`]));
}

export function resource<K extends ResourceKind>(
  kind: K,
  id: string,
  attributes: AttributesByKind[K],
  extra: { dependencies?: string[]; protect?: boolean } = {},
): StateResource {
  return {
    kind,
    id,
    attributes,
    dependencies: extra.dependencies ?? [],
    protect: extra.protect ?? false,
  } as StateResource;
}

export function state(resources: Record<string, StateResource>, serial = 3): StateDocument {
  return { format_version: 1, lineage: LINEAGE, serial, stack: 'default', resources, pending: [] };
}

export function emptyLive(): LiveView {
  return { files: new Map(), vectorStores: new Map(), members: new Map(), assistants: new Map() };
}

export function planOf(input: Partial<PlanInput> & { desired: Desired }): Plan {
  return makePlan({
    hashes: hashesOf(input.desired),
    state: undefined,
    live: undefined,
    lineage: LINEAGE,
    manifestDigest: 'sha256:test',
    targets: [],
    ...input,
  });
}

/** The actions by address, the shape most planner assertions want. */
export function actions(plan: Plan): Record<string, string> {
  return Object.fromEntries(plan.changes.map((c) => [c.address, `${c.action} (${c.reason})`]));
}

/** The ids a builder-made stack gets when "applied": `file-NAME`, `vs_NAME`, `asst_NAME`. */
export function idFor(address: string): string {
  const [kind, name] = [address.slice(0, address.indexOf('.')), address.slice(address.indexOf('.') + 1)];
  if (kind === 'file') return `file-${name}`;
  if (kind === 'vector_store') return `vs_${name}`;
  if (kind === 'assistant') return `asst_${name}`;
  return `file-${name.slice(name.indexOf('/') + 1)}`;
}

/**
 * The state an apply of `d` would leave: each resource's desired attributes with real ids, as apply
 * records them. Built with the planner's own attribute functions, so tests of "applied manifest
 * plans clean" must get their live side from API-shaped objects, not from this.
 */
export function appliedState(d: Desired, hashes = hashesOf(d), lineage = LINEAGE): StateDocument {
  const resources: Record<string, StateResource> = {};
  const stores = new Map(d.vectorStores.map((s) => [s.name, s]));
  for (const f of d.files)
    resources[f.address] = resource(
      'file',
      idFor(f.address),
      desiredFileAttributes(f, hashes.get(f.name) ?? ''),
    );
  for (const s of d.vectorStores)
    resources[s.address] = resource('vector_store', idFor(s.address), desiredStoreAttributes(s, lineage));
  for (const m of d.memberships)
    resources[m.address] = resource(
      'vector_store_file',
      m.fileId ?? idFor(fileAddress(m.file)),
      desiredMembershipAttributes(m, stores.get(m.store), idFor),
      { dependencies: membershipDependencies(m) },
    );
  for (const a of d.assistants)
    resources[a.address] = resource(
      'assistant',
      idFor(a.address),
      desiredAssistantAttributes(a, lineage, idFor),
    );
  return state(resources);
}

/** A live view that reports exactly what `s` recorded (an in-sync stack), stores `completed`. */
export function liveFromState(s: StateDocument): LiveView {
  const live = emptyLive();
  for (const r of Object.values(s.resources)) {
    if (r.kind === 'file') {
      const { path: _p, sha256: _h, ...reported } = r.attributes;
      live.files.set(r.id, { id: r.id, createdAt: 1, attributes: reported });
    } else if (r.kind === 'vector_store') {
      live.vectorStores.set(r.id, {
        id: r.id,
        createdAt: 1,
        expiresAt: null,
        attributes: structuredClone(r.attributes),
        status: 'completed',
        usageBytes: 0,
      });
      if (!live.members.has(r.id)) live.members.set(r.id, new Map());
    } else if (r.kind === 'vector_store_file') {
      const storeId = String(r.attributes.vector_store_id);
      const members = live.members.get(storeId) ?? new Map();
      live.members.set(storeId, members);
      members.set(r.id, {
        id: r.id,
        attributes: structuredClone(r.attributes),
        status: 'completed',
        lastError: null,
      });
    } else if (r.kind === 'assistant') {
      const { reasoning_effort: _r, ...reported } = r.attributes;
      live.assistants.set(r.id, { id: r.id, createdAt: 1, attributes: structuredClone(reported) });
    }
  }
  return live;
}
