import type { ReportedAttributes } from '../model/attributes.js';

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

export interface LiveView {
  files: Map<string, LiveFile>;
  vectorStores: Map<string, LiveVectorStore>;
  /** Members by store id, for the stores whose files were listed. */
  members: Map<string, Map<string, LiveMember>>;
  assistants: Map<string, LiveAssistant>;
}

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
}
