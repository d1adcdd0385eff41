import type { RawSkill } from '../manifest/manifest-types.js';
import { skillAddress } from '../model/address.js';
import { DEFAULT_KEEP_VERSIONS } from '../model/desired.js';
import type { LiveSkill } from '../model/live.js';
import { compareCodeUnits } from '../model/order.js';
import type { GeneratedStack, SkippedResource } from './generate-stack.js';
import { resourceKey } from './resource-keys.js';
import { claimOn, type OtherStates, skillClaims } from './skill-claims.js';

/**
 * Which skills `import --generate` adopts, and how (pure). Skills carry no stamp, so nothing on a
 * skill says which stack it is: adoption is opt-in, by name. Only with `--skill-prefix PREFIX`, and
 * only a skill whose name starts with PREFIX that no state of the stack's other workspaces claims
 * (see claimOn); without the prefix no skill is adopted, for another stack (whose states generate
 * cannot read) may manage any of them, and a later destroy would delete it. An adopted skill's
 * default version is downloaded into `skills/KEY/` beside the manifest and managed from there.
 */

/** The folder every adopted skill is written below, relative to the manifest. */
export const SKILLS_FOLDER = 'skills';

/** A skill to adopt: its manifest key, and the folder its default version is written to. */
export interface PlannedSkill {
  skill: LiveSkill;
  key: string;
  /** `skills/KEY`, relative to the manifest folder. */
  relativeFolder: string;
}

/** What writing a planned skill's folder came to (see downloadSkills). */
export type SkillWrite =
  | {
      status: 'written';
      /** skillContentHash of the files written. */
      sha256: string;
      /** Name and description as SKILL.md's front matter gives them, read as a plan will read them. */
      frontMatter: { name: string; description: string };
    }
  | { status: 'skipped'; reason: string };

/** The skills generate writes, and the skills it leaves with why. */
export interface SkillChoice {
  planned: PlannedSkill[];
  skipped: SkippedResource[];
}

/**
 * The skills to adopt, oldest first, each keyed by its name (unique among skills, as a re-run names
 * them the same way): only those whose name starts with `prefix`, not one that a state of `others`
 * claims, and only the oldest of skills that share a name, which the manifests (one skill per
 * SKILL.md name) cannot hold twice. Without a prefix none is adopted (each is listed as skipped,
 * with how to ask); when a workspace's state could not be read, none is adopted: any of them may
 * be that state's.
 */
export function chooseSkills(
  skills: ReadonlyMap<string, LiveSkill> | undefined,
  others: OtherStates,
  prefix: string | undefined,
): SkillChoice {
  const choice: SkillChoice = { planned: [], skipped: [] };
  if (prefix === undefined) {
    for (const skill of skills?.values() ?? [])
      choice.skipped.push(
        skippedSkill(
          skill,
          'not_asked',
          'skills carry no ownership stamp, so they are adopted only with --skill-prefix PREFIX (those whose name starts with it)',
        ),
      );
    return choice;
  }
  const unreadable = others.unreadable[0];
  if (unreadable) {
    const detail = `the state of workspace ${unreadable.workspace} could not be read (${unreadable.reason}), and may manage it`;
    for (const skill of skills?.values() ?? [])
      if (skill.attributes.name.startsWith(prefix))
        choice.skipped.push(skippedSkill(skill, 'held_elsewhere', detail));
    return choice;
  }
  const claims = skillClaims(others.states);
  const keys = new Set<string>();
  const names = new Map<string, string>();
  const byAge = [...(skills?.values() ?? [])].sort(
    (a, b) => a.createdAt - b.createdAt || compareCodeUnits(a.id, b.id),
  );
  for (const skill of byAge) {
    const { id } = skill;
    const { name } = skill.attributes;
    // Another stack's skill, as far as anything can tell: not listed, for it is not this one's.
    if (!name.startsWith(prefix)) continue;
    const holder = claimOn(claims, { id, name });
    const twin = names.get(name);
    if (holder !== undefined)
      choice.skipped.push(
        skippedSkill(
          skill,
          'held_elsewhere',
          claims.held.get(id) === holder ? `managed as ${holder}` : `claimed by ${holder}`,
        ),
      );
    else if (twin !== undefined)
      choice.skipped.push(
        skippedSkill(
          skill,
          'unusable',
          `${twin} is named "${name}" too, and the manifests take one skill of a name`,
        ),
      );
    else {
      names.set(name, id);
      const key = resourceKey(name, id, keys);
      choice.planned.push({ skill, key, relativeFolder: `${SKILLS_FOLDER}/${key}` });
    }
  }
  return choice;
}

/**
 * The adopted skills in the manifest and the state (what makes the next plan a no-op: the hash of
 * the files written, the live default version, the name and description the API reports), and
 * the skills whose folder could not be written among the skipped.
 */
export function addSkills(out: GeneratedStack, choice: SkillChoice, writes: ReadonlyMap<string, SkillWrite>) {
  out.skipped.push(...choice.skipped);
  const skills: Record<string, RawSkill> = {};
  for (const { skill, key, relativeFolder } of choice.planned) {
    const write = writes.get(skill.id);
    if (write?.status !== 'written') {
      out.skipped.push(skippedSkill(skill, 'unusable', write?.reason ?? 'its folder was not written'));
      continue;
    }
    const address = skillAddress(key);
    // Name and description as the manifests will read them from the SKILL.md written: plans
    // compare the content hash, not the API's own reading of the front matter.
    const { name, description } = write.frontMatter;
    const { default_version } = skill.attributes;
    skills[key] = { path: relativeFolder };
    out.resources[address] = {
      kind: 'skill',
      id: skill.id,
      attributes: {
        path: relativeFolder,
        name,
        description,
        sha256: write.sha256,
        default_version,
        keep_versions: DEFAULT_KEEP_VERSIONS,
      },
      created_at: skill.createdAt,
      dependencies: [],
      protect: false,
    };
  }
  if (Object.keys(skills).length > 0) out.manifest.skills = skills;
}

function skippedSkill(skill: LiveSkill, reason: SkippedResource['reason'], detail: string): SkippedResource {
  return { kind: 'skill', id: skill.id, name: skill.attributes.name, reason, detail };
}
