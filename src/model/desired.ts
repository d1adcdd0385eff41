import type { SourceLocation } from '../errors/index.js';
import type { Address } from './address.js';
import type { ProtectableKind } from './kinds.js';
import type { Move } from './moves.js';

/**
 * The desired world, as the manifests describe it after validation: names resolved, globs
 * expanded, paths made real, instructions read, `${env:...}` substituted. The planner compares this
 * with state and live objects; nothing here has an API id yet.
 *
 * Optional fields are absent when the manifest leaves them out; the planner treats an absent field
 * as "clear it on the resource" (sent as null), never as "keep what is there".
 */
export interface Desired {
  stack: string;
  /** The manifest files read, as given to the user (relative to the working folder where possible). */
  manifests: string[];
  /** The manifest roots (real paths): agents' rendered files may be written below them. */
  roots: string[];
  files: DesiredFile[];
  vectorStores: DesiredVectorStore[];
  memberships: DesiredMembership[];
  assistants: DesiredAssistant[];
  skills: DesiredSkill[];
  agents: DesiredAgent[];
  /** The manifests' `moved:` entries, validated (see Move); absent or empty when there are none. */
  moves?: Move[];
}

/** A stack that wants nothing (what destroy plans against). */
export function emptyDesired(stack: string): Desired {
  return {
    stack,
    manifests: [],
    roots: [],
    files: [],
    vectorStores: [],
    memberships: [],
    assistants: [],
    skills: [],
    agents: [],
  };
}

export type FilePurpose = 'assistants' | 'batch' | 'fine-tune' | 'vision' | 'user_data' | 'evals';

export interface DesiredFile {
  address: Address;
  /** The key under `files:`; for a glob match, its path relative to the manifest file holding the glob. */
  name: string;
  /** Absolute path with symlinks resolved; what gets uploaded. */
  path: string;
  /** Path relative to the manifest root, with `/` separators; what plans show. */
  relativePath: string;
  purpose: FilePurpose;
  bytes: number;
  mtimeMs: number;
  protect: boolean;
  /** `declared` under `files:`, or `glob` when a vector-store glob member brought it in. */
  origin: 'declared' | 'glob';
  source: SourceLocation;
}

export type ChunkingStrategy =
  | { type: 'auto' }
  | { type: 'static'; static: { max_chunk_size_tokens: number; chunk_overlap_tokens: number } };

export interface ExpiresAfter {
  anchor: 'last_active_at';
  days: number;
}

export type AttributeValue = string | number | boolean;

export interface DesiredVectorStore {
  address: Address;
  name: string;
  /** The store's `name` field in the API (the manifest key when `name:` is not given). */
  displayName: string;
  chunking_strategy?: ChunkingStrategy;
  expires_after?: ExpiresAfter;
  metadata: Record<string, string>;
  protect: boolean;
  source: SourceLocation;
}

/**
 * A file attached to a vector store. `file` is the name of a DesiredFile, or, for a file that is not
 * managed (`file_id:` in the manifest), its id; then `fileId` holds the same id. Either way the
 * address is `vector_store_file.STORE/FILE`.
 */
export interface DesiredMembership {
  address: Address;
  store: string;
  file: string;
  /** Set for a file attached by id: nothing uploads or deletes it, only the attachment is managed. */
  fileId?: string;
  attributes?: Record<string, AttributeValue>;
  source: SourceLocation;
}

export interface FunctionDefinition {
  name: string;
  description?: string;
  parameters?: Record<string, unknown>;
  strict?: boolean;
}

/** Tools in the API's own shape; shared tools referenced by name are already inlined. */
export type AssistantTool =
  | { type: 'code_interpreter' }
  | {
      type: 'file_search';
      file_search?: {
        max_num_results?: number;
        ranking_options?: { ranker?: 'auto' | 'default_2024_08_21'; score_threshold: number };
      };
    }
  | { type: 'function'; function: FunctionDefinition };

export type ResponseFormat =
  | 'auto'
  | { type: 'text' }
  | { type: 'json_object' }
  | {
      type: 'json_schema';
      json_schema: { name: string; description?: string; schema?: Record<string, unknown>; strict?: boolean };
    };

