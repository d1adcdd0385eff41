import { AssistantsError } from '../errors/index.js';
import type { AccountView } from '../model/live.js';
import type { Plan } from '../model/plan.js';
import { stampOf } from './stamps.js';

/** What apply checks of a saved plan before it acts. */
export interface SavedPlan {
  lineage: string;
  serial: number;
  manifest_digest: string;
  /** The workspace it was made against; absent in files written before workspaces. */
  workspace?: string;
  /** The -f arguments and --state it was made with; absent in older files. */
  run?: { manifests: string[]; state: string };
  /** Address → the JSON actions, e.g. `delete,create`; no-ops left out. */
  actions: Map<string, string>;
  /** The --target addresses it was made with (empty: the whole stack). */
  targets: string[];
  /** What it replaces because --replace asked (changes with reason replace_by_request). */
  replace: string[];
  /** Made with --refresh-only: applying it records the drift in the state. */
  refreshOnly: boolean;
  /** Address → the drift's action (`update`, `delete`), for a refresh-only plan's check. */
  drift: Map<string, string>;
  /** Unix seconds when `plan -o` wrote it; absent in files written before it was recorded. */
  savedAt?: number;
  /** Name and size of every file the plan uploads (to tell whether it was applied elsewhere). */
  fileCreates: { filename: string; bytes: number }[];
}

/** Clock skew allowed between the machine that saved a plan and the API, in seconds. */
const SKEW_SECONDS = 5;

function stale(file: string, what: string): AssistantsError {
  return new AssistantsError('PLAN_STALE', `Saved plan is stale: ${what} since ${file} was made`, {
    hint: 'run `assistants plan -o FILE` again, review it, and apply the new file',
  });
}

/** A saved plan is applied only as made: same lineage, same serial, same manifests, same changes. */
export function checkSavedPlan(saved: SavedPlan, plan: Plan, stateExists: boolean, file: string): void {
  if (stateExists && saved.lineage !== plan.lineage)
    throw stale(file, 'the state belongs to another lineage (another stack)');
  if (saved.serial !== plan.serial)
    throw stale(file, `the state moved on (serial ${saved.serial} → ${plan.serial})`);
  if (saved.manifest_digest !== plan.manifestDigest)
    throw stale(file, 'the manifests or the files they name changed');
  const now = new Map(plan.changes.filter((c) => c.action !== 'no-op').map((c) => [c.address, c.action]));
  const differs = [...new Set([...now.keys(), ...saved.actions.keys()])].filter(
    (address) => (now.get(address)?.replace('-', ',') ?? '') !== (saved.actions.get(address) ?? ''),
  );
  if (differs.length > 0) throw stale(file, `the live resources changed (${differs.slice(0, 3).join(', ')})`);
  // A refresh-only plan records the drift it showed, and nothing else.
  if (saved.refreshOnly) {
    const seen = new Map(plan.drift.map((d) => [d.address, d.action as string]));
    const moved = [...new Set([...seen.keys(), ...saved.drift.keys()])].filter(
      (address) => seen.get(address) !== saved.drift.get(address),
    );
    if (moved.length > 0)
      throw stale(file, `the changes made outside moved on (${moved.slice(0, 3).join(', ')})`);
  }
}

/**
 * A plan made against no state is applied once: where it was applied already, the files it uploads
 * were uploaded after it was saved (with the names and sizes the plan uploads), or, when an earlier
 * version applied it (they gave the new state the plan's lineage), stores and assistants carry its
 * lineage in their stamps. Applying it again in another folder would make the whole stack a second
 * time. Throws PLAN_STALE then (pure).
 */
export function checkUnclaimedLineage(
  saved: SavedPlan,
  account: AccountView,
  file: string,
  nowSeconds: number,
): void {
  // Without the time it was saved (an edited file, or one from an earlier version) it cannot be
  // told whether it was applied already; a time to come is no time at all.
  if (saved.savedAt === undefined)
    throw stale(file, 'it records no time of saving (an earlier version made it, or it was edited)');
  if (saved.savedAt > nowSeconds + SKEW_SECONDS)
    throw stale(file, 'it claims to be saved in the future (it was edited, or the clock is wrong)');
  const stamped = [...account.vectorStores.values(), ...(account.assistants?.values() ?? [])].find(
    (item) => stampOf(item.attributes.metadata)?.lineage === saved.lineage,
  );
  if (stamped)
    throw stale(file, `${stamped.id} carries its lineage ${saved.lineage}: the plan was applied elsewhere`);
  if (saved.fileCreates.length === 0) return;
  const since = saved.savedAt - SKEW_SECONDS;
  const wanted = new Set(saved.fileCreates.map((f) => `${f.filename}\u0000${f.bytes}`));
  const uploaded = [...account.files.values()].find(
    (f) => f.createdAt >= since && wanted.has(`${f.attributes.filename}\u0000${f.attributes.bytes}`),
  );
  if (uploaded)
    throw stale(
      file,
      `"${uploaded.attributes.filename}" (${uploaded.id}), a file it uploads, was uploaded after it was saved: it was probably applied elsewhere`,
    );
}
