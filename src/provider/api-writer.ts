import { AssistantsError } from '../errors/index.js';
import type { StaticChunking } from '../model/attributes.js';
import type { AttributeValue, ExpiresAfter, FilePurpose } from '../model/desired.js';
import { type ResourceKind, type StampedKind, unhandledKind } from '../model/kinds.js';

/** A vector store as apply sends it; `expires_after: null` clears an expiry. */
export interface VectorStoreBody {
  name: string;
  metadata: Record<string, string>;
  expires_after: ExpiresAfter | null;
}

/** One file of a file batch, with its own attributes and its store's chunking. */
export interface BatchFile {
  file_id: string;
  attributes: Record<string, AttributeValue>;
  chunking_strategy: StaticChunking;
}

export interface BatchStatus {
  status: 'in_progress' | 'completed' | 'cancelled' | 'failed';
  counts: { in_progress: number; completed: number; failed: number; cancelled: number; total: number };
  /** The server's `openai-poll-after-ms` hint, when it sent one. */
  pollAfterMs?: number;
}

/** An assistant request body: every field present, null clears (see src/plan/kinds/assistant.ts). */
export interface AssistantBody {
  model: string;
  name: string | null;
  description: string | null;
  instructions: string | null;
  tools: unknown[];
  tool_resources: {
    code_interpreter?: { file_ids: string[] };
    file_search?: { vector_store_ids: string[] };
  };
  temperature: number | null;
  top_p: number | null;
  response_format: unknown;
  /** Sent only when set: non-reasoning models refuse it. */
  reasoning_effort?: string;
  metadata: Record<string, string>;
}

/**
 * What an upload sent, hashed as it went out (the file is read once): the sha256 and size of the
 * bytes the server received. `mtimeMs` is the file's mtime, given only when the file kept its size
 * and mtime from the first byte sent to the last, so that a hash cache may file the hash under them.
 */
export interface SentContent {
  sha256: string;
  bytes: number;
  mtimeMs?: number;
}

/**
 * A skill's folder as uploaded: one multipart `files[]` part per file, named `FOLDER/RELATIVE_PATH`
 * (the API wants one top-level folder holding SKILL.md), read from disk (a skill is at most 50 MB).
 * The writer hands back the content hash of what it sent (see skillContentHash).
 */
export interface SkillUpload {
  /** The top-level folder name in the upload (the skill folder's own name). */
  folder: string;
  /** Sorted by relativePath. */
  files: readonly { relativePath: string; path: string; bytes: number }[];
  /** The front matter name: how a lost create of the skill is found again. */
  name: string;
}

/**
 * The mutating calls apply makes, on normalised inputs. Implementations stream uploads from disk,
 * pace requests, survive 429s and transient failures, and never make a resource twice: a create
 * whose answer was lost is found again (a file by name, size and time; a store or assistant by its
 * ownership stamp) before it is retried. Deletes of something already gone succeed.
 */
export interface ApiWriter {
  uploadFile(request: {
    path: string;
    filename: string;
    purpose: FilePurpose;
    bytes: number;
  }): Promise<{ id: string; createdAt?: number; content: SentContent }>;
  deleteFile(id: string): Promise<void>;
  createVectorStore(body: VectorStoreBody): Promise<{ id: string }>;
  updateVectorStore(id: string, body: VectorStoreBody): Promise<void>;
  /** Sets a store's metadata alone (generate stamps what it adopts this way; other fields stay). */
  updateVectorStoreMetadata(id: string, metadata: Record<string, string>): Promise<void>;
  deleteVectorStore(id: string): Promise<void>;
  createFileBatch(storeId: string, files: BatchFile[]): Promise<{ id: string }>;
  retrieveFileBatch(storeId: string, batchId: string): Promise<BatchStatus>;
  updateVectorStoreFile(
    storeId: string,
    fileId: string,
    attributes: Record<string, AttributeValue>,
  ): Promise<void>;
  deleteVectorStoreFile(storeId: string, fileId: string): Promise<void>;
  createAssistant(body: AssistantBody): Promise<{ id: string }>;
  updateAssistant(id: string, body: AssistantBody): Promise<void>;
  /** Sets an assistant's metadata alone. */
  updateAssistantMetadata(id: string, metadata: Record<string, string>): Promise<void>;
  deleteAssistant(id: string): Promise<void>;
  /** Makes a skill from a folder: its version 1 is the default. A lost create is found by name and time. */
  createSkill(
    upload: SkillUpload,
  ): Promise<{ id: string; createdAt: number; version: string; sha256: string }>;
  /**
   * Uploads a new version, made the default when `makeDefault`. A lost upload is found again among
   * the versions made since the call started, after `newerThan` (never made twice).
   */
  createSkillVersion(
    skillId: string,
    upload: SkillUpload,
    makeDefault: boolean,
    /** The newest version the caller knows of: a lost upload is looked for only after it. */
    newerThan?: string,
  ): Promise<{ version: string; sha256: string }>;
  /** Moves the default pointer. */
  setSkillDefaultVersion(skillId: string, version: string): Promise<void>;
  /** Deletes one version (already gone: done). */
  deleteSkillVersion(skillId: string, version: string): Promise<void>;
  /** Deletes a skill with every version (already gone: done). */
  deleteSkill(id: string): Promise<void>;
}

/** Sets the metadata alone of a store or an assistant: how stamps are written and taken off. */
export function updateMetadata(
  writer: Pick<ApiWriter, 'updateVectorStoreMetadata' | 'updateAssistantMetadata'>,
  kind: StampedKind,
  id: string,
  metadata: Record<string, string>,
): Promise<void> {
  switch (kind) {
    case 'vector_store':
      return writer.updateVectorStoreMetadata(id, metadata);
    case 'assistant':
      return writer.updateAssistantMetadata(id, metadata);
    default:
      return unhandledKind(kind);
  }
}

/** One delete call for any kind (the writer treats "already gone" as done). A membership needs its store. */
export function deleteRemote(
  writer: Pick<
    ApiWriter,
    'deleteFile' | 'deleteVectorStore' | 'deleteVectorStoreFile' | 'deleteAssistant' | 'deleteSkill'
  >,
  kind: ResourceKind,
  id: string,
  storeId?: string,
): Promise<void> {
  switch (kind) {
    case 'file':
      return writer.deleteFile(id);
    case 'vector_store':
      return writer.deleteVectorStore(id);
    case 'vector_store_file':
      return writer.deleteVectorStoreFile(storeId as string, id);
    case 'assistant':
      return writer.deleteAssistant(id);
    case 'skill':
      return writer.deleteSkill(id);
    case 'agent':
      // Apply removes an agent's rendered file itself (src/apply/apply-agents.ts).
      throw new AssistantsError('INTERNAL', 'an agent has no API object to delete');
    default:
      return unhandledKind(kind);
  }
}
