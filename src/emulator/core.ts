import { extensionOf, FILE_SEARCH_EXTENSIONS } from '../model/file-types.js';
import { ApiError, invalidRequest, notFound } from './api-error.js';
import type { BlobStore } from './blob-store.js';
import { EmulatorClock } from './clock.js';
import { DEFAULT_CONFIG, type EmulatorConfig } from './knobs.js';
import { type IdKind, makeId, randomSeed, SeededRandom } from './random.js';
import {
  type AssistantRecord,
  allocateSeq,
  type BatchRecord,
  type EmulatorData,
  emptyData,
  type FileRecord,
  type IndexingFailure,
  memberCursor,
  type SkillRecord,
  type SkillVersionRecord,
  type StaticChunking,
  type VectorStoreFileRecord,
  type VectorStoreRecord,
} from './records.js';
import { countStatuses, type FileCounts, isStoreExpired, memberStatus } from './status-rules.js';

/** What the API fills in for `{type: "auto"}` (and no strategy): 800-token chunks, 400 overlap. */
export const AUTO_CHUNKING: StaticChunking = { max_chunk_size_tokens: 800, chunk_overlap_tokens: 400 };

/** Request counts for `GET /_emulator/stats`, by `METHOD /v1/route/{template}`. */
export interface RequestStats {
  total: number;
  requests: Record<string, number>;
  /** Responses by HTTP status (a 429 or injected fault shows here). */
  statuses: Record<string, number>;
}

const emptyStats = (): RequestStats => ({ total: 0, requests: {}, statuses: {} });

/**
 * The emulator's state and the operations the routes share: lookups that answer 404 as the API
 * does, attach/detach with derived indexing, expiry, and the knobs. Routes parse and validate
 * requests, then call in here; nothing here knows about HTTP beyond throwing `ApiError`.
 */
export class EmulatorCore {
  config: EmulatorConfig = { ...DEFAULT_CONFIG };
  readonly clock = new EmulatorClock();
  data: EmulatorData = emptyData();
  stats: RequestStats = emptyStats();
  /** The seed in use (the configured one, or a random one picked at start). */
  seed = randomSeed();
  /** Separate streams, so injecting faults does not shift the ids a seed gives. */
  idRandom = new SeededRandom(this.seed);
  faultRandom = new SeededRandom(this.seed ^ 0x5bd1e995);
  /** The earliest `expires_at` of any file; -Infinity until first computed (also after a restore). */
  private nextFileExpiry = Number.NEGATIVE_INFINITY;
  /** Called after every change, so `--data` can save. */
  onChange: () => void = () => {};

  constructor(readonly blobs: BlobStore) {}

  /** Applies knobs; a new seed restarts both generators, so the same seed repeats a run. */
  configure(patch: Partial<EmulatorConfig>): void {
    this.config = { ...this.config, ...patch };
    if (patch.seed !== undefined) this.reseed(patch.seed ?? randomSeed());
  }

  private reseed(seed: number): void {
    this.seed = seed;
    this.idRandom = new SeededRandom(seed);
    this.faultRandom = new SeededRandom(seed ^ 0x5bd1e995);
  }

  /** Forgets every object, the request counts and the clock offset; knobs stay as they are. */
  async reset(): Promise<void> {
    this.data = emptyData();
    this.nextFileExpiry = Number.NEGATIVE_INFINITY;
    this.stats = emptyStats();
    this.clock.reset();
    this.reseed(this.config.seed ?? randomSeed());
    await this.blobs.clear();
    this.onChange();
  }

  newId(kind: IdKind): string {
    return makeId(this.idRandom, kind);
  }

  nextSeq(id: string): number {
    return allocateSeq(this.data, id);
  }

  changed(): void {
    this.onChange();
  }

  // Lookups ------------------------------------------------------------------------------------

  file(id: string, param: string | null = null): FileRecord {
    const file = this.data.files.get(id);
    if (!file) throw new ApiError(404, `No such File object: ${id}`, { param: param ?? 'id' });
    return file;
  }

  store(id: string, param: string | null = null): VectorStoreRecord {
    const store = this.data.vectorStores.get(id);
    if (!store) throw notFound('vector store', id, param);
    return store;
  }

  members(storeId: string): Map<string, VectorStoreFileRecord> {
    let members = this.data.vectorStoreFiles.get(storeId);
    if (!members) {
      members = new Map();
      this.data.vectorStoreFiles.set(storeId, members);
    }
    return members;
  }

  member(storeId: string, fileId: string): VectorStoreFileRecord {
    const member = this.members(storeId).get(fileId);
    if (!member) throw notFound('file', fileId, 'file_id');
    return member;
  }

  batch(storeId: string, batchId: string): BatchRecord {
    const batch = this.data.batches.get(batchId);
    if (!batch || batch.storeId !== storeId) throw notFound('file batch', batchId, 'batch_id');
    return batch;
  }

  assistant(id: string): AssistantRecord {
    const assistant = this.data.assistants.get(id);
    if (!assistant) throw notFound('assistant', id, 'assistant_id');
    return assistant;
  }

  skill(id: string): SkillRecord {
    const skill = this.data.skills.get(id);
    if (!skill) throw notFound('skill', id, 'skill_id');
    return skill;
  }

  /** A skill's versions by number (created on first use, as `members` does for stores). */
  skillVersions(skillId: string): Map<number, SkillVersionRecord> {
    let versions = this.data.skillVersions.get(skillId);
    if (!versions) {
      versions = new Map();
      this.data.skillVersions.set(skillId, versions);
    }
    return versions;
  }

