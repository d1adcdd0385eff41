import path from 'node:path';
import { AssistantsError } from '../errors/index.js';
import { skillsInRequest } from '../model/agent.js';
import type { SkillAttributes } from '../model/attributes.js';
import { isUnknown } from '../model/attributes.js';
import type { DesiredSkill } from '../model/desired.js';
import type { Change } from '../model/plan.js';
import { newestFirst, skillHashKey } from '../model/skill-content.js';
import { desiredSkillAttributes } from '../plan/kinds/skill.js';
import type { SkillUpload } from '../provider/api-writer.js';
import { allSkillVersions } from '../provider/refresh.js';
import type { StateDocument, StateResource } from '../state/state-document.js';
import type { ApplyRun } from './apply-run.js';
import { inCreateHalf } from './create-half.js';
import { withJournalEntry } from './journal.js';

/**
 * Skills: the first apply makes the skill from its folder (version 1, the default); new content
 * uploads a new version made the default; a default moved by hand is moved back. Every upload is
 * journalled, so a run killed mid-upload leaves an entry the next run settles (it adopts what was
 * made, see resolve-journal.ts) rather than a second skill or version. Versions beyond
 * `keep_versions` are pruned in the delete half, once agents pin the new version.
 */

type SkillResource = Extract<StateResource, { kind: 'skill' }>;

/** A skill's folder as the writer uploads it. */
export function skillUpload(skill: DesiredSkill): SkillUpload {
  return {
    // The folder's name as the manifests write it (a linked folder keeps its own name).
    folder: path.posix.basename(skill.relativePath),
    files: skill.files.map(({ relativePath, path, bytes }) => ({ relativePath, path, bytes })),
    name: skill.skillName,
  };
}

export async function createSkills(run: ApplyRun, changes: readonly Change[]): Promise<void> {
  const skills = new Map(run.input.desired.skills.map((skill) => [skill.address, skill]));
  const work = changes.filter((c) => inCreateHalf(c, 'skill'));
  await run.each(work, async (change) => {
    const skill = skills.get(change.address);
    if (!skill) return;
    await run.step(change, 'create', async () => {
      const sha256 = run.input.hashes.get(skillHashKey(skill.name));
      if (sha256 === undefined)
        throw new AssistantsError('INTERNAL', `${change.address}: its folder was not hashed before apply`);
      const current = run.resource(change.address) as SkillResource | undefined;
      if (!current || change.action === 'create') return makeSkill(run, change, skill, sha256);
      const after = change.after as SkillAttributes | null;
      if (!after || isUnknown(after.default_version)) {
        await uploadVersion(run, change, skill, sha256, current);
        return current.id;
      }
      await restoreDefault(run, change, skill, current, after.default_version);
      return current.id;
    });
  });
}

async function makeSkill(run: ApplyRun, change: Change, skill: DesiredSkill, sha256: string) {
  const made = await withJournalEntry(
    run.input.recorder,
    [
      {
        address: change.address,
        kind: 'skill',
        operation: 'create',
        match: { name: skill.skillName, sha256 },
      },
    ],
    () => run.input.writer.createSkill(skillUpload(skill)),
    (doc, result) => {
      doc.resources[change.address] = {
        kind: 'skill',
        id: result.id,
        attributes: desiredSkillAttributes(skill, result.sha256, result.version),
        dependencies: [],
        protect: skill.protect,
        created_at: result.createdAt,
      };
    },
  );
  warnIfChanged(run, skill, sha256, made.sha256);
  return made.id;
}

/** A new version from the folder, made the default; the state then pins it. */
async function uploadVersion(
  run: ApplyRun,
  change: Change,
  skill: DesiredSkill,
  sha256: string,
  current: SkillResource,
): Promise<void> {
  const made = await withJournalEntry(
    run.input.recorder,
    [
      {
        address: change.address,
        kind: 'skill',
        operation: 'update',
        resource_id: current.id,
        match: { name: skill.skillName, sha256 },
      },
    ],
    () =>
      run.input.writer.createSkillVersion(
        current.id,
        skillUpload(skill),
        true,
        String(current.attributes.default_version),
      ),
    (doc, result) => {
      recordVersion(doc, change, skill, current, result.sha256, result.version);
    },
  );
  warnIfChanged(run, skill, sha256, made.sha256);
}

/** The skill as it now stands: the content hash and version given, the manifests' settings. */
function recordVersion(
  doc: StateDocument,
  change: Change,
  skill: DesiredSkill,
  current: SkillResource,
  sha256: string,
  version: string,
): void {
  doc.resources[change.address] = {
    ...current,
    attributes: desiredSkillAttributes(skill, sha256, version),
    protect: skill.protect,
  };
}

