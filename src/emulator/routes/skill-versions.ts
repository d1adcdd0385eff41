import { Readable } from 'node:stream';
import { invalidRequest } from '../api-error.js';
import type { EmulatorCore } from '../core.js';
import { cursorOf, listBody, paginate, parseListQuery, SKILLS_LIST } from '../pagination.js';
import type { SkillRecord, SkillVersionRecord } from '../records.js';
import type { Route, RouteContext } from '../router.js';
import { readSkillUpload } from '../skill-archive.js';
import { receiveSkillForm } from '../skill-upload.js';
import { checkRequest, type RequestSchema } from '../spec.js';
import { skillVersionView } from '../views.js';

/**
 * Reads, checks and stores an uploaded skill version under the next number of `skill` (which the
 * caller has not yet registered when it is new). Nothing is kept when the upload is refused.
 */
export async function receiveSkillVersion(
  ctx: RouteContext,
  schema: RequestSchema,
  skillOf: () => SkillRecord,
): Promise<{ skill: SkillRecord; version: SkillVersionRecord; makeDefault: boolean }> {
  // The spec lists a JSON body too, but JSON cannot carry the files: it gets the spec's own
  // checks (a missing `files` is named as such), then a word on how to send them.
  if (String(ctx.req.headers['content-type'] ?? '').startsWith('application/json')) {
    checkRequest(schema, await ctx.json());
    throw invalidRequest(
      "Skill files cannot be sent as JSON: upload them as multipart/form-data, as files[] parts named by their paths or as one zip file in 'files'.",
      'files',
    );
  }
  const form = await receiveSkillForm(ctx, schema === 'CreateSkillVersionBody' ? ['default'] : []);
  checkRequest(schema, form.request);
  const archive = readSkillUpload(form.parts);
  // Looked up after the upload: the skill may have gone while it arrived.
  const skill = skillOf();
  const { core } = ctx;
  const id = core.newId('skillVersion');
  await core.blobs.receive(id, Readable.from([Buffer.from(archive.zip)]));
  const version: SkillVersionRecord = {
    id,
    skillId: skill.id,
    version: skill.nextVersion,
    seq: core.nextSeq(id),
    createdAt: core.clock.nowSeconds(),
    name: archive.name,
    description: archive.description,
    bytes: archive.zip.length,
  };
  skill.nextVersion += 1;
  core.skillVersions(skill.id).set(version.version, version);
  return { skill, version, makeDefault: form.request.default === true };
}

async function createVersion(ctx: RouteContext) {
  const skillId = ctx.params.skill_id as string;
  const { skill, version, makeDefault } = await receiveSkillVersion(ctx, 'CreateSkillVersionBody', () =>
    ctx.core.skill(skillId),
  );
  if (makeDefault) skill.defaultVersion = version.version;
  return { body: skillVersionView(version) };
}

/** Versions in number order (`seq` grows with the number), paged by version id. */
function listVersions(ctx: RouteContext) {
  const skill = ctx.core.skill(ctx.params.skill_id as string);
  const query = parseListQuery(ctx.query, SKILLS_LIST);
  const { page, hasMore } = paginate(ctx.core.skillVersions(skill.id).values(), query, cursorOf(ctx.core));
  return { body: listBody(page.map(skillVersionView), hasMore) };
}

function versionOf(ctx: RouteContext): { skill: SkillRecord; version: SkillVersionRecord } {
  const skill = ctx.core.skill(ctx.params.skill_id as string);
  return { skill, version: ctx.core.skillVersion(skill, ctx.params.version as string) };
}

/**
 * The default version cannot be deleted. The spec says only "Delete a skill version"; but a skill
 * always shows a `default_version` (required in `SkillResource`), so the pointer must first move
 * to another version (`POST /skills/{id}`), the order DESIGN §3's `keep_versions` follows ("older
 * versions are deleted after a new default is set"). The API's usual answer to a request that
 * conflicts with an object's state is a 400 `invalid_request_error`; the message says what to do.
 * A skill's only version is its default, so it goes with the skill (`DELETE /skills/{id}`).
 */
async function deleteVersion(ctx: RouteContext) {
  const { skill, version } = versionOf(ctx);
  const versions = ctx.core.skillVersions(skill.id);
  if (version.version === skill.defaultVersion) {
    const advice =
      versions.size > 1
        ? `Make another version the default first (POST /v1/skills/${skill.id} with default_version).`
        : `It is the skill's only version; delete the skill instead (DELETE /v1/skills/${skill.id}).`;
    throw invalidRequest(
      `Cannot delete version '${version.version}' of skill '${skill.id}': it is the default version. ${advice}`,
      'version',
    );
  }
  versions.delete(version.version);
  await ctx.core.blobs.remove(version.id);
  return {
    body: {
      id: version.id,
      object: 'skill.version.deleted' as const,
      deleted: true,
      version: String(version.version),
    },
  };
}

async function versionContent(ctx: RouteContext) {
  return contentReply(ctx.core, versionOf(ctx).version);
}

/** A version's files as one zip (the spec's `application/zip` answer). */
export async function contentReply(core: EmulatorCore, version: SkillVersionRecord) {
  return { stream: await core.blobs.open(version.id), contentType: 'application/zip', length: version.bytes };
}

export function skillVersionRoutes(): Route[] {
  return [
    { method: 'POST', template: '/skills/{skill_id}/versions', handle: createVersion },
    { method: 'GET', template: '/skills/{skill_id}/versions', handle: listVersions },
    {
      method: 'GET',
      template: '/skills/{skill_id}/versions/{version}',
      handle: (ctx) => ({ body: skillVersionView(versionOf(ctx).version) }),
    },
    { method: 'DELETE', template: '/skills/{skill_id}/versions/{version}', handle: deleteVersion },
    { method: 'GET', template: '/skills/{skill_id}/versions/{version}/content', handle: versionContent },
  ];
}
