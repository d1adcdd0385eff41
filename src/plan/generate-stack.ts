import type {
  RawAssistant,
  RawFile,
  RawMember,
  RawSkill,
  RawVectorStore,
} from '../manifest/manifest-types.js';
import {
  type Address,
  assistantAddress,
  fileAddress,
  membershipAddress,
  vectorStoreAddress,
} from '../model/address.js';
import type { AssistantAttributes } from '../model/attributes.js';
import type { FilePurpose } from '../model/desired.js';
import type { StampedKind } from '../model/kinds.js';
import type { LiveAssistant, LiveFile, LiveMember, LiveSkill, LiveVectorStore } from '../model/live.js';
import { compareCodeUnits } from '../model/order.js';
import { STAMP_ADDRESS_KEY, STAMP_LINEAGE_KEY } from '../model/stamp.js';
import type { StateResource } from '../state/state-document.js';
import {
  briefTool,
  chooseChunking,
  isDefaultResponseFormat,
  isDefaultSampling,
  userMetadata,
} from './generate-brief.js';
import { addSkills, type SkillChoice, type SkillWrite } from './generate-skills.js';
import { stamped } from './kinds/wanted.js';
import { resourceKey } from './resource-keys.js';

/** What generate reads: whole lists, and the files of each store it adopts. */
export interface AccountSnapshot {
  files: ReadonlyMap<string, LiveFile>;
  vectorStores: ReadonlyMap<string, LiveVectorStore>;
  /** Files of the adoptable stores (see adoptableStores), by store id. */
  members: ReadonlyMap<string, ReadonlyMap<string, LiveMember>>;
  /** Undefined when the endpoint no longer serves assistants. */
  assistants: ReadonlyMap<string, LiveAssistant> | undefined;
  /** Undefined when the endpoint serves no skills. */
  skills?: ReadonlyMap<string, LiveSkill> | undefined;
}

/** A file generate downloaded into the manifest folder, to be managed like any declared file. */
export interface DownloadedFile {
  /** Relative to the manifest folder, `/`-separated (see downloadsFor). */
  relativePath: string;
  bytes: number;
  sha256: string;
}

/** A manifest in the format users write, as plain data. */
export interface GeneratedManifest {
  version: 1;
  stack: string;
  files?: Record<string, RawFile>;
  vector_stores?: Record<string, RawVectorStore>;
  assistants?: Record<string, RawAssistant>;
  skills?: Record<string, RawSkill>;
}

export interface SkippedResource {
  kind: StampedKind | 'skill';
  id: string;
  name: string | null;
  /**
   * `owned_elsewhere`: another state's stamp; `expired`: an expired store cannot be used again;
   * `held_elsewhere`: a skill another workspace's state holds; `unusable`: a skill whose content
   * cannot be written as a folder the manifests take (`detail` says why); `not_asked`: a skill,
   * with no --skill-prefix given (`detail` says how to ask).
   */
  reason: 'owned_elsewhere' | 'expired' | 'held_elsewhere' | 'unusable' | 'not_asked';
  owner?: { lineage: string; address: string | undefined };
  /** For a skill: who holds it, or why it cannot be adopted. */
  detail?: string;
}

export interface GeneratedStack {
  /** Strings are escaped for `${...}` interpolation: the manifest reads back as the live values. */
  manifest: GeneratedManifest;
  /** The filename of each file attached by id, for comments beside the ids. */
  filenames: Map<string, string>;
  /** The state entries that make the manifest plan clean once the stamps are written. */
  resources: Record<Address, StateResource>;
  /** The stamp to write into each adopted store's and assistant's metadata, by id. */
  stamps: { kind: StampedKind; id: string; metadata: Record<string, string> }[];
  skipped: SkippedResource[];
  /** What will not plan clean, and why. */
  warnings: string[];
}

/** Why a store or assistant is not adopted, or undefined when it is. */
export function skipReason(
  resource: { status?: string; attributes: { metadata: Record<string, string> } },
  lineage: string,
): SkippedResource['reason'] | undefined {
  const owner = resource.attributes.metadata[STAMP_LINEAGE_KEY];
  if (owner !== undefined && owner !== lineage) return 'owned_elsewhere';
  if (resource.status === 'expired') return 'expired';
  return undefined;
}

/** The stores generate adopts, oldest first: only their files need to be read. */
export function adoptableStores(
  stores: ReadonlyMap<string, LiveVectorStore>,
  lineage: string,
): LiveVectorStore[] {
  return byAge(stores.values()).filter((store) => skipReason(store, lineage) === undefined);
}

/**
 * Manifests and state for everything in the account that no other state owns (pure). Stores keep
 * their files as members by id, since the API does not hand back the content of files uploaded
 * for assistants; assistants refer to adopted stores by name and to anything else by id. Keys come
 * from names, oldest resource first, so that a re-run names things the same way.
 */
