import type {
  LiveAssistant,
  LiveFile,
  LiveMember,
  LiveSkill,
  LiveSkillVersion,
  LiveVectorStore,
} from '../model/live.js';

/** One page of a list endpoint, normalised. */
export interface Page<T> {
  data: T[];
  hasMore: boolean;
}

/**
 * The reads that plan, gc and import need: list pages, and a file's content. The SDK adapter
 * implements it; refresh logic depends on this alone, so it can be driven by any server.
 */
export interface ApiReader {
  listFiles(after?: string): Promise<Page<LiveFile>>;
  listVectorStores(after?: string): Promise<Page<LiveVectorStore>>;
  /**
   * One page of a store's files, or `undefined` when the store does not exist (the API answered
   * 404): it was deleted after the store list was read, and the refresh then treats it as gone.
   */
  listVectorStoreFiles(storeId: string, after?: string): Promise<Page<LiveMember> | undefined>;
  listAssistants(after?: string): Promise<Page<LiveAssistant>>;
  /** A file's content as a stream (the API refuses it for files uploaded for assistants). */
  downloadFile(id: string): Promise<ReadableStream<Uint8Array>>;
  /** One page of skills, newest first. */
  listSkills(after?: string): Promise<Page<LiveSkill>>;
  /** One page of a skill's versions, newest first; undefined when the skill does not exist (404). */
  listSkillVersions(skillId: string, after?: string): Promise<Page<LiveSkillVersion> | undefined>;
  /** A skill's content as a zip: of `version`, else of its default version. */
  downloadSkillContent(skillId: string, version?: string): Promise<ReadableStream<Uint8Array>>;
}
