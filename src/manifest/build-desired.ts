import {
  assistantAddress,
  fileAddress,
  membershipAddress,
  skillAddress,
  vectorStoreAddress,
} from '../model/address.js';
import {
  type AssistantTool,
  DEFAULT_KEEP_VERSIONS,
  type Desired,
  type DesiredAssistant,
  type DesiredFile,
  type DesiredMembership,
  type DesiredSkill,
  type DesiredToolResources,
  type DesiredVectorStore,
} from '../model/desired.js';
import { compareCodeUnits } from '../model/order.js';
import { pushAll } from '../util/arrays.js';
import { desiredAgent } from './build-agent.js';
import type { MergedManifest } from './merge.js';
import { resolveTools } from './resolve-tools.js';
import type { DiskFacts } from './rules/disk.js';
import type { GlobMatch } from './rules/glob-members.js';

const byAddress = <T extends { address: string }>(a: T, b: T) => compareCodeUnits(a.address, b.address);

/**
 * The desired model from a merged manifest that passed every rule, and the facts the disk rules
 * gathered. Pure: it reads no file. Lists are sorted by address so that output is stable.
 */
export function buildDesired(
  merged: MergedManifest,
  disk: DiskFacts,
  manifests: string[],
  roots: string[] = [],
): Desired {
  const files = declaredFiles(merged, disk);
  const vectorStores: DesiredVectorStore[] = [];
  const memberships: DesiredMembership[] = [];
  for (const entry of merged.vector_stores.values()) {
    vectorStores.push(desiredStore(entry));
    pushAll(memberships, storeMembers(entry, disk.globs.get(entry.name), files));
  }
  const assistants = [...merged.assistants.values()].map((entry) => desiredAssistant(entry, merged, disk));
  const skills = [...merged.skills.values()].flatMap((entry) => desiredSkill(entry, disk) ?? []);
  const agents = [...merged.agents.values()].map((entry) => desiredAgent(entry, merged, disk));
  return {
    stack: merged.stack,
    manifests,
    roots,
    files: [...files.values()].sort(byAddress),
    vectorStores: vectorStores.sort(byAddress),
    memberships: memberships.sort(byAddress),
    assistants: assistants.sort(byAddress),
    skills: skills.sort(byAddress),
    agents: agents.sort(byAddress),
    ...(merged.moved.length > 0
      ? {
          moves: merged.moved.map(({ value, doc, path }) => ({
            from: value.from,
            to: value.to,
            source: doc.locate(path, 'value'),
          })),
        }
      : {}),
  };
}

type Section<K extends keyof MergedManifest> = MergedManifest[K] extends Map<string, infer E> ? E : never;

/** The files declared under `files:` (a glob's files are added by storeMembers), by name. */
function declaredFiles(merged: MergedManifest, disk: DiskFacts): Map<string, DesiredFile> {
  const files = new Map<string, DesiredFile>();
  for (const entry of merged.files.values()) {
    const facts = disk.files.get(entry.name);
    if (!facts) continue;
    files.set(entry.name, {
      address: fileAddress(entry.name),
      name: entry.name,
      path: facts.real,
      relativePath: facts.relativePath,
      purpose: entry.value.purpose ?? 'assistants',
      bytes: facts.bytes,
      mtimeMs: facts.mtimeMs,
      protect: entry.value.protect === true,
      origin: 'declared',
      source: entry.doc.locate(entry.path, 'key'),
    });
  }
  return files;
}

function desiredStore(entry: Section<'vector_stores'>): DesiredVectorStore {
  const { value, name } = entry;
  return {
    address: vectorStoreAddress(name),
    name,
    displayName: value.name ?? name,
    ...(value.chunking_strategy ? { chunking_strategy: value.chunking_strategy } : {}),
    ...(value.expires_after
      ? {
          expires_after: {
            anchor: value.expires_after.anchor ?? 'last_active_at',
            days: value.expires_after.days,
          },
        }
      : {}),
    metadata: value.metadata ?? {},
    protect: value.protect === true,
    source: entry.doc.locate(entry.path, 'key'),
  };
}

