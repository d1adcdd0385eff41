import type OpenAI from 'openai';
import type { ApiWriter, SkillUpload } from './api-writer.js';
import { skillForm } from './skill-form.js';
import { createOnce, NO_SDK_RETRIES, send, sendDelete, type WriterContext } from './writer-retry.js';

type SkillWriter = Pick<
  ApiWriter,
  'createSkill' | 'createSkillVersion' | 'setSkillDefaultVersion' | 'deleteSkillVersion' | 'deleteSkill'
>;

/**
 * Skills and their versions. Uploads are multipart bodies built by skillForm (paths kept). Neither
 * a skill nor a version is ever made twice: a create whose answer was lost is looked for before it
 * is sent again (see createOnce), a skill by its front-matter name among the skills made since the
 * call started, a version by that name among the skill's versions made since then; what another
 * call of this writer was answered with is never taken. Deletes of what is already gone succeed.
 */
export function skillWriter(ctx: WriterContext): SkillWriter {
  const { client } = ctx.api;
  const setDefault = async (skillId: string, version: string) => {
    await send(ctx, { method: 'POST', path: `/skills/${skillId}` }, () =>
      client.skills.update(skillId, { default_version: version }, NO_SDK_RETRIES),
    );
  };
  return {
    async createSkill(upload) {
      // Every skill the create answered with or the lookup read, by id: what is handed back comes from here.
      const seen = new Map<string, OpenAI.Skills.Skill>();
      // The content hash of the last body sent (each attempt reads the files again).
      let sent = '';
      const made = await createOnce(
        ctx,
        { method: 'POST', path: '/skills' },
        async () => {
          const body = await skillForm(upload);
          sent = body.sha256;
          const skill = await client.skills.create(body.form as never, NO_SDK_RETRIES);
          seen.set(skill.id, skill);
          return { id: skill.id, createdAt: skill.created_at };
        },
        {
          // Same-named uploads run one at a time, so one's lookup never takes what another is about to be answered with.
          key: `skill\u0000${upload.name}`,
          operation: { method: 'GET', path: '/skills' },
          list: async (after, limit) => {
            const page = await client.skills.list(
              { order: 'desc', limit, ...(after ? { after } : {}) },
              NO_SDK_RETRIES,
            );
            for (const skill of page.data) seen.set(skill.id, skill);
            return page;
          },
          // A new skill shows its only version's name: that of the upload's SKILL.md.
          matches: (skill) => skill.name === upload.name,
          withTime: true,
        },
      );
      const skill = seen.get(made.id);
      // A new skill's one version is its default; the API numbers it "1".
      const version = skill?.default_version ?? '1';
      // Its first version is this call's too: a version upload to the skill right after (within
      // the lookup's slack) must not take it for its own lost one.
      ctx.claimed.add(versionClaim(made.id, version));
      return {
        id: made.id,
        createdAt: made.createdAt ?? skill?.created_at ?? Math.floor(ctx.now() / 1000),
        version,
        sha256: sent,
      };
    },

    async createSkillVersion(skillId, upload, makeDefault, newerThan) {
      const made = await createVersionOnce(ctx, skillId, upload, makeDefault, newerThan);
      // The version was found again after its answer was lost: whether the lost attempt moved the
      // default cannot be told from the version, and setting it again is harmless (and costs no
      // more than reading the skill to check).
      if (made.recovered && makeDefault) await setDefault(skillId, made.version);
      return { version: made.version, sha256: made.sha256 };
    },

    setSkillDefaultVersion: setDefault,

    deleteSkillVersion: (skillId, version) =>
      sendDelete(ctx, { method: 'DELETE', path: `/skills/${skillId}/versions/${version}` }, () =>
        client.skills.versions.delete(version, { skill_id: skillId }, NO_SDK_RETRIES),
      ),

    deleteSkill: (id) =>
      sendDelete(ctx, { method: 'DELETE', path: `/skills/${id}` }, () =>
        client.skills.delete(id, NO_SDK_RETRIES),
      ),
  };
}

/**
 * How a version is claimed in the writer's claimed ids (see createOnce): `skillId@version`, which
 * no API id looks like.
 */
function versionClaim(skillId: string, version: string): string {
  return `${skillId}@${version}`;
}

/** A listed version as createOnce matches it: `id` is its claim key (versionClaim). */
interface ClaimableVersion {
  id: string;
  created_at: number;
  name: string;
}

/**
 * Uploads one version, never twice. Versions are claimed as `skillId@version` (the writer's claimed
 * set holds those for versions), so two uploads to one skill never hand back the same version;
 * they run one at a time per skill. The lookup lists the skill's versions newest first, turning
 * claim keys back into the API's cursors (version object ids).
 */
async function createVersionOnce(
  ctx: WriterContext,
  skillId: string,
  upload: SkillUpload,
  makeDefault: boolean,
  newerThan: string | undefined,
): Promise<{ version: string; recovered: boolean; sha256: string }> {
  const versions = ctx.api.client.skills.versions;
  const claim = (version: string) => versionClaim(skillId, version);
  const cursors = new Map<string, string>();
  let answered = false;
  let sent = '';
  const made = await createOnce<ClaimableVersion>(
    ctx,
    { method: 'POST', path: `/skills/${skillId}/versions` },
    async () => {
      const body = await skillForm(upload, makeDefault);
      sent = body.sha256;
      const version = await versions.create(skillId, body.form as never, NO_SDK_RETRIES);
      answered = true;
      return { id: claim(version.version) };
    },
    {
      key: `skill_version\u0000${skillId}`,
      operation: { method: 'GET', path: `/skills/${skillId}/versions` },
      list: async (after, limit) => {
        const cursor = after === undefined ? undefined : cursors.get(after);
        const page = await versions.list(
          skillId,
          { order: 'desc', limit, ...(cursor ? { after: cursor } : {}) },
          NO_SDK_RETRIES,
        );
        const data = page.data.map((version) => {
          cursors.set(claim(version.version), version.id);
          return { id: claim(version.version), created_at: version.created_at, name: version.name };
        });
        return { data, has_more: page.has_more };
      },
      // A version shows the name of its own SKILL.md; one no newer than the version the caller
      // knows (made by the run before, within the lookup's slack) is not this call's.
      matches: (version) =>
        version.name === upload.name &&
        (newerThan === undefined || Number(version.id.slice(skillId.length + 1)) > Number(newerThan)),
    },
  );
  return { version: made.id.slice(skillId.length + 1), recovered: !answered, sha256: sent };
}
