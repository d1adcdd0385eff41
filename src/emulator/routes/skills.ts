import { cursorOf, listBody, paginate, parseListQuery, SKILLS_LIST } from '../pagination.js';
import type { SkillRecord } from '../records.js';
import type { Route, RouteContext } from '../router.js';
import { checkRequest } from '../spec.js';
import { skillView } from '../views.js';
import { contentReply, receiveSkillVersion } from './skill-versions.js';

/** A new skill is its first version: default and latest are both 1. */
async function createSkill(ctx: RouteContext) {
  const { core } = ctx;
  const pending: SkillRecord = { id: '', seq: 0, createdAt: 0, defaultVersion: 1, nextVersion: 1 };
  const { skill } = await receiveSkillVersion(ctx, 'CreateSkillBody', () => {
    // Ids and order are taken only once the upload is accepted, so a refused one leaves no gap.
    pending.id = core.newId('skill');
    pending.seq = core.nextSeq(pending.id);
    pending.createdAt = core.clock.nowSeconds();
    return pending;
  });
  core.data.skills.set(skill.id, skill);
  return { body: skillView(core, skill) };
}

function listSkills(ctx: RouteContext) {
  const query = parseListQuery(ctx.query, SKILLS_LIST);
  const { page, hasMore } = paginate(ctx.core.data.skills.values(), query, cursorOf(ctx.core));
  return {
    body: listBody(
      page.map((skill) => skillView(ctx.core, skill)),
      hasMore,
    ),
  };
}

/** Moves the default pointer; the version named must exist. */
async function setDefaultVersion(ctx: RouteContext) {
  const skill = ctx.core.skill(ctx.params.skill_id as string);
  const body = await ctx.json();
  checkRequest('SetDefaultSkillVersionBody', body);
  const version = ctx.core.skillVersion(skill, body.default_version as string, 'default_version');
  skill.defaultVersion = version.version;
  return { body: skillView(ctx.core, skill) };
}

async function deleteSkill(ctx: RouteContext) {
  const skill = ctx.core.skill(ctx.params.skill_id as string);
  await ctx.core.deleteSkill(skill);
  return { body: { id: skill.id, object: 'skill.deleted' as const, deleted: true } };
}

/** `/content` is the default version's zip. */
async function skillContent(ctx: RouteContext) {
  const skill = ctx.core.skill(ctx.params.skill_id as string);
  return contentReply(ctx.core, ctx.core.skillVersion(skill, String(skill.defaultVersion)));
}

export function skillRoutes(): Route[] {
  return [
    { method: 'POST', template: '/skills', handle: createSkill },
    { method: 'GET', template: '/skills', handle: listSkills },
    {
      method: 'GET',
      template: '/skills/{skill_id}',
      handle: (ctx) => ({ body: skillView(ctx.core, ctx.core.skill(ctx.params.skill_id as string)) }),
    },
    { method: 'POST', template: '/skills/{skill_id}', handle: setDefaultVersion },
    { method: 'DELETE', template: '/skills/{skill_id}', handle: deleteSkill },
    { method: 'GET', template: '/skills/{skill_id}/content', handle: skillContent },
  ];
}
