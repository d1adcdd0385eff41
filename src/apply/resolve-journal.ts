import type { Address } from '../model/address.js';
import type { Desired } from '../model/desired.js';
import type { LiveSkill } from '../model/live.js';
import { STAMP_ADDRESS_KEY, STAMP_LINEAGE_KEY } from '../model/stamp.js';
import { desiredAssistantAttributes } from '../plan/kinds/assistant.js';
import { desiredFileAttributes } from '../plan/kinds/file.js';
import { desiredSkillAttributes } from '../plan/kinds/skill.js';
import { desiredStoreAttributes } from '../plan/kinds/vector-store.js';
import { claimOn, type SkillClaims, skillClaims } from '../plan/skill-claims.js';
import { type ApiWriter, deleteRemote } from '../provider/api-writer.js';
import type { ApiReader } from '../provider/live-view.js';
import type { PendingOperation, StateDocument } from '../state/state-document.js';
import type { StateRecorder } from './state-recorder.js';

/** Seconds of clock skew allowed between this machine and the API when matching by time. */
const SKEW_SECONDS = 5;
/** How long after its start a lost create can have landed (the SDK's request timeout is 10 min). */
const WINDOW_SECONDS = 600 + 2 * SKEW_SECONDS;

export interface JournalOutcome {
  /** Addresses whose interrupted create was found and taken into the state. */
  adopted: Address[];
  /** Ids of resources an interrupted run made or left behind, now deleted. */
  cleaned: string[];
}

/**
 * Settles the calls an interrupted run left in the journal, before anything is planned:
 * - a create whose answer was lost is looked for among what was made in the call's window: a
 *   store or assistant by its stamp (the newest match is adopted if the manifests still want it;
 *   the other matches are ours too, and deleted), a file by name and size (adopted only when
 *   exactly one matches, and never deleted on such a match: it may belong to someone else);
 * - the old half of a replacement (a pending delete of an id the state no longer holds) is left
 *   for the executor, which removes it once nothing uses it;
 * - updates, attaches and deletes of resources still in the state are dropped: the plan redoes them.
 */
export async function resolveJournal(
  recorder: StateRecorder,
  desired: Desired,
  hashes: ReadonlyMap<string, string>,
  reader: ApiReader,
  writer: ApiWriter,
  options: {
    /**
     * What the stack's other workspaces claim of skills (read when first asked; 'unknown' when one
     * cannot be read): a skill they claim is never adopted for this one's lost create.
     */
    skillClaimsElsewhere?: () => Promise<SkillClaims | 'unknown'>;
  } = {},
): Promise<JournalOutcome> {
  const outcome: JournalOutcome = { adopted: [], cleaned: [] };
  const pending = [...recorder.doc.pending];
  if (pending.length === 0) return outcome;
  const resolved = new Set<string>();
  const lists = lazyLists(reader);
  // The newest page of skills, read once whatever the number of lost skill creates.
  let skills: Promise<LiveSkill[]> | undefined;
  const newestSkills = () => {
    skills ??= reader.listSkills().then((page) => page.data);
    return skills;
  };
  // What the state holds, or let go of with `state rm` (never adopted back, nor deleted).
  const claimed = new Set([
    ...Object.values(recorder.doc.resources).map((r) => r.id),
    ...(recorder.doc.forgotten ?? []).map((f) => f.id),
  ]);

  for (const op of pending) {
    const startedAt = Date.parse(op.started_at) / 1000 - SKEW_SECONDS;
    if (op.kind === 'skill' && op.match?.sha256 !== undefined) {
      // An upload (a new skill, or a new version of one) whose answer was lost.
      const window = { from: startedAt, to: startedAt + WINDOW_SECONDS };
      const api = { newestSkills, reader, writer };
      const elsewhere = options.skillClaimsElsewhere ?? (async () => skillClaims([]));
      const adopted = await settleSkillUpload(recorder, op, desired, api, window, claimed, elsewhere);
      if (adopted !== undefined) {
        claimed.add(adopted);
        outcome.adopted.push(op.address);
      }
    } else if (
      op.operation === 'create' &&
      (op.kind === 'file' || op.kind === 'vector_store' || op.kind === 'assistant')
    ) {
      const candidates = (await lists[op.kind]())
        .filter(
          (item) =>
            !claimed.has(item.id) &&
            item.createdAt >= startedAt &&
            item.createdAt <= startedAt + WINDOW_SECONDS &&
            matches(op, item, recorder.doc),
        )
        .sort((a, b) => b.createdAt - a.createdAt);
      if (op.kind === 'file') {
        // Files carry no stamp: a name and a size in the call's window is a strong hint, not proof.
        // Adopt only a single match, and never delete on such a match: it may be someone else's.
        const only = candidates.length === 1 ? candidates[0] : undefined;
        if (only && adoptable(op, desired, hashes)) {
          claimed.add(only.id);
          await recorder.mutate((doc) => adopt(doc, op, only.id, desired, hashes, only.createdAt));
          outcome.adopted.push(op.address);
        }
      } else {
        // A stamp names this stack's lineage and address: every match is ours.
        const keep = adoptable(op, desired, hashes) ? candidates[0] : undefined;
        if (keep) {
          claimed.add(keep.id);
          await recorder.mutate((doc) => adopt(doc, op, keep.id, desired, hashes));
          outcome.adopted.push(op.address);
        }
        for (const extra of candidates.filter((c) => c !== keep)) {
          await deleteRemote(writer, op.kind, extra.id);
          claimed.add(extra.id);
          outcome.cleaned.push(extra.id);
        }
      }
    } else if (
      op.operation === 'delete' &&
      op.resource_id &&
      (op.kind === 'file' || op.kind === 'vector_store_file') &&
      recorder.doc.resources[op.address]?.id !== op.resource_id
    ) {
      // The old half of a replacement: apply removes it once nothing uses it (see deposed.ts).
      // (A store or assistant has no old half: a delete of one the state no longer holds is done,
      // or left a stamped object that gc --leaked finds; either way the entry is settled.)
      continue;
    }
    resolved.add(op.id);
  }
  await recorder.mutate((doc) => {
    doc.pending = doc.pending.filter((op) => !resolved.has(op.id));
  });
  return outcome;
}

