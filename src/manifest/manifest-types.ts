import type {
  AttributeValue,
  ChunkingStrategy,
  FilePurpose,
  FunctionDefinition,
  ReasoningEffort,
  ResponseFormat,
} from '../model/desired.js';

/**
 * The shapes of manifest sections as written, once they have passed the schema. Rules read these;
 * they never see a value that failed the schema (such resources are set aside, see merge.ts).
 */
export interface RawFile {
  path: string;
  purpose?: FilePurpose;
  protect?: boolean;
}

export type RawMember =
  | string
  | { file: string; attributes?: Record<string, AttributeValue> }
  | { glob: string; attributes?: Record<string, AttributeValue> }
  | { file_id: string; attributes?: Record<string, AttributeValue> };

export type GlobMember = Extract<RawMember, { glob: string }>;

export function isGlobMember(member: RawMember): member is GlobMember {
  return typeof member === 'object' && 'glob' in member;
}

export interface RawVectorStore {
  name?: string;
  files?: RawMember[];
  chunking_strategy?: ChunkingStrategy;
  expires_after?: { anchor?: 'last_active_at'; days: number };
  metadata?: Record<string, string>;
  protect?: boolean;
}

export type RawToolDefinition =
  | { type: 'code_interpreter' }
  | { type: 'file_search'; file_search?: Record<string, unknown> }
  | { type: 'function'; function: FunctionDefinition };

export type RawToolItem = string | RawToolDefinition;

export interface RawAssistant {
  model: string;
  name?: string;
  description?: string;
  instructions?: string | { file: string };
  tools?: RawToolItem[];
  tool_resources?: {
    file_search?: { vector_stores?: string[]; vector_store_ids?: string[] };
    code_interpreter?: { files?: string[]; file_ids?: string[] };
  };
  temperature?: number;
  top_p?: number;
  response_format?: ResponseFormat;
  reasoning_effort?: ReasoningEffort;
  metadata?: Record<string, string>;
  protect?: boolean;
}

/** A skill's folder and its settings (see DesiredSkill). */
export interface RawSkill {
  path: string;
  keep_versions?: number;
  protect?: boolean;
}

/**
 * A skill in an agent's shell tool: the name of a managed skill, or a skill in the API's shape
 * (passed through as written; the schema has checked its shape).
 */
export type RawAgentSkill =
  | string
  | { type: 'skill_reference'; skill_id: string; version?: string }
  | { type: 'inline'; name: string; description: string; source: Record<string, unknown> };

/** An agent's tool written inline (see AgentToolSpec); the schema has checked its shape. */
export interface RawAgentTool {
  type: string;
  [field: string]: unknown;
}

export type RawAgentToolItem = string | RawAgentTool;

export interface RawAgent {
  model: string;
  description?: string;
  instructions?: string | { file: string };
  tools?: RawAgentToolItem[];
  metadata?: Record<string, string>;
  render_to?: string;
  protect?: boolean;
  /** The other request fields (text, reasoning, temperature, ...): see AGENT_REQUEST_FIELDS. */
  [field: string]: unknown;
}

/** A `moved:` entry: addresses, or prefixes ending in `/` (see Move in src/model/moves.ts). */
export interface RawMove {
  from: string;
  to: string;
}

export interface RawSections {
  files: RawFile;
  tools: RawToolDefinition;
  vector_stores: RawVectorStore;
  assistants: RawAssistant;
  skills: RawSkill;
  agents: RawAgent;
}

export type SectionName = keyof RawSections;
/**
 * What one entry of each section is called in messages: `vector store "kb"`. Keyed by every
 * section of RawSections, so that a section added there without its noun is a type error.
 */
export const SECTION_NOUNS: Readonly<Record<SectionName, string>> = {
  files: 'file',
  tools: 'tool',
  vector_stores: 'vector store',
  assistants: 'assistant',
  skills: 'skill',
  agents: 'agent',
};

/** Every section, in the order manifests are read and written. */
export const SECTIONS = Object.keys(SECTION_NOUNS) as readonly SectionName[];
