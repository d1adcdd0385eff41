import type { ReportedAttributes } from './attributes.js';

// What the API holds, as the provider reads it and normalises it (src/model/normalize.ts): the
// plan, gc and import work on these, never on the API's own shapes.

/**
 * What the API reports now, normalised (see src/model/normalize.ts), keyed by remote id. Only
 * resources the refresh looked for are here; absence from a map that was read means "gone".
 */
export interface LiveFile {
  id: string;
  /** Unix seconds; lets a resumed run tell what it made from older look-alikes. */
  createdAt: number;
  attributes: ReportedAttributes<'file'>;
}

export type VectorStoreStatus = 'expired' | 'in_progress' | 'completed';

export interface LiveVectorStore {
  id: string;
  createdAt: number;
  /** Unix seconds when it expires unless used again (`expires_after` moves it), else null. */
  expiresAt: number | null;
  attributes: ReportedAttributes<'vector_store'>;
  status: VectorStoreStatus;
  /** The bytes it stores as the API counts them (`usage_bytes`): what storage is billed on. */
  usageBytes: number;
}

export type MemberStatus = 'in_progress' | 'completed' | 'cancelled' | 'failed';

export interface LiveMember {
  /** The file id (a vector-store file's id is its file's id). */
  id: string;
  attributes: ReportedAttributes<'vector_store_file'>;
  status: MemberStatus;
  lastError: { code: string; message: string } | null;
}

export interface LiveAssistant {
  id: string;
  createdAt: number;
  attributes: ReportedAttributes<'assistant'>;
}

export interface LiveSkill {
  id: string;
  createdAt: number;
  /** Name, description and `default_version`, as the API reports them. */
  attributes: ReportedAttributes<'skill'>;
  latestVersion: string;
  /**
   * Every version the skill holds, when they were listed (the refresh lists them only for a skill
   * whose default is not the version the state recorded); undefined otherwise.
   */
  versions?: string[];
  /**
   * Its default version's content, when it was downloaded (import does, to compare it with the
   * local folder): the content hash of its files (see readSkillArchive), or why the zip does not
   * read as a skill's folder. Undefined otherwise.
   */
  defaultContent?: { sha256: string } | { problem: string };
}

/** One version of a skill, as the API lists it. */
export interface LiveSkillVersion {
  /** The version object's id: the cursor of the list's next page. */
  id: string;
  version: string;
  createdAt: number;
  name: string;
  description: string;
}

export interface LiveView {
  files: Map<string, LiveFile>;
  vectorStores: Map<string, LiveVectorStore>;
  /** Members by store id, for the stores whose files were listed. */
  members: Map<string, Map<string, LiveMember>>;
  assistants: Map<string, LiveAssistant>;
  /** Skills by id: those the state holds (undefined when not read, as with --refresh=false). */
  skills?: Map<string, LiveSkill>;
  /**
   * Agents' rendered files as read back from disk, by path relative to the working folder (their
   * `render_to`); undefined when they were not read.
   */
  renderedFiles?: Map<string, RenderedFile>;
}

/** A rendered agent file read back: missing, or its content (`request` undefined when not a JSON object). */
export type RenderedFile =
  | { status: 'missing' }
  | { status: 'found'; request: Record<string, unknown> | undefined };

/** Everything the account holds of each kind (for `gc`): every page of each list. */
export interface AccountView {
  files: Map<string, LiveFile>;
  vectorStores: Map<string, LiveVectorStore>;
  /** Undefined when the endpoint no longer serves assistants. */
  assistants: Map<string, LiveAssistant> | undefined;
  /** Undefined when the endpoint serves no skills (it answered 404). */
  skills?: Map<string, LiveSkill> | undefined;
}

/** What to look for: the ids the state holds, and whether to read assistants at all. */
export interface RefreshRequest {
  fileIds: ReadonlySet<string>;
  vectorStoreIds: ReadonlySet<string>;
  assistantIds: ReadonlySet<string>;
  /**
   * Read the assistants list even when the state holds none, because the manifests want some:
   * an endpoint that no longer serves them then fails the plan, not the apply.
   */
  probeAssistants: boolean;
  /**
   * Skill ids the state holds, each with the version it recorded as the default: a skill whose
   * default is another has its versions listed too (was the recorded one deleted?).
   */
  skills?: ReadonlyMap<string, string>;
}

/** One resource read by id (for `import`). */
export type LiveResource =
  | { kind: 'file'; live: LiveFile }
  | { kind: 'vector_store'; live: LiveVectorStore }
  | { kind: 'vector_store_file'; live: LiveMember }
  | { kind: 'assistant'; live: LiveAssistant }
  | { kind: 'skill'; live: LiveSkill };

/** A file to download (for `import --generate`): its id, and where to write it. */
export interface DownloadRequest {
  id: string;
  /** Where to write it, relative to `root`, `/`-separated. */
  relativePath: string;
}

export interface Downloaded {
  bytes: number;
  sha256: string;
}