/**
 * A skill upload whose answer was lost. A new skill is looked for by its front-matter name among
 * the skills made in the call's window that no other workspace of the stack claims, and adopted
 * only when exactly one matches (skills carry no stamp: a name is a strong hint, not proof, so
 * nothing is deleted on it). A new version is looked for among the versions of the state's skill
 * made in the window after the one the state records: the newest is adopted (and made the
 * default, if the lost answer left it otherwise). What is adopted records the content the upload
 * sent; the plan uploads again only if the folder changed since. Returns the id of the skill
 * adopted (or given its version), if any.
 */
async function settleSkillUpload(
  recorder: StateRecorder,
  op: PendingOperation,
  desired: Desired,
  api: { newestSkills: () => Promise<LiveSkill[]>; reader: ApiReader; writer: ApiWriter },
  window: { from: number; to: number },
  claimed: ReadonlySet<string>,
  elsewhere: () => Promise<SkillClaims | 'unknown'>,
): Promise<string | undefined> {
  const skill = desired.skills.find((s) => s.address === op.address);
  const sha256 = op.match?.sha256 as string;
  const within = (createdAt: number) => createdAt >= window.from && createdAt <= window.to;
  if (!skill) return undefined;
  if (op.operation === 'create') {
    const named = (await api.newestSkills()).filter(
      (s) => !claimed.has(s.id) && within(s.createdAt) && s.attributes.name === op.match?.name,
    );
    if (named.length === 0) return undefined;
    // Read after the list: a skill another workspace made meanwhile is in its state by then. One
    // that another workspace holds, let go of, names, or may be making (an unsettled create of the
    // name) is not this one's to take.
    const claims = await elsewhere();
    if (claims === 'unknown') return undefined;
    const candidates = named.filter(
      (s) => claimOn(claims, { id: s.id, name: s.attributes.name }) === undefined,
    );
    const only = candidates.length === 1 ? candidates[0] : undefined;
    if (!only) return undefined;
    await recorder.mutate((doc) => {
      doc.resources[op.address] = {
        kind: 'skill',
        id: only.id,
        attributes: desiredSkillAttributes(skill, sha256, only.attributes.default_version),
        dependencies: [],
        protect: skill.protect,
        created_at: only.createdAt,
      };
    });
    return only.id;
  }
  const current = recorder.doc.resources[op.address];
  if (current?.kind !== 'skill' || current.id !== op.resource_id) return undefined;
  const page = await api.reader.listSkillVersions(current.id);
  // Only a version after the one the state records can be the upload's: the window's skew would
  // otherwise take in a version made just before it (by the apply before this one, say).
  const recorded = Number(current.attributes.default_version);
  const made = (page?.data ?? []).filter(
    (v) => within(v.createdAt) && Number(v.version) > recorded && v.name === op.match?.name,
  );
  const newest = made.sort((a, b) => Number(b.version) - Number(a.version))[0];
  if (!newest) return undefined;
  await api.writer.setSkillDefaultVersion(current.id, newest.version);
  await recorder.mutate((doc) => {
    doc.resources[op.address] = {
      ...current,
      attributes: desiredSkillAttributes(skill, sha256, newest.version),
    };
  });
  return current.id;
}

