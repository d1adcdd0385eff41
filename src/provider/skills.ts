import type OpenAI from 'openai';
import { AssistantsError } from '../errors/index.js';
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

/**
 * The cursors of skill-version lists. The API pages versions by the version object's `id`, which
 * LiveSkillVersion does not carry (what a caller holds of a page is version numbers), so the reader
 * hands out version numbers as cursors and turns them back into ids here: each page's last id is
 * remembered as the page is read. Keys are `skillId` NUL `version`; one entry per page read.
 */
export class SkillVersionCursors {
  private readonly ids = new Map<string, string>();

  /** Remembers the cursor of a page's last version. */
  remember(skillId: string, version: OpenAI.Skills.SkillVersion | undefined): void {
    if (version) this.ids.set(`${skillId}\u0000${version.version}`, version.id);
  }

  /**
   * The version object id to send as `after` for the page after version `after`. Only cursors this
   * reader handed out are known: a walk goes page by page through one reader.
   */
  idOf(skillId: string, after: string): string {
    const known = this.ids.get(`${skillId}\u0000${after}`);
    if (known === undefined)
      throw new AssistantsError(
        'INTERNAL',
        `version ${after} of skill ${skillId} is not the last of a page this reader read: it cannot be a cursor`,
        { kind: 'internal' },
      );
    return known;
  }
}

/**
 * One newest-first page of a skill's versions; `after` is the `version` of the last item of the
 * page before (see SkillVersionCursors).
 */
export async function listSkillVersionsPage(
  client: OpenAI,
  cursors: SkillVersionCursors,
  skillId: string,
  after?: string,
): Promise<Page<LiveSkillVersion>> {
  const cursor = after === undefined ? undefined : cursors.idOf(skillId, after);
  const page = await client.skills.versions.list(skillId, {
    limit: SKILLS_PAGE_SIZE,
    order: 'desc',
    ...(cursor ? { after: cursor } : {}),
  });
  cursors.remember(skillId, page.data.at(-1));
  return { data: page.data.map(liveSkillVersion), hasMore: page.has_more };
}
