import { defaultSampling } from '../model/models.js';
import type { EmulatorCore } from './core.js';
import type {
  AssistantRecord,
  BatchRecord,
  FileRecord,
  SkillRecord,
  SkillVersionRecord,
  VectorStoreFileRecord,
  VectorStoreRecord,
} from './records.js';
import { batchStatus, countStatuses, storeExpiresAt, storeStatus } from './status-rules.js';

/**
 * Records → the API's response objects, field for field as the spec's schemas (required fields
 * always present, optional ones absent rather than null unless the spec or the live API has null).
 */

export function fileView(file: FileRecord) {
  return {
    id: file.id,
    object: 'file' as const,
    bytes: file.bytes,
    created_at: file.createdAt,
    filename: file.filename,
    purpose: file.purpose,
    // `status` is deprecated but required; uploads are usable at once, as in the live API.
    status: 'processed' as const,
    ...(file.expiresAt !== undefined ? { expires_at: file.expiresAt } : {}),
  };
}

export function storeView(core: EmulatorCore, store: VectorStoreRecord) {
  const members = [...core.members(store.id).values()];
  const statuses = members.map((member) => core.memberStatus(member));
  const counts = countStatuses(statuses);
  const usage = members.reduce(
    (sum, member, index) =>
      sum + (statuses[index] === 'completed' ? (core.data.files.get(member.id)?.bytes ?? 0) : 0),
    0,
  );
  core.isExpired(store);
  return {
    id: store.id,
    object: 'vector_store' as const,
    created_at: store.createdAt,
    name: store.name,
    usage_bytes: usage,
    file_counts: counts,
    status: storeStatus(store, counts, core.clock.nowMs()),
    // Without a policy both are there and null, as the live API answers (the spec's
    // `expires_after` is not nullable).
    expires_after: store.expiresAfter ?? null,
    expires_at: storeExpiresAt(store),
    last_active_at: Math.floor(store.lastActiveAtMs / 1000),
    metadata: store.metadata,
  };
}

export function memberView(core: EmulatorCore, member: VectorStoreFileRecord) {
  const status = core.memberStatus(member);
  return {
    id: member.id,
    object: 'vector_store.file' as const,
    usage_bytes: status === 'completed' ? (core.data.files.get(member.id)?.bytes ?? 0) : 0,
    created_at: member.createdAt,
    vector_store_id: member.storeId,
    status,
    last_error: status === 'failed' ? member.failure : null,
    // The API reports the resolved strategy: `auto` comes back as static 800/400.
    chunking_strategy: { type: 'static' as const, static: member.chunking },
    attributes: member.attributes,
  };
}

/**
 * The files this batch attached that are still attached through it: a file detached, or taken
 * over by a later batch, leaves this batch's counts.
 */
export function batchMembers(core: EmulatorCore, batch: BatchRecord): VectorStoreFileRecord[] {
  const members = core.members(batch.storeId);
  return [...new Set(batch.fileIds)].flatMap((id) => {
    const member = members.get(id);
    return member?.batchId === batch.id ? [member] : [];
  });
}

export function batchView(core: EmulatorCore, batch: BatchRecord) {
  const counts = countStatuses(batchMembers(core, batch).map((member) => core.memberStatus(member)));
  return {
    id: batch.id,
    // The spec's enum says `vector_store.files_batch`; its prose, its examples and the live API
    // say `vector_store.file_batch`, so that is what we return (the vendored schema is patched).
    object: 'vector_store.file_batch' as const,
    created_at: batch.createdAt,
    vector_store_id: batch.storeId,
    status: batchStatus(batch, counts),
    file_counts: counts,
  };
}

export function assistantView(assistant: AssistantRecord) {
  const sampling = defaultSampling(assistant.model);
  // A tool without resources is echoed with empty ones, as the live API does.
  const resources = { ...assistant.toolResources };
  const types = new Set(assistant.tools.map((tool) => tool.type));
  if (types.has('code_interpreter') && !resources.code_interpreter)
    resources.code_interpreter = { file_ids: [] };
  if (types.has('file_search') && !resources.file_search) resources.file_search = { vector_store_ids: [] };
  return {
    id: assistant.id,
    object: 'assistant' as const,
    created_at: assistant.createdAt,
    name: assistant.name,
    description: assistant.description,
    model: assistant.model,
    instructions: assistant.instructions,
    tools: assistant.tools,
    tool_resources: resources,
    metadata: assistant.metadata,
    // Unset sampling parameters come back as the model's defaults (1.0), or null for models
    // that do not take them: a client that diffs against its config must know this.
    temperature: assistant.temperature ?? sampling,
    top_p: assistant.topP ?? sampling,
    response_format: assistant.responseFormat ?? 'auto',
  };
}

/**
 * A skill shows the name and description of its default version (each version's own SKILL.md
 * may say otherwise), and `latest_version`, the highest number it still holds.
 */
export function skillView(core: EmulatorCore, skill: SkillRecord) {
  const versions = core.skillVersions(skill.id);
  const shown = versions.get(skill.defaultVersion);
  return {
    id: skill.id,
    object: 'skill' as const,
    name: shown?.name ?? '',
    description: shown?.description ?? '',
    created_at: skill.createdAt,
    default_version: String(skill.defaultVersion),
    latest_version: String(Math.max(...versions.keys())),
  };
}

export function skillVersionView(version: SkillVersionRecord) {
  return {
    object: 'skill.version' as const,
    id: version.id,
    skill_id: version.skillId,
    version: String(version.version),
    created_at: version.createdAt,
    name: version.name,
    description: version.description,
  };
}