  /**
   * The version `raw` ("1", "2", …) of a skill; `param` names where the request gave it (the path's
   * `version`, or the body's `default_version`).
   */
  skillVersion(skill: SkillRecord, raw: string, param = 'version'): SkillVersionRecord {
    if (!/^[1-9]\d{0,8}$/.test(raw)) {
      throw invalidRequest(
        `Invalid '${param}': '${raw}'. Expected a skill version number such as '1'.`,
        param,
        'invalid_value',
      );
    }
    const version = this.skillVersions(skill.id).get(Number(raw));
    if (!version) throw new ApiError(404, `No version '${raw}' found for skill '${skill.id}'.`, { param });
    return version;
  }

  /** Removes a skill, its versions and their content. */
  async deleteSkill(skill: SkillRecord): Promise<void> {
    const versions = [...this.skillVersions(skill.id).values()];
    this.data.skills.delete(skill.id);
    this.data.skillVersions.delete(skill.id);
    await Promise.all(versions.map((version) => this.blobs.remove(version.id)));
  }

  // Derived state ------------------------------------------------------------------------------

  memberStatus(member: VectorStoreFileRecord) {
    return memberStatus(member, this.clock.nowMs());
  }

  storeCounts(storeId: string): FileCounts {
    return countStatuses([...this.members(storeId).values()].map((member) => this.memberStatus(member)));
  }

  /** Marks a store seen expired, so later changes to its policy cannot revive it. */
  isExpired(store: VectorStoreRecord): boolean {
    if (!store.expired && isStoreExpired(store, this.clock.nowMs())) store.expired = true;
    return store.expired;
  }

  /**
   * Attaching to or searching an expired store fails, as in the API: it must be replaced. `param`
   * names where the request named the store (a path id, or a tool's `vector_store_ids[i]`).
   */
  requireActive(store: VectorStoreRecord, param = 'vector_store_id'): void {
    if (this.isExpired(store)) {
      throw invalidRequest(
        `Vector store ${store.id} is expired. Create a new vector store to continue.`,
        param,
        'vector_store_expired',
      );
    }
  }

  /** Use refreshes `last_active_at`, which moves an `expires_after` deadline. */
  touch(store: VectorStoreRecord): void {
    store.lastActiveAtMs = this.clock.nowMs();
  }

  // Changes ------------------------------------------------------------------------------------

  /**
   * Attaches a file to a store and starts indexing: done after the configured delay (plus its
   * per-MiB share); a file type that file_search cannot read ends `failed` (`unsupported_file`),
   * an empty file `failed` (`invalid_file`).
   */
  attach(
    store: VectorStoreRecord,
    file: FileRecord,
    options: {
      chunking?: StaticChunking;
      attributes?: VectorStoreFileRecord['attributes'] | null;
      batchId?: string;
    },
  ): VectorStoreFileRecord {
    const members = this.members(store.id);
    const existing = members.get(file.id);
    // Attaching a file that is already there returns it unchanged; a batch that names it takes it
    // over and indexes it again with the batch's settings, so the batch's counts include it.
    if (existing && !options.batchId) return existing;
    const now = this.clock.nowMs();
    const perMb = (file.bytes / (1024 * 1024)) * this.config.index_delay_per_mb_ms;
    const member: VectorStoreFileRecord = {
      id: file.id,
      storeId: store.id,
      seq: this.nextSeq(memberCursor(store.id, file.id)),
      createdAt: this.clock.nowSeconds(),
      readyAtMs: now + this.config.index_delay_ms + Math.ceil(perMb),
      failure: indexingFailure(file),
      cancelled: false,
      chunking: options.chunking ?? AUTO_CHUNKING,
      attributes: options.attributes ?? {},
      ...(options.batchId ? { batchId: options.batchId } : {}),
    };
    members.set(file.id, member);
    this.touch(store);
    return member;
  }

  /** Removes a file everywhere: its content, and its place in every store (API prose). */
  async deleteFile(file: FileRecord): Promise<void> {
    this.data.files.delete(file.id);
    for (const members of this.data.vectorStoreFiles.values()) members.delete(file.id);
    await this.blobs.remove(file.id);
  }

  /**
   * Files uploaded with `expires_after` disappear once their time is up. Run once per request
   * (by the server, before any handler): it only walks the files when the earliest deadline has
   * passed, so requests stay O(1) however many files there are.
   */
  sweep(): void {
    const now = this.clock.nowSeconds();
    if (now < this.nextFileExpiry) return;
    let next = Number.POSITIVE_INFINITY;
    for (const file of this.data.files.values()) {
      if (file.expiresAt === undefined) continue;
      if (file.expiresAt > now) next = Math.min(next, file.expiresAt);
      // The record goes at once; removing the content may finish later and may fail harmlessly.
      else this.deleteFile(file).catch(() => {});
    }
    this.nextFileExpiry = next;
  }

  /** Keeps the sweep's deadline when a file with `expires_after` is made. */
  noteFileExpiry(expiresAt: number): void {
    this.nextFileExpiry = Math.min(this.nextFileExpiry, expiresAt);
  }
}

function indexingFailure(file: FileRecord): IndexingFailure | null {
  const extension = extensionOf(file.filename);
  if (!FILE_SEARCH_EXTENSIONS.has(extension)) {
    return {
      code: 'unsupported_file',
      message: `The file type ${extension || '(none)'} is not supported for file_search.`,
    };
  }
  if (file.bytes === 0) return { code: 'invalid_file', message: 'The file is empty and cannot be indexed.' };
  return null;
}