export function generateStack(
  account: AccountSnapshot,
  options: {
    stack: string;
    lineage: string;
    downloaded?: ReadonlyMap<string, DownloadedFile>;
    /** The skills chosen (see chooseSkills), and what became of writing each one's folder. */
    skills?: { choice: SkillChoice; writes: ReadonlyMap<string, SkillWrite> };
  },
): GeneratedStack {
  const { lineage } = options;
  const files = managedFiles(account, options.downloaded ?? new Map());
  const out: GeneratedStack = {
    manifest: { version: 1, stack: options.stack },
    filenames: new Map(),
    resources: {},
    stamps: [],
    skipped: [],
    warnings: [],
  };
  const storeKeys = new Map<string, string>();
  const taken = new Set<string>();
  const vectorStores: Record<string, RawVectorStore> = {};
  for (const store of byAge(account.vectorStores.values())) {
    const reason = skipReason(store, lineage);
    if (reason) {
      out.skipped.push(skipped('vector_store', store.id, store.attributes.name || null, reason, store));
      continue;
    }
    const key = resourceKey(store.attributes.name, store.id, taken);
    storeKeys.set(store.id, key);
    vectorStores[key] = adoptStore(store, key, account, files, out, lineage);
  }

  const assistants: Record<string, RawAssistant> = {};
  const assistantKeys = new Set<string>();
  for (const assistant of byAge(account.assistants?.values() ?? [])) {
    const reason = skipReason(assistant, lineage);
    if (reason) {
      out.skipped.push(skipped('assistant', assistant.id, assistant.attributes.name, reason, assistant));
      continue;
    }
    const key = resourceKey(assistant.attributes.name, assistant.id, assistantKeys);
    assistants[key] = adoptAssistant(assistant, key, storeKeys, files, out, lineage);
  }

  if (files.size > 0) {
    out.manifest.files = {};
    for (const [id, file] of files) {
      out.manifest.files[file.key] = { path: file.relativePath, purpose: file.purpose };
      out.resources[fileAddress(file.key)] = {
        kind: 'file',
        id,
        attributes: {
          path: file.relativePath,
          filename: file.filename,
          purpose: file.purpose,
          bytes: file.bytes,
          sha256: file.sha256,
        },
        dependencies: [],
        protect: false,
      };
    }
  }
  if (Object.keys(vectorStores).length > 0) out.manifest.vector_stores = vectorStores;
  if (Object.keys(assistants).length > 0) out.manifest.assistants = assistants;
  if (options.skills) addSkills(out, options.skills.choice, options.skills.writes);
  out.manifest = escapeInterpolation(out.manifest) as GeneratedManifest;
  return out;
}

interface ManagedFile extends DownloadedFile {
  key: string;
  filename: string;
  purpose: FilePurpose;
}

/** The downloaded files with their manifest keys, by id, in the order of their paths. */
function managedFiles(
  account: AccountSnapshot,
  downloaded: ReadonlyMap<string, DownloadedFile>,
): Map<string, ManagedFile> {
  const taken = new Set<string>();
  const files = new Map<string, ManagedFile>();
  const ordered = [...downloaded].sort(([, a], [, b]) => compareCodeUnits(a.relativePath, b.relativePath));
  for (const [id, file] of ordered) {
    const live = account.files.get(id);
    if (!live) continue;
    const { filename, purpose } = live.attributes;
    files.set(id, { ...file, key: resourceKey(filename, id, taken), filename, purpose });
  }
  return files;
}

function adoptStore(
  store: LiveVectorStore,
  key: string,
  account: AccountSnapshot,
  managed: ReadonlyMap<string, ManagedFile>,
  out: GeneratedStack,
  lineage: string,
): RawVectorStore {
  const address = vectorStoreAddress(key);
  const { name, expires_after } = store.attributes;
  const metadata = userMetadata(store.attributes.metadata);
  const members = [...(account.members.get(store.id)?.values() ?? [])].sort((a, b) =>
    compareCodeUnits(filenameOf(a.id, account) + a.id, filenameOf(b.id, account) + b.id),
  );
  const chunking = chooseChunking(members.map((m) => m.attributes.chunking_strategy));
  if (chunking.others > 0)
    out.warnings.push(
      `${address}: ${chunking.others} of its ${members.length} files were attached with other chunking than the most common one, which the manifest sets; the next plan attaches them again with it`,
    );
  if (name === '')
    out.warnings.push(
      `${address} (${store.id}) has no name; the manifest names it "${key}", which apply sets`,
    );

  const files: RawMember[] = members.map((member) => {
    const file = managed.get(member.id);
    const filename = account.files.get(member.id)?.attributes.filename;
    if (filename !== undefined && !file) out.filenames.set(member.id, filename);
    out.resources[membershipAddress(key, file?.key ?? member.id)] = {
      kind: 'vector_store_file',
      id: member.id,
      attributes: structuredClone(member.attributes),
      dependencies: file ? [fileAddress(file.key), address] : [address],
      protect: false,
    };
    const attributes = member.attributes.attributes;
    const withAttributes = Object.keys(attributes).length > 0 ? { attributes } : {};
    return file ? { file: file.key, ...withAttributes } : { file_id: member.id, ...withAttributes };
  });

  const stampedMetadata = stamped(metadata, lineage, address);
  out.resources[address] = {
    kind: 'vector_store',
    id: store.id,
    attributes: { name, expires_after, metadata: stampedMetadata },
    dependencies: [],
    protect: false,
  };
  out.stamps.push({ kind: 'vector_store', id: store.id, metadata: stampedMetadata });
  return {
    ...(name !== key && name !== '' ? { name } : {}),
    ...(files.length > 0 ? { files } : {}),
    ...(chunking.strategy ? { chunking_strategy: chunking.strategy } : {}),
    ...(expires_after ? { expires_after: { anchor: expires_after.anchor, days: expires_after.days } } : {}),
    ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
  };
}

