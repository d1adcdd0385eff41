import type OpenAI from 'openai';
import type { LiveSkill, LiveSkillVersion } from '../model/live.js';
import type { Page } from './live-view.js';

/** The most a page of `GET /skills` and of a skill's versions holds (the spec's `limit` maximum). */
export const SKILLS_PAGE_SIZE = 100;

/**
 * A skill as the planner compares it: name and description as the API shows them (those of its
 * default version's SKILL.md), and the default version. `versions` is left unset: only the refresh
 * knows whether it listed them.
 */
export function liveSkill(skill: OpenAI.Skills.Skill): LiveSkill {
  return {
    id: skill.id,
    createdAt: skill.created_at,
    attributes: {
      name: skill.name,
      description: skill.description,
      default_version: skill.default_version,
    },
    latestVersion: skill.latest_version,
  };
}

/** One version as listed: its number (a string, as the API writes it), time, name and description. */
export function liveSkillVersion(version: OpenAI.Skills.SkillVersion): LiveSkillVersion {
  return {
    id: version.id,
    version: version.version,
    createdAt: version.created_at,
    name: version.name,
    description: version.description,
  };
}

/** One newest-first page of skills. */
export async function listSkillsPage(client: OpenAI, after?: string): Promise<Page<LiveSkill>> {
  const page = await client.skills.list({
    limit: SKILLS_PAGE_SIZE,
    order: 'desc',
    ...(after ? { after } : {}),
  });
  return { data: page.data.map(liveSkill), hasMore: page.has_more };
}

/** One newest-first page of a skill's versions; `after` is the id of the last version of the page before. */
export async function listSkillVersionsPage(
  client: OpenAI,
  skillId: string,
  after?: string,
): Promise<Page<LiveSkillVersion>> {
  const page = await client.skills.versions.list(skillId, {
    limit: SKILLS_PAGE_SIZE,
    order: 'desc',
    ...(after ? { after } : {}),
  });
  return { data: page.data.map(liveSkillVersion), hasMore: page.has_more };
}
