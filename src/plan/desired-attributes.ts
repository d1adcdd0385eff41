import path from 'node:path';
import type { Address } from '../model/address.js';
import { fileAddress, vectorStoreAddress } from '../model/address.js';
import type {
  AssistantAttributes,
  FileAttributes,
  MembershipAttributes,
  Unknown,
  VectorStoreAttributes,
} from '../model/attributes.js';
import type {
  DesiredAssistant,
  DesiredFile,
  DesiredMembership,
  DesiredVectorStore,
} from '../model/desired.js';
import {
  normalizeChunking,
  normalizeResponseFormat,
  normalizeSampling,
  normalizeTool,
  normalizeToolResources,
} from '../model/normalize.js';
import { STAMP_ADDRESS_KEY, STAMP_LINEAGE_KEY } from '../model/stamp.js';

/** The id a resource will have: its current one, or UNKNOWN when apply is to make it. */
export type IdOf = (address: Address) => string | Unknown;

/** The ownership stamp merged into a resource's metadata (see src/model/stamp.ts). */
export function stamped(metadata: Record<string, string>, lineage: string, address: Address) {
  return { ...metadata, [STAMP_LINEAGE_KEY]: lineage, [STAMP_ADDRESS_KEY]: address };
}

/**
 * `sha256` comes from the hash step (the planner reads no file), or is UNKNOWN for a file that step
 * did not read (one the state lacks: apply hashes it as it uploads it).
 */
export function desiredFileAttributes(file: DesiredFile, sha256: string | Unknown): FileAttributes {
  return {
    path: file.relativePath,
    filename: path.posix.basename(file.relativePath),
    purpose: file.purpose,
    bytes: file.bytes,
    sha256,
  };
}

export function desiredStoreAttributes(store: DesiredVectorStore, lineage: string): VectorStoreAttributes {
  return {
    name: store.displayName,
    expires_after: store.expires_after ? { ...store.expires_after } : null,
    metadata: stamped(store.metadata, lineage, store.address),
  };
}

/** What a membership needs first: its store, and its file unless the file is attached by id. */
export function membershipDependencies(member: DesiredMembership): Address[] {
  const store = vectorStoreAddress(member.store);
  return member.fileId === undefined ? [fileAddress(member.file), store] : [store];
}

/** What an assistant needs first: the managed files and stores its tool resources name. */
export function assistantDependencies(assistant: DesiredAssistant): Address[] {
  const search = assistant.toolResources.file_search?.vector_stores ?? [];
  const code = assistant.toolResources.code_interpreter?.files ?? [];
  return [...code.map(fileAddress), ...search.map(vectorStoreAddress)];
}

/** Files are attached with their store's chunking, so the store's setting is each member's. */
export function desiredMembershipAttributes(
  member: DesiredMembership,
  store: DesiredVectorStore | undefined,
  idOf: IdOf,
): MembershipAttributes {
  return {
    vector_store_id: idOf(vectorStoreAddress(member.store)),
    file_id: member.fileId ?? idOf(fileAddress(member.file)),
    attributes: { ...(member.attributes ?? {}) },
    chunking_strategy: normalizeChunking(store?.chunking_strategy),
  };
}

/**
 * An assistant as the API will report it: fields left out of the manifest become what the API
 * reports for "unset" (null, or the model's default), so that removing a field clears it and an
 * applied manifest compares equal. Managed references come first, then raw ids, as apply sends them.
 */
export function desiredAssistantAttributes(
  assistant: DesiredAssistant,
  lineage: string,
  idOf: IdOf,
): AssistantAttributes {
  const search = assistant.toolResources.file_search;
  const code = assistant.toolResources.code_interpreter;
  return {
    model: assistant.model,
    name: assistant.displayName ?? null,
    description: assistant.description ?? null,
    instructions: assistant.instructions ?? null,
    tools: assistant.tools.map(normalizeTool),
    tool_resources: normalizeToolResources({
      code_interpreter: {
        file_ids: [...(code?.files ?? []).map((name) => idOf(fileAddress(name))), ...(code?.file_ids ?? [])],
      },
      file_search: {
        vector_store_ids: [
          ...(search?.vector_stores ?? []).map((name) => idOf(vectorStoreAddress(name))),
          ...(search?.vector_store_ids ?? []),
        ],
      },
    }),
    temperature: normalizeSampling(assistant.temperature, assistant.model),
    top_p: normalizeSampling(assistant.top_p, assistant.model),
    response_format: normalizeResponseFormat(assistant.response_format),
    reasoning_effort: assistant.reasoning_effort ?? null,
    metadata: stamped(assistant.metadata, lineage, assistant.address),
  };
}
