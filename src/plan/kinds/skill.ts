import type { SkillAttributes, Unknown } from '../../model/attributes.js';
import { UNKNOWN } from '../../model/attributes.js';
import type { DesiredSkill } from '../../model/desired.js';
import { skillHashKey } from '../../model/skill-content.js';
import { overlaid } from '../observation.js';
import {
  type Decision,
  declaredAt,
  NO_OP,
  type PlanKind,
  type StateResourceOf,
  UNKNOWN_SHA256,
  UPDATE,
  type WantedOf,
  wantedEntry,
} from './wanted.js';

/**
 * Skills for the planner. A skill's versions are immutable, so new content is a new version of the
 * same skill (an update: the id is kept), made the default; `default_version` is then known after
 * apply. Its name and description come from SKILL.md, so they change only with the content.
 */

/** The skill's attributes: its content hash, and the version it has when that content is the recorded one. */
export function desiredSkillAttributes(
  skill: DesiredSkill,
  sha256: string | Unknown,
  version: string | Unknown,
): SkillAttributes {
  return {
    path: skill.relativePath,
    name: skill.skillName,
    description: skill.description,
    sha256,
    default_version: version,
    keep_versions: skill.keepVersions,
  };
}

/**
 * New content, or a default version that is gone, needs a new version; a default moved by hand
 * to a version that still exists is moved back; a new keep_versions prunes. A folder moved with
 * the same content is no call (the state records the new path).
 */
function decideSkill(
  changed: readonly string[],
  recorded: StateResourceOf<'skill'>,
  after: SkillAttributes,
  versions: readonly string[] | undefined,
): Decision {
  const fresh: SkillAttributes = { ...after, default_version: UNKNOWN };
  // The front matter is in the hash: its name and description change only with it.
  if (changed.includes('sha256'))
    return { action: 'update', reason: 'new_version', replacePaths: [], after: fresh };
  const version = recorded.attributes.default_version;
  if (versions !== undefined && typeof version === 'string' && !versions.includes(version))
    return { action: 'update', reason: 'version_deleted', replacePaths: [], after: fresh };
  if (changed.includes('default_version') || changed.includes('keep_versions')) return UPDATE;
  return NO_OP;
}

const wantedSkills: WantedOf = ({ desired, hashes, resourceAt }) =>
  desired.skills.map((skill) => {
    const sha256 = hashes.get(skillHashKey(skill.name)) ?? UNKNOWN;
    const recorded = resourceAt(skill.address);
    // The recorded version stands while the content is the one it was uploaded from.
    const same = recorded?.kind === 'skill' && sha256 !== UNKNOWN && recorded.attributes.sha256 === sha256;
    const version = same ? recorded.attributes.default_version : UNKNOWN;
    const after = desiredSkillAttributes(skill, sha256, version);
    const wanted = wantedEntry(skill, 'skill', [], after, (_before, changed, seen, resource) =>
      decideSkill(
        changed,
        resource as StateResourceOf<'skill'>,
        after,
        seen.status === 'present' ? seen.versions : undefined,
      ),
    );
    // Made again (deleted outside), it starts at a version the API numbers.
    wanted.createdAfter = { ...after, default_version: UNKNOWN };
    return wanted;
  });

export const SKILL_PLAN: PlanKind<'skill'> = {
  wanted: wantedSkills,
  observe(resource, live) {
    if (!live.skills) return { status: 'assumed', attributes: resource.attributes };
    const skill = live.skills.get(resource.id);
    // Only the default is compared (see REPORTED_ATTRIBUTES): name and description are the API's
    // reading of SKILL.md, which changes only with the content.
    const seen = overlaid(resource, skill && { default_version: skill.attributes.default_version });
    if (seen.status === 'present' && skill?.versions) seen.versions = skill.versions;
    return seen;
  },
  // Skills carry no stamp: the state's record of the id is the ownership, and the creation time
  // it recorded tells the skill it made from another behind an edited id. (Not the name: that of
  // the default version, it changes with SKILL.md, and a lost upload can change it unseen.)
  ownership(address, resource, _state, view) {
    const found = view.skills?.get(resource.id);
    if (!found) return undefined;
    const recorded = resource.created_at;
    const same =
      recorded === undefined
        ? found.attributes.name === resource.attributes.name
        : found.createdAt === recorded;
    if (same) return undefined;
    const what =
      recorded === undefined
        ? `is "${found.attributes.name}", not "${resource.attributes.name}"`
        : `was made at ${found.createdAt}, not at ${recorded} as recorded`;
    return { code: 'OWNED_ELSEWHERE', message: `${address} records ${resource.id}, but that skill ${what}` };
  },
  // The live default's content, as import downloaded and hashed it (live.defaultContent), is
  // compared with the local folder's: the same, and the state takes the live version as the one
  // uploaded from this folder; otherwise it records a hash no content has, so the next plan
  // uploads the folder as a new version (as a file whose bytes are not the local file's is replaced).
  imported(address, live, desired, hashes) {
    const skill = declaredAt(desired.skills, address);
    const local = hashes.get(skillHashKey(skill.name));
    const content = live.defaultContent;
    const liveHash = content && 'sha256' in content ? content.sha256 : undefined;
    const same = local !== undefined && liveHash === local;
    const version = live.attributes.default_version;
    const attributes = desiredSkillAttributes(skill, same ? local : UNKNOWN_SHA256, version);
    // The creation time is what tells this skill from another behind the same id (see ownership).
    const resource = {
      kind: 'skill' as const,
      id: live.id,
      attributes,
      dependencies: [],
      protect: skill.protect,
      created_at: live.createdAt,
    };
    const shown = `${live.id} (version ${String(version)})`;
    const why =
      content === undefined
        ? `the content of ${shown} was not read`
        : 'problem' in content
          ? `the content of ${shown} does not read as a skill's folder (${content.problem})`
          : `the content of ${shown} differs from ${skill.relativePath}`;
    const notes = same ? [] : [`${why}: the next plan uploads ${skill.relativePath} as a new version of it`];
    return { resource, notes };
  },
};