type Listed = {
  id: string;
  createdAt: number;
  filename?: string;
  bytes?: number;
  metadata?: Record<string, string>;
};

/** The newest page of each list, read at most once. */
function lazyLists(reader: ApiReader) {
  const cache = new Map<string, Promise<Listed[]>>();
  const once = (key: string, load: () => Promise<Listed[]>) => {
    if (!cache.has(key)) cache.set(key, load());
    return cache.get(key) as Promise<Listed[]>;
  };
  return {
    file: () =>
      once('file', async () =>
        (await reader.listFiles()).data.map((f) => ({ id: f.id, createdAt: f.createdAt, ...f.attributes })),
      ),
    vector_store: () =>
      once('vector_store', async () =>
        (await reader.listVectorStores()).data.map((s) => ({
          id: s.id,
          createdAt: s.createdAt,
          metadata: s.attributes.metadata,
        })),
      ),
    assistant: () =>
      once('assistant', async () =>
        (await reader.listAssistants()).data.map((a) => ({
          id: a.id,
          createdAt: a.createdAt,
          metadata: a.attributes.metadata,
        })),
      ),
  };
}

function matches(op: PendingOperation, item: Listed, doc: StateDocument): boolean {
  if (op.kind === 'file') return item.filename === op.match?.filename && item.bytes === op.match?.bytes;
  return (
    item.metadata?.[STAMP_LINEAGE_KEY] === doc.lineage && item.metadata?.[STAMP_ADDRESS_KEY] === op.address
  );
}

/**
 * Adopt only what the manifests still want as it is (a file with the same content). An upload
 * journalled without a hash (a new file, hashed only as it was sent) sent what the file holds now
 * if the file was not modified since the entry was written; the hash recorded is then the current one.
 */
function adoptable(op: PendingOperation, desired: Desired, hashes: ReadonlyMap<string, string>): boolean {
  if (op.kind === 'file') {
    const file = desired.files.find((f) => f.address === op.address);
    const hash = file && hashes.get(file.name);
    if (hash === undefined) return false;
    if (op.match?.sha256 === undefined)
      return (file?.mtimeMs ?? Number.POSITIVE_INFINITY) < Date.parse(op.started_at);
    return hash === op.match.sha256;
  }
  const list = op.kind === 'vector_store' ? desired.vectorStores : desired.assistants;
  return list.some((r) => r.address === op.address);
}

function adopt(
  doc: StateDocument,
  op: PendingOperation,
  id: string,
  desired: Desired,
  hashes: ReadonlyMap<string, string>,
  createdAt?: number,
) {
  if (op.kind === 'file') {
    const file = desired.files.find((f) => f.address === op.address);
    if (!file) return;
    const attributes = desiredFileAttributes(file, hashes.get(file.name) ?? '');
    doc.resources[op.address] = {
      kind: 'file',
      id,
      attributes,
      dependencies: [],
      protect: file.protect,
      ...(createdAt === undefined ? {} : { created_at: createdAt }),
    };
  } else if (op.kind === 'vector_store') {
    const store = desired.vectorStores.find((s) => s.address === op.address);
    if (!store) return;
    const attributes = desiredStoreAttributes(store, doc.lineage);
    doc.resources[op.address] = {
      kind: 'vector_store',
      id,
      attributes,
      dependencies: [],
      protect: store.protect,
    };
  } else if (op.kind === 'assistant') {
    const assistant = desired.assistants.find((a) => a.address === op.address);
    if (!assistant) return;
    // Its tool resources may not match what is recorded: the plan compares with the live object.
    const attributes = desiredAssistantAttributes(
      assistant,
      doc.lineage,
      (address) => doc.resources[address]?.id ?? '',
    );
    doc.resources[op.address] = {
      kind: 'assistant',
      id,
      attributes,
      dependencies: [],
      protect: assistant.protect,
    };
  }
}
