import { randomUUID } from 'node:crypto';
import { AssistantsError, toAssistantsError } from '../errors/index.js';
import { type ParsedAddress, vectorStoreAddress } from '../model/address.js';
import type { Desired } from '../model/desired.js';
import type { ResourceKind } from '../model/kinds.js';
import type { LiveResource } from '../model/live.js';
import type { SkillArchive } from '../model/skill-archive.js';
import { importResource } from '../plan/import-resource.js';
import { stamped } from '../plan/kinds/wanted.js';
import type { OtherStates } from '../plan/skill-claims.js';
import { skillTakenElsewhere } from '../plan/skill-taken-elsewhere.js';
import { ownedBy } from '../plan/stamps.js';
import { type ApiWriter, updateMetadata } from '../provider/api-writer.js';
import { remember } from '../state/forget-resources.js';
import { HashCache } from '../state/hash-cache.js';
import { emptyState, type StateDocument } from '../state/state-document.js';
import type { StateStore } from '../state/state-store.js';
import { withLockedState } from './locked-state.js';
import { hashFiles } from './prepare-plan.js';

export interface ImportPorts {
  store: StateStore;
  writer: Pick<ApiWriter, 'updateVectorStoreMetadata' | 'updateAssistantMetadata'>;
  /** One resource read by id (a membership needs its store's id). */
  retrieve(kind: ResourceKind, id: string, storeId?: string): Promise<LiveResource>;
  /** A skill version's content, read as its folder (see readSkillVersion): downloaded, never changed. */
  skillVersion(skillId: string, version: string): Promise<SkillArchive>;
  /** The states of the stack's other workspaces: read only to import a skill (which has no stamp). */
  otherStates: () => Promise<OtherStates>;
  hashCacheFile: string;
}

export interface ImportRequest {
  address: ParsedAddress & { address: string };
  id: string;
  desired: Desired;
  /** Take it even when another state's stamp is on it. */
  force: boolean;
  lockTimeoutMs: number;
}

export interface ImportResult {
  /** The stamp on it named another state or address, and was rewritten. */
  restamped: boolean;
  /** What the user should know (the next plan will replace it, and why). */
  notes: string[];
}

/**
 * `import ADDRESS ID`: takes the resource into the state under the address the manifests define,
 * and stamps it as this state's. Refuses an address already managed, an object managed under
 * another address, a membership whose store is not in the state yet, and (unless `force`) a skill
 * that a state of another workspace of the stack claims or may claim (see skillTakenElsewhere).
 */
export function importWorkflow(ports: ImportPorts, request: ImportRequest): Promise<ImportResult> {
  const { address: parsed, id, desired } = request;
  const { address } = parsed;
  const locked = { timeoutMs: request.lockTimeoutMs, stack: desired.stack };
  return withLockedState(ports.store, 'import', locked, async ({ state: existing, record }) => {
    const state = existing ?? emptyState(randomUUID(), desired.stack);
    const managed = state.resources[address];
    if (managed)
      throw new AssistantsError('ALREADY_MANAGED', `${address} is already managed as ${managed.id}`, {
        hint: `\`assistants state rm ${address}\` first to take another resource under it`,
      });
    let storeId: string | undefined;
    if (parsed.kind === 'vector_store_file') {
      const storeAt = vectorStoreAddress(parsed.store ?? '');
      storeId = state.resources[storeAt]?.id;
      if (!storeId) throw new AssistantsError('RESOURCE_NOT_IN_STATE', `import ${storeAt} before its files`);
    }
    const holder = heldElsewhere(state, parsed.kind, id, storeId);
    if (holder)
      throw new AssistantsError('ALREADY_MANAGED', `${id} is already managed as ${holder}`, {
        hint: `one object is managed under one address: \`assistants state rm ${holder}\` first to move it`,
      });
    const live = await ports.retrieve(parsed.kind, id, storeId);
    // Before its content is downloaded: a skill another workspace manages is not this one's to read.
    if (live.kind === 'skill' && !request.force) {
      const refusal = skillTakenElsewhere(await ports.otherStates(), {
        id,
        name: live.live.attributes.name,
      });
      if (refusal) throw refusal;
    }
    const found = await withContent(live, address, desired, ports);
    const hashes = await hashFiles(desired, await HashCache.load(ports.hashCacheFile), state, true);
    const { resource, notes } = importResource(parsed, found, desired, hashes, state, request.force);
    const recorder = record(state);
    await recorder.mutate((doc) => {
      doc.resources[address] = resource;
    });
    // A stamp that names another state or address is rewritten now, with the consent --force
    // gave (or, for this state's own stamp under another address, plainly): plans refuse to
    // change a store or assistant whose stamp is not this state's for its address.
    let restamped = false;
    if (resource.kind === 'vector_store' || resource.kind === 'assistant') {
      const metadata = resource.attributes.metadata;
      if (!ownedBy(metadata, state.lineage, address)) {
        const withStamp = stamped(metadata, state.lineage, address);
        try {
          await updateMetadata(ports.writer, resource.kind, id, withStamp);
        } catch (err) {
          // Not taken after all: the state must not hold what it cannot stamp.
          await recorder.mutate((doc) => {
            delete doc.resources[address];
          });
          const error = toAssistantsError(err);
          throw new AssistantsError('STAMP_FAILED', `could not stamp ${id} as ${address}: ${error.message}`, {
            hint: 'nothing was imported; run the import again',
            cause: err,
          });
        }
        await recorder.mutate((doc) => {
          const held = doc.resources[address];
          // Replaced, not edited: the recorder logs what is assigned (see StateRecorder).
          if (held?.kind === 'vector_store' || held?.kind === 'assistant')
            doc.resources[address] = {
              ...held,
              attributes: { ...held.attributes, metadata: withStamp },
            } as typeof held;
        });
        restamped = true;
      }
    }
    // Managed again: no longer one that `state rm` let go (only now, once it is surely taken).
    await recorder.mutate((doc) => remember(doc, new Set([id])));
    return { restamped, notes };
  });
}

/**
 * A skill with its default version's content hash (or why it has none), for importResource to
 * compare with the local folder's; any other resource as it is. The version is the default the
 * skill was read with, so the hash is of the version the state records. Nothing is downloaded for
 * an address the manifests do not define (importResource refuses it).
 */
async function withContent(
  found: LiveResource,
  address: string,
  desired: Desired,
  ports: ImportPorts,
): Promise<LiveResource> {
  if (found.kind !== 'skill' || !desired.skills.some((skill) => skill.address === address)) return found;
  const { live } = found;
  const version = live.attributes.default_version;
  // Always a string as read from the API; the type also holds the planner's "known after apply".
  if (typeof version !== 'string') return found;
  const archive = await ports.skillVersion(live.id, version);
  const defaultContent = archive.ok ? { sha256: archive.sha256 } : { problem: archive.problem };
  return { kind: 'skill', live: { ...live, defaultContent } };
}

/** The address that already holds this object (for a membership: this file in the same store). */
function heldElsewhere(
  state: StateDocument,
  kind: ResourceKind,
  id: string,
  storeId: string | undefined,
): string | undefined {
  for (const [address, resource] of Object.entries(state.resources)) {
    if (resource.kind !== kind || resource.id !== id) continue;
    if (resource.kind === 'vector_store_file' && resource.attributes.vector_store_id !== storeId) continue;
    return address;
  }
  return undefined;
}
