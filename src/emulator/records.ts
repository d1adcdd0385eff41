/**
 * What the emulator remembers, as plain data (so `--data` can write it as JSON). Times in `...Ms`
 * fields are milliseconds on the emulator clock; `createdAt` is unix seconds as the API returns it.
 * `seq` orders objects for pagination: it grows with every object made and is never reused.
 */

export interface StaticChunking {
  max_chunk_size_tokens: number;
  chunk_overlap_tokens: number;
}

export interface FileRecord {
  id: string;
  seq: number;
  createdAt: number;
  bytes: number;
  filename: string;
  purpose: string;
  /** Unix seconds after which the file is gone (from the upload's `expires_after`). */
  expiresAt?: number;
}

export interface VectorStoreRecord {
  id: string;
  seq: number;
  createdAt: number;
  name: string;
  metadata: Record<string, string>;
  expiresAfter?: { anchor: 'last_active_at'; days: number };
  lastActiveAtMs: number;
  /** Set once a store has been seen expired: an expired store stays expired whatever is changed later. */
  expired: boolean;
}

export interface IndexingFailure {
  code: 'server_error' | 'unsupported_file' | 'invalid_file';
  message: string;
}

/** A file attached to a store; its id is the file's id (as in the API). */
export interface VectorStoreFileRecord {
  id: string;
  storeId: string;
  seq: number;
  createdAt: number;
  /** When indexing ends, on the emulator clock. */
  readyAtMs: number;
  /** How indexing ends; decided at attach time from the file's type and size. */
  failure: IndexingFailure | null;
  cancelled: boolean;
  chunking: StaticChunking;
  attributes: Record<string, string | number | boolean>;
  batchId?: string;
}

export interface BatchRecord {
  id: string;
  seq: number;
  storeId: string;
  createdAt: number;
  fileIds: string[];
  cancelled: boolean;
}

export interface AssistantRecord {
  id: string;
  seq: number;
  createdAt: number;
  model: string;
  name: string | null;
  description: string | null;
  instructions: string | null;
  tools: Record<string, unknown>[];
  toolResources: {
    code_interpreter?: { file_ids: string[] };
    file_search?: { vector_store_ids: string[] };
  };
  metadata: Record<string, string>;
  /** null: not set (the response then shows the model's default). */
  temperature: number | null;
  topP: number | null;
  responseFormat: unknown;
  reasoningEffort: string | null;
}

/**
 * A skill: its versions live in `EmulatorData.skillVersions`. Version numbers count from 1 and are
 * never reused, so a deleted version's number is not handed out again (`nextVersion`).
 */
export interface SkillRecord {
  id: string;
  seq: number;
  createdAt: number;
  defaultVersion: number;
  nextVersion: number;
}

/**
 * One immutable version of a skill. Its content, a zip of the uploaded files, is the blob named by
 * `id`; name and description come from that upload's `SKILL.md`.
 */
export interface SkillVersionRecord {
  id: string;
  skillId: string;
  version: number;
  seq: number;
  createdAt: number;
  name: string;
  description: string;
  /** Size of the zip held as the version's content. */
  bytes: number;
}

/** Everything the emulator holds; maps keep insertion order, which is `seq` order. */
export interface EmulatorData {
  nextSeq: number;
  files: Map<string, FileRecord>;
  vectorStores: Map<string, VectorStoreRecord>;
  /** Store id → file id → attachment. */
  vectorStoreFiles: Map<string, Map<string, VectorStoreFileRecord>>;
  batches: Map<string, BatchRecord>;
  assistants: Map<string, AssistantRecord>;
  skills: Map<string, SkillRecord>;
  /** Skill id → version number → version, in version order. */
  skillVersions: Map<string, Map<number, SkillVersionRecord>>;
  /** `seq` of every id ever made, deleted ones too, so a pagination cursor survives a delete. */
  cursorSeq: Map<string, number>;
}

export function emptyData(): EmulatorData {
  return {
    nextSeq: 1,
    files: new Map(),
    vectorStores: new Map(),
    vectorStoreFiles: new Map(),
    batches: new Map(),
    assistants: new Map(),
    skills: new Map(),
    skillVersions: new Map(),
    cursorSeq: new Map(),
  };
}

/** The cursor key of a store file (its id alone is the file's, which has its own place). */
export const memberCursor = (storeId: string, fileId: string) => `${storeId}/${fileId}`;

/** Takes the next `seq` and remembers it for `id` (for cursors). */
export function allocateSeq(data: EmulatorData, id: string): number {
  const seq = data.nextSeq;
  data.nextSeq += 1;
  data.cursorSeq.set(id, seq);
  return seq;
}

/** The JSON form of the data (for `--data`); `restoreData` reads it back. */
export function snapshotData(data: EmulatorData): unknown {
  return {
    nextSeq: data.nextSeq,
    files: [...data.files.values()],
    vectorStores: [...data.vectorStores.values()],
    vectorStoreFiles: [...data.vectorStoreFiles.values()].flatMap((members) => [...members.values()]),
    batches: [...data.batches.values()],
    assistants: [...data.assistants.values()],
    skills: [...data.skills.values()],
    skillVersions: [...data.skillVersions.values()].flatMap((versions) => [...versions.values()]),
    cursorSeq: [...data.cursorSeq.entries()],
  };
}

export function restoreData(raw: unknown): EmulatorData {
  const value = raw as {
    nextSeq: number;
    files: FileRecord[];
    vectorStores: VectorStoreRecord[];
    vectorStoreFiles: VectorStoreFileRecord[];
    batches: BatchRecord[];
    assistants: AssistantRecord[];
    // Absent from snapshots saved before skills existed.
    skills?: SkillRecord[];
    skillVersions?: SkillVersionRecord[];
    cursorSeq: [string, number][];
  };
  const vectorStoreFiles = new Map<string, Map<string, VectorStoreFileRecord>>(
    value.vectorStores.map((store) => [store.id, new Map()]),
  );
  for (const member of value.vectorStoreFiles) vectorStoreFiles.get(member.storeId)?.set(member.id, member);
  const skills = value.skills ?? [];
  const skillVersions = new Map<string, Map<number, SkillVersionRecord>>(
    skills.map((skill) => [skill.id, new Map()]),
  );
  for (const version of value.skillVersions ?? [])
    skillVersions.get(version.skillId)?.set(version.version, version);
  return {
    nextSeq: value.nextSeq,
    files: new Map(value.files.map((r) => [r.id, r])),
    vectorStores: new Map(value.vectorStores.map((r) => [r.id, r])),
    vectorStoreFiles,
    batches: new Map(value.batches.map((r) => [r.id, r])),
    assistants: new Map(value.assistants.map((r) => [r.id, r])),
    skills: new Map(skills.map((r) => [r.id, r])),
    skillVersions,
    cursorSeq: new Map(value.cursorSeq),
  };
}