/**
 * A store's members: by name, by id, or each file a glob matched. A glob's files that `files:`
 * does not declare are added to `files` (once, however many stores match them).
 */
function storeMembers(
  entry: Section<'vector_stores'>,
  globs: ReadonlyMap<number, readonly GlobMatch[]> | undefined,
  files: Map<string, DesiredFile>,
): DesiredMembership[] {
  const { value, name } = entry;
  const memberships: DesiredMembership[] = [];
  (value.files ?? []).forEach((member, index) => {
    const source = entry.doc.locate([...entry.path, 'files', index]);
    const attributes = typeof member === 'object' ? member.attributes : undefined;
    const add = (file: string, byId = false) =>
      memberships.push({
        address: membershipAddress(name, file),
        store: name,
        file,
        ...(byId ? { fileId: file } : {}),
        ...(attributes ? { attributes } : {}),
        source,
      });
    if (typeof member === 'string') {
      add(member);
      return;
    }
    if ('file_id' in member) {
      add(member.file_id, true);
      return;
    }
    if ('file' in member) {
      add(member.file);
      return;
    }
    for (const match of globs?.get(index) ?? []) {
      if (!match.declared && !files.has(match.name)) {
        files.set(match.name, {
          address: fileAddress(match.name),
          name: match.name,
          path: match.facts.real,
          relativePath: match.facts.relativePath,
          purpose: 'assistants',
          bytes: match.facts.bytes,
          mtimeMs: match.facts.mtimeMs,
          // `protect` guards the store; files a glob brings in come and go with the folder.
          protect: false,
          origin: 'glob',
          source,
        });
      }
      add(match.name);
    }
  });
  return memberships;
}

/** A skill from its entry and what the skill rules found in its folder (none: it is left out). */
function desiredSkill(entry: Section<'skills'>, disk: DiskFacts): DesiredSkill | undefined {
  const facts = disk.skills.get(entry.name);
  if (!facts) return undefined;
  return {
    // The address form of KINDS.skill.
    address: skillAddress(entry.name),
    name: entry.name,
    path: facts.real,
    relativePath: facts.relativePath,
    skillName: facts.skillName,
    description: facts.description,
    files: facts.files,
    keepVersions: entry.value.keep_versions ?? DEFAULT_KEEP_VERSIONS,
    protect: entry.value.protect === true,
    source: entry.doc.locate(entry.path, 'key'),
  };
}

function desiredAssistant(
  entry: Section<'assistants'>,
  merged: MergedManifest,
  disk: DiskFacts,
): DesiredAssistant {
  const { value, name } = entry;
  const tools: AssistantTool[] = resolveTools(entry, merged.tools).map((t) => t.definition as AssistantTool);
  const fromFile = disk.instructions.get(name);
  const instructions = typeof value.instructions === 'string' ? value.instructions : fromFile?.text;
  const resources: DesiredToolResources = {};
  const search = value.tool_resources?.file_search;
  if (search)
    resources.file_search = {
      vector_stores: search.vector_stores ?? [],
      vector_store_ids: search.vector_store_ids ?? [],
    };
  const code = value.tool_resources?.code_interpreter;
  if (code) resources.code_interpreter = { files: code.files ?? [], file_ids: code.file_ids ?? [] };
  return {
    address: assistantAddress(name),
    name,
    model: value.model,
    ...(value.name !== undefined ? { displayName: value.name } : {}),
    ...(value.description !== undefined ? { description: value.description } : {}),
    ...(instructions !== undefined ? { instructions } : {}),
    ...(fromFile ? { instructionsFile: fromFile.relativePath } : {}),
    tools,
    toolResources: resources,
    ...(value.temperature !== undefined ? { temperature: value.temperature } : {}),
    ...(value.top_p !== undefined ? { top_p: value.top_p } : {}),
    ...(value.response_format !== undefined ? { response_format: value.response_format } : {}),
    ...(value.reasoning_effort !== undefined ? { reasoning_effort: value.reasoning_effort } : {}),
    metadata: value.metadata ?? {},
    protect: value.protect === true,
    source: entry.doc.locate(entry.path, 'key'),
  };
}
