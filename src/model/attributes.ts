import { AGENT_REQUEST_FIELDS } from './agent.js';
import type { AssistantTool, AttributeValue, ExpiresAfter, FilePurpose, ResponseFormat } from './desired.js';

/**
 * Normalised attributes: one shape per resource kind for what the manifests want, what the state
 * recorded at the last apply and what the API reports now, so that the three compare with plain deep
 * equality. Server defaults are filled in (temperature 1, response_format "auto", auto chunking as
 * static 800/400, ...), so an applied manifest compares equal to what the API echoes.
 *
 * `UNKNOWN` stands where only apply can know a value (the id of a store that is yet to be made).
 */
export const UNKNOWN: unique symbol = Symbol('known after apply');
export type Unknown = typeof UNKNOWN;

export function isUnknown(value: unknown): value is Unknown {
  return value === UNKNOWN;
}

/**
 * A sha256 that no content has: recorded for a file or skill whose live content is not the local
 * one (an import that did not match, a skill default moved outside), so the next plan uploads it.
 */
export const UNKNOWN_SHA256 = '0'.repeat(64);

/** A file. `path` and `sha256` exist only in the manifests and the state: the API reports neither. */
export interface FileAttributes {
  /** Path relative to the manifest root, `/`-separated. */
  path: string;
  /** The name the API stores: the basename of `path`. */
  filename: string;
  purpose: FilePurpose;
  bytes: number;
  /**
   * Hex sha256 of the content. UNKNOWN in a plan for a file the state lacks: it is created whatever
   * its content, and its hash is taken from the bytes the upload sends (the state always holds one).
   */
  sha256: string | Unknown;
}

/** A vector store. `metadata` includes the ownership stamp. */
export interface VectorStoreAttributes {
  name: string;
  expires_after: ExpiresAfter | null;
  metadata: Record<string, string>;
}

/** Static chunking, the form the API reports (auto is 800/400). */
export interface StaticChunking {
  max_chunk_size_tokens: number;
  chunk_overlap_tokens: number;
}

/** A file attached to a vector store. The ids are those of the store and the file. */
export interface MembershipAttributes {
  vector_store_id: string | Unknown;
  file_id: string | Unknown;
  attributes: Record<string, AttributeValue>;
  /** null when the API reports `{type: "other"}` (files indexed before chunking was configurable). */
  chunking_strategy: StaticChunking | null;
}

/** Tool resources by id, with empty lists dropped. */
export interface AssistantToolResources {
  code_interpreter?: { file_ids: (string | Unknown)[] };
  file_search?: { vector_store_ids: (string | Unknown)[] };
}

/**
 * An assistant. `reasoning_effort` is never echoed by the API, so only the manifests and the state
 * know it; `metadata` includes the ownership stamp.
 */
export interface AssistantAttributes {
  model: string;
  name: string | null;
  description: string | null;
  instructions: string | null;
  tools: AssistantTool[];
  tool_resources: AssistantToolResources;
  temperature: number | null;
  top_p: number | null;
  response_format: ResponseFormat;
  reasoning_effort: string | null;
  metadata: Record<string, string>;
}

/**
 * A skill. `path`, `sha256` and `keep_versions` exist only in the manifests and the state; the API
 * reports the name and description (from SKILL.md's front matter) and the default version.
 */
export interface SkillAttributes {
  /** The folder relative to the manifest root, `/`-separated. */
  path: string;
  name: string;
  description: string;
  /**
   * Hex sha256 over the folder's sorted relative paths and their files' sha256 (see
   * skillContentHash). UNKNOWN in a plan for a skill the hash step did not read.
   */
  sha256: string | Unknown;
  /**
   * The version apply uploaded from this content and made the default (the API's
   * `default_version`); UNKNOWN in a plan that uploads a new one.
   */
  default_version: string | Unknown;
  keep_versions: number;
}

/**
 * An agent: the rendered Responses request (see src/model/agent.ts), its fields at the top level so
 * that plans show them one by one, and where apply writes it (`render_to`, relative to the working
 * folder, or null). Ids of resources apply is yet to make are UNKNOWN.
 */
export interface AgentAttributes {
  model: string;
  render_to: string | null;
  [field: string]: unknown;
}

export interface AttributesByKind {
  file: FileAttributes;
  vector_store: VectorStoreAttributes;
  vector_store_file: MembershipAttributes;
  assistant: AssistantAttributes;
  skill: SkillAttributes;
  agent: AgentAttributes;
}

export type Attributes = AttributesByKind[keyof AttributesByKind];

/** The part of each kind's attributes that the API reports (REPORTED_ATTRIBUTES lists the keys). */
export interface ReportedByKind {
  file: Omit<FileAttributes, 'path' | 'sha256'>;
  vector_store: VectorStoreAttributes;
  vector_store_file: MembershipAttributes;
  assistant: Omit<AssistantAttributes, 'reasoning_effort'>;
  skill: Pick<SkillAttributes, 'name' | 'description' | 'default_version'>;
  /** What the rendered file holds (the request), read back from disk. */
  agent: AgentAttributes;
}

export type ReportedAttributes<K extends keyof AttributesByKind> = ReportedByKind[K];

/**
 * The attributes the API reports for each kind (for an agent, its rendered file). The others (a
 * file's path and hash, an assistant's reasoning_effort) are known only from the state, so drift is
 * looked for in these alone.
 */
export const REPORTED_ATTRIBUTES: {
  [K in keyof AttributesByKind]: readonly (keyof AttributesByKind[K] & string)[];
} = {
  file: ['filename', 'purpose', 'bytes'],
  vector_store: ['name', 'expires_after', 'metadata'],
  vector_store_file: ['vector_store_id', 'file_id', 'attributes', 'chunking_strategy'],
  assistant: [
    'model',
    'name',
    'description',
    'instructions',
    'tools',
    'tool_resources',
    'temperature',
    'top_p',
    'response_format',
    'metadata',
  ],
  // Name and description are those of the default version's SKILL.md, parsed by the API: its own
  // reading may differ from ours, and they change only with the content (sha256).
  skill: ['default_version'],
  // The rendered file: a hand edit of any field (or its removal) is drift.
  agent: AGENT_REQUEST_FIELDS,
};