/**
 * The state records the content hash of what was sent; when the folder changed after it was
 * planned, the next plan sees the difference, and the user is told now.
 */
function warnIfChanged(run: ApplyRun, skill: DesiredSkill, planned: string, sent: string): void {
  if (planned === sent) return;
  run.warnings.push({
    severity: 'warning',
    code: 'FILE_CHANGED_DURING_APPLY',
    message: `skill "${skill.name}" (${skill.relativePath}) changed after it was planned: the files uploaded are not the ones planned; the state records what was uploaded`,
    location: skill.source,
    hint: 'plan again: if the folder now holds other content than was uploaded, the plan uploads a new version',
  });
}

/**
 * The content is the recorded version's: the default is moved back to it when it was moved
 * (the plan showed the drift), and the other settings (keep_versions, the folder's path) recorded.
 */
async function restoreDefault(
  run: ApplyRun,
  change: Change,
  skill: DesiredSkill,
  current: SkillResource,
  version: string,
): Promise<void> {
  const record = (doc: StateDocument) => {
    recordVersion(doc, change, skill, current, String(current.attributes.sha256), version);
  };
  const before = change.before as SkillAttributes | null;
  if (before && before.default_version !== version)
    await withJournalEntry(
      run.input.recorder,
      [{ address: change.address, kind: 'skill', operation: 'update', resource_id: current.id }],
      () => run.input.writer.setSkillDefaultVersion(current.id, version),
      record,
    );
  else await run.input.recorder.mutate(record);
}

/**
 * Deletes skills that left the manifests (unless an agent of the state still references one), then
 * prunes the versions of the skills this run gave a new version or whose agents it re-pinned (a
 * run limited by --target may have left an old version pinned until now): the newest
 * `keep_versions` stay, and so do the default and every version an agent of the state pins (an
 * agent whose update failed still names its old one).
 */
export async function deleteSkills(run: ApplyRun, changes: readonly Change[]): Promise<void> {
  const users = skillUsers(run.state);
  await run.deleteKind(changes, 'skill', {
    code: 'SKILL_IN_USE',
    users: () => (id) => users.get(id)?.address,
  });
  const repinned = new Set(
    changes.flatMap((c) =>
      c.kind === 'agent' && inCreateHalf(c) && !run.failed.has(c.address) ? c.dependencies : [],
    ),
  );
  // A skill made this run has one version, and one left alone since its last prune no more than
  // it kept then: neither is listed (a first apply of many skills lists none).
  const touched = changes.filter(
    (c) =>
      c.kind === 'skill' &&
      ((c.action === 'update' && !run.failed.has(c.address)) ||
        (c.action === 'no-op' && repinned.has(c.address))) &&
      run.resource(c.address)?.kind === 'skill',
  );
  await run.each(touched, async (change) => {
    if (run.stopped) return;
    const resource = run.resource(change.address) as SkillResource;
    await pruneVersions(run, resource, users.get(resource.id)?.pinned ?? new Set()).catch((err: unknown) =>
      run.fail(change, err),
    );
  });
}

/**
 * For each skill id an agent of the state references: the first such agent, and the versions the
 * agents pin. One pass over the state for the whole phase.
 */
function skillUsers(doc: StateDocument): Map<string, { address: string; pinned: Set<string> }> {
  const users = new Map<string, { address: string; pinned: Set<string> }>();
  for (const [address, resource] of Object.entries(doc.resources)) {
    if (resource.kind !== 'agent') continue;
    for (const { skillId, version } of skillsInRequest(resource.attributes)) {
      const user = users.get(skillId) ?? { address, pinned: new Set<string>() };
      if (version !== undefined) user.pinned.add(version);
      users.set(skillId, user);
    }
  }
  return users;
}

/**
 * Deletes a skill's versions beyond its keep_versions, oldest first. Not journalled: a version
 * delete is idempotent, and a prune cut short is finished by the next one.
 */
async function pruneVersions(
  run: ApplyRun,
  skill: SkillResource,
  pinned: ReadonlySet<string>,
): Promise<void> {
  const listed = await run.read(() => allSkillVersions(run.input.reader, skill.id));
  if (!listed) return;
  const versions = [...new Set(listed.map((v) => v.version))].sort(newestFirst);
  const keep = new Set([...versions.slice(0, skill.attributes.keep_versions), ...pinned]);
  keep.add(String(skill.attributes.default_version));
  for (const version of versions.reverse()) {
    if (keep.has(version)) continue;
    if (run.stopped) return;
    await run.call(() => run.input.writer.deleteSkillVersion(skill.id, version));
  }
}