export type ReasoningEffort = 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh' | 'max';

/**
 * Tool resources by reference: `vector_stores` and `files` are names of managed resources (resolved
 * to ids at apply time); `vector_store_ids` and `file_ids` are raw ids of unmanaged ones.
 */
export interface DesiredToolResources {
  file_search?: { vector_stores: string[]; vector_store_ids: string[] };
  code_interpreter?: { files: string[]; file_ids: string[] };
}

export interface DesiredAssistant {
  address: Address;
  name: string;
  model: string;
  /** The assistant's `name` field in the API; absent means none (the manifest key is not used). */
  displayName?: string;
  description?: string;
  instructions?: string;
  /** Where the instructions came from when read from a file (relative to the manifest root). */
  instructionsFile?: string;
  tools: AssistantTool[];
  toolResources: DesiredToolResources;
  temperature?: number;
  top_p?: number;
  response_format?: ResponseFormat;
  reasoning_effort?: ReasoningEffort;
  metadata: Record<string, string>;
  protect: boolean;
  source: SourceLocation;
}

/** One file of a skill's folder. */
export interface SkillFile {
  /** Path inside the skill's folder, `/`-separated (`SKILL.md`, `scripts/run.py`). */
  relativePath: string;
  /** Absolute path with symlinks resolved; what gets uploaded. */
  path: string;
  bytes: number;
  mtimeMs: number;
}

/** The default of `keep_versions`: versions kept, the default among them. */
export const DEFAULT_KEEP_VERSIONS = 3;

/**
 * A skill: a folder holding `SKILL.md`, uploaded as immutable versions (see src/plan/kinds/skill.ts).
 * Its name and description in the API come from the front matter of `SKILL.md`.
 */
export interface DesiredSkill {
  address: Address;
  /** The key under `skills:`. */
  name: string;
  /** The folder, absolute, with symlinks resolved. */
  path: string;
  /** The folder relative to the manifest root, `/`-separated; what plans show. */
  relativePath: string;
  /** `name` in the front matter of SKILL.md: the skill's name in the API. */
  skillName: string;
  /** `description` in the front matter of SKILL.md. */
  description: string;
  /** Every file under the folder, sorted by relativePath (code-unit order). */
  files: SkillFile[];
  /** Versions kept after a new default is set (at least 1). */
  keepVersions: number;
  protect: boolean;
  source: SourceLocation;
}

/**
 * An agent's tool as the manifest writes it, shared tools inlined: `file_search` names managed
 * stores (`vector_stores`), `code_interpreter` and `shell` name managed files (`files`), `shell`
 * names managed skills (`skills`: names, or skill objects in the API's shape to pass through); raw ids and
 * every other field are in the API's shape. A function tool is already in the Responses flat shape.
 */
export interface AgentToolSpec {
  type: string;
  [field: string]: unknown;
}

/** An agent: a Responses request template (see src/model/agent.ts). */
export interface DesiredAgent {
  address: Address;
  name: string;
  model: string;
  /** For people; not rendered. */
  description?: string;
  instructions?: string;
  /** Where the instructions came from when read from a file (relative to the manifest root). */
  instructionsFile?: string;
  tools: AgentToolSpec[];
  /** The other request fields the manifest sets (text, reasoning, temperature, ...), as written. */
  settings: Record<string, unknown>;
  /** Where apply writes the rendered request: relative to the working folder, `/`-separated. */
  renderTo?: string;
  protect: boolean;
  source: SourceLocation;
}

/**
 * The `protect` setting of each desired resource that carries one, by address. A membership has
 * none (it goes with its store). Keyed by the kinds KINDS marks protectable, so that such a kind,
 * once added, is a type error here until it says where its resources and their settings are.
 */
export function declaredProtection(desired: Desired): Map<Address, boolean> {
  const byKind: Record<ProtectableKind, readonly { address: Address; protect: boolean }[]> = {
    file: desired.files,
    vector_store: desired.vectorStores,
    assistant: desired.assistants,
    skill: desired.skills,
    agent: desired.agents,
  };
  const protect = new Map<Address, boolean>();
  for (const list of Object.values(byKind))
    for (const entry of list) protect.set(entry.address, entry.protect);
  return protect;
}
