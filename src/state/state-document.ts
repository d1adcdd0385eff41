import type { Address } from '../model/address.js';
import { idsInRequest } from '../model/agent.js';
import type { AttributesByKind } from '../model/attributes.js';
import type { ResourceKind, StampedKind } from '../model/kinds.js';

/**
 * The newest state format this version reads and writes; a newer one is refused, never rewritten.
 * 2 adds `forgotten`, a resource's `failed` and a file's `created_at`; 3 adds agents; 4 skills. A document is
 * written in the oldest format that holds it (one that uses none of these as 1), so
 * that earlier versions keep reading it (and refuse, as "written by a newer version", one that
 * does: they would drop what those fields protect).
 */
export const STATE_FORMAT_VERSION = 4;

/** The formats this version reads. */
export type StateFormatVersion = 1 | 2 | 3 | 4;

/**
 * The state: what assistants-iac made and what it last applied. It never holds the API key.
 * `lineage` is fixed when the state is first written and tells one stack's history from another's;
 * `serial` goes up by one on every write that changes content, so a saved plan can tell whether the
 * state moved on.
 */
export interface StateDocument {
  format_version: StateFormatVersion;
  lineage: string;
  serial: number;
  stack: string;
  /** Keyed by address; written sorted by address so diffs of the file stay small. */
  resources: Record<Address, StateResource>;
  /** Operations started but not confirmed (journalled before each mutating call). */
  pending: PendingOperation[];
  /**
   * Resources `state rm` let go of that gc could otherwise take for this stack's leaks: stores and
   * assistants whose ownership stamp stayed on them (the API could not be asked to remove it), and
   * skills, which carry no stamp (gc --skill-prefix would collect one by its name). `gc --leaked`
   * skips these ids. Absent when empty.
   */
  forgotten?: ForgottenResource[];
}

/** A resource this state let go of and gc must leave alone (see StateDocument.forgotten). */
export interface ForgottenResource {
  address: Address;
  kind: StampedKind | 'skill';
  id: string;
  /** ISO 8601 time of the `state rm`. */
  at: string;
}

/** One managed resource as last applied. */
export type StateResource = {
  [K in ResourceKind]: {
    kind: K;
    /** The remote id (for a membership, the file id; the store id is in its attributes). */
    id: string;
    /** The normalised attributes last applied (for files, with the content sha256). */
    attributes: AttributesByKind[K];
    /** Addresses this resource needed when it was made; deletes run in the reverse order. */
    dependencies: Address[];
    protect: boolean;
    /**
     * Set when the last apply made the resource but it did not come out usable: a file that failed
     * to index in its store (the API's `last_error`). The next plan makes it again, and says why.
     */
    failed?: { code: string; message: string };
    /**
     * For a file: when the API made it (unix seconds, as it reports `created_at`). Files carry no
     * stamp; with name and size, this tells the file this stack uploaded from a look-alike.
     */
    created_at?: number;
  };
}[ResourceKind];

/**
 * A mutating call journalled before it is made and removed once its answer is recorded. If the run
 * dies in between, the next run resolves it from `match`: a stamped resource by its stamp, a file
 * by filename and size, a membership by store and file.
 */
export interface PendingOperation {
  /** A uuid, unique per operation. */
  id: string;
  address: Address;
  kind: ResourceKind;
  operation: 'create' | 'update' | 'delete';
  /** ISO 8601 time the call was started. */
  started_at: string;
  /** The remote id when the operation works on an existing resource. */
  resource_id?: string;
  match?: {
    filename?: string;
    bytes?: number;
    sha256?: string;
    vector_store_id?: string;
    file_id?: string;
    /** A skill's front-matter name: how a lost create of it is found. */
    name?: string;
  };
}

/** An empty state for a stack that has not been applied yet. */
export function emptyState(lineage: string, stack: string): StateDocument {
  return { format_version: 1, lineage, serial: 0, stack, resources: {}, pending: [] };
}

/**
 * The vector stores and files a managed assistant or agent names (its tool resources, an agent's
 * rendered request); none for the other kinds. Whatever deletes a store or file asks this first.
 */
export function idsNamedBy(resource: StateResource): { stores: string[]; files: string[] } {
  if (resource.kind === 'agent') return idsInRequest(resource.attributes);
  if (resource.kind !== 'assistant') return { stores: [], files: [] };
  const strings = (ids: readonly unknown[] | undefined) => (ids ?? []).filter((id) => typeof id === 'string');
  const resources = resource.attributes.tool_resources;
  return {
    stores: strings(resources.file_search?.vector_store_ids),
    files: strings(resources.code_interpreter?.file_ids),
  };
}
