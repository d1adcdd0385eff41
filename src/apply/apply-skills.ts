import path from 'node:path';
import { AssistantsError } from '../errors/index.js';
import { skillVersionsInRequest } from '../model/agent.js';
import type { SkillAttributes } from '../model/attributes.js';
import { isUnknown } from '../model/attributes.js';
import type { DesiredSkill } from '../model/desired.js';
import type { Change } from '../model/plan.js';
import { skillHashKey } from '../model/skill-content.js';
import { desiredSkillAttributes } from '../plan/kinds/skill.js';
import type { SkillUpload } from '../provider/api-writer.js';
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
    folder: path.basename(skill.path),
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
        attributes: desiredSkillAttributes(skill, sha256, result.version),
        dependencies: [],
        protect: skill.protect,
      };
    },
  );
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
  await withJournalEntry(
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
      doc.resources[change.address] = {
        ...current,
        attributes: desiredSkillAttributes(skill, sha256, result.version),
        protect: skill.protect,
      };
    },
  );
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
    doc.resources[change.address] = {
      ...current,
      attributes: desiredSkillAttributes(skill, String(current.attributes.sha256), version),
      protect: skill.protect,
    };
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
 * Deletes skills that left the manifests (unless an agent of the state still pins one), then
 * prunes the versions of the skills this run changed: the newest `keep_versions` stay, and so do
 * the default and every version an agent of the state pins (an agent whose update failed still
 * names its old one).
 */
export async function deleteSkills(run: ApplyRun, changes: readonly Change[]): Promise<void> {
  await run.deleteKind(changes, 'skill', { code: 'SKILL_IN_USE', users: skillUsers });
  const touched = changes.filter(
    (c) =>
      inCreateHalf(c, 'skill') && !run.failed.has(c.address) && run.resource(c.address)?.kind === 'skill',
  );
  const pinned = pinnedVersions(run.state);
  await run.each(touched, async (change) => {
    if (run.stopped) return;
    const resource = run.resource(change.address) as SkillResource;
    await pruneVersions(run, resource, pinned.get(resource.id) ?? new Set()).catch((err: unknown) =>
      run.fail(change, err),
    );
  });
}

/** Which agent pins each skill id, as the state says. */
function skillUsers(doc: StateDocument): (id: string) => string | undefined {
  const users = new Map<string, string>();
  for (const [address, resource] of Object.entries(doc.resources))
    if (resource.kind === 'agent')
      for (const { skillId } of skillVersionsInRequest(resource.attributes))
        if (!users.has(skillId)) users.set(skillId, address);
  return (id) => users.get(id);
}

/** The versions agents of the state pin, by skill id. */
function pinnedVersions(doc: StateDocument): Map<string, Set<string>> {
  const pinned = new Map<string, Set<string>>();
  for (const resource of Object.values(doc.resources))
    if (resource.kind === 'agent')
      for (const { skillId, version } of skillVersionsInRequest(resource.attributes)) {
        const set = pinned.get(skillId) ?? new Set<string>();
        set.add(version);
        pinned.set(skillId, set);
      }
  return pinned;
}

/**
 * Deletes a skill's versions beyond its keep_versions, oldest first. Not journalled: a version
 * delete is idempotent, and a prune cut short is finished by the next one (the next new version).
 */
async function pruneVersions(
  run: ApplyRun,
  skill: SkillResource,
  pinned: ReadonlySet<string>,
): Promise<void> {
  const versions: string[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await run.read(() => run.input.reader.listSkillVersions(skill.id, after));
    if (!page) return;
    for (const item of page.data) versions.push(item.version);
    const last = page.data.at(-1);
    if (!page.hasMore || !last) break;
    after = last.id;
  }
  const newestFirst = [...new Set(versions)].sort((a, b) => Number(b) - Number(a));
  const keep = new Set([...newestFirst.slice(0, skill.attributes.keep_versions), ...pinned]);
  keep.add(String(skill.attributes.default_version));
  for (const version of newestFirst.reverse()) {
    if (keep.has(version)) continue;
    if (run.stopped) return;
    await run.call(() => run.input.writer.deleteSkillVersion(skill.id, version));
  }
}