function adoptAssistant(
  assistant: LiveAssistant,
  key: string,
  storeKeys: ReadonlyMap<string, string>,
  managed: ReadonlyMap<string, ManagedFile>,
  out: GeneratedStack,
  lineage: string,
): RawAssistant {
  const address = assistantAddress(key);
  const live = assistant.attributes;
  const metadata = userMetadata(live.metadata);
  const storeIds = live.tool_resources.file_search?.vector_store_ids ?? [];
  const fileIds = (live.tool_resources.code_interpreter?.file_ids ?? []).map(String);
  // Managed files are sent before raw ids: named only when that keeps the API's order.
  const firstRaw = fileIds.findIndex((id) => !managed.has(id));
  const byName = firstRaw === -1 ? fileIds : fileIds.slice(0, firstRaw);
  const named = fileIds.slice(byName.length).some((id) => managed.has(id)) ? [] : byName;
  const namedFiles = named.map((id) => managed.get(id)?.key as string);
  const rawFiles = fileIds.slice(named.length);
  const managedStores = storeIds.flatMap((id) => {
    const storeKey = storeKeys.get(String(id));
    return storeKey === undefined ? [] : [storeKey];
  });
  const rawStores = storeIds.map(String).filter((id) => !storeKeys.has(id));
  const stampedMetadata = stamped(metadata, lineage, address);
  const attributes: AssistantAttributes = {
    ...structuredClone(live),
    metadata: stampedMetadata,
    reasoning_effort: null,
  };
  out.resources[address] = {
    kind: 'assistant',
    id: assistant.id,
    attributes,
    dependencies: [...namedFiles.map(fileAddress), ...managedStores.map(vectorStoreAddress)],
    protect: false,
  };
  out.stamps.push({ kind: 'assistant', id: assistant.id, metadata: stampedMetadata });

  const toolResources: RawAssistant['tool_resources'] = {};
  if (storeIds.length > 0)
    toolResources.file_search = {
      ...(managedStores.length > 0 ? { vector_stores: managedStores } : {}),
      ...(rawStores.length > 0 ? { vector_store_ids: rawStores } : {}),
    };
  if (fileIds.length > 0)
    toolResources.code_interpreter = {
      ...(namedFiles.length > 0 ? { files: namedFiles } : {}),
      ...(rawFiles.length > 0 ? { file_ids: rawFiles } : {}),
    };
  return {
    model: live.model,
    ...(live.name !== null ? { name: live.name } : {}),
    ...(live.description !== null ? { description: live.description } : {}),
    ...(live.instructions !== null ? { instructions: live.instructions } : {}),
    ...(live.tools.length > 0 ? { tools: live.tools.map(briefTool) } : {}),
    ...(Object.keys(toolResources).length > 0 ? { tool_resources: toolResources } : {}),
    ...(isDefaultSampling(live.temperature, live.model) ? {} : { temperature: live.temperature as number }),
    ...(isDefaultSampling(live.top_p, live.model) ? {} : { top_p: live.top_p as number }),
    ...(isDefaultResponseFormat(live.response_format) ? {} : { response_format: live.response_format }),
    ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
  };
}

function filenameOf(id: string, account: AccountSnapshot): string {
  return account.files.get(id)?.attributes.filename ?? '';
}

function skipped(
  kind: SkippedResource['kind'],
  id: string,
  name: string | null,
  reason: SkippedResource['reason'],
  resource: { attributes: { metadata: Record<string, string> } },
): SkippedResource {
  const { metadata } = resource.attributes;
  return {
    kind,
    id,
    name,
    reason,
    ...(reason === 'owned_elsewhere'
      ? { owner: { lineage: metadata[STAMP_LINEAGE_KEY] as string, address: metadata[STAMP_ADDRESS_KEY] } }
      : {}),
  };
}

function byAge<T extends { id: string; createdAt: number }>(items: Iterable<T>): T[] {
  return [...items].sort((a, b) => a.createdAt - b.createdAt || compareCodeUnits(a.id, b.id));
}

/** Every `${` in a string value written as `$${`, so interpolation gives back the live text. */
function escapeInterpolation(value: unknown): unknown {
  // A function, since `$$` in a replacement string stands for one `$`.
  if (typeof value === 'string') return value.replaceAll('${', () => '$${');
  if (Array.isArray(value)) return value.map(escapeInterpolation);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeInterpolation(v)]));
  return value;
}
