import { strFromU8, unzipSync, zipSync } from 'fflate';
import type OpenAI from 'openai';
import { toFile } from 'openai';
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../helpers/emulator.js';

const fx = useEmulator();

const skillMd = (name: string, description = `Does ${name} things`) =>
  `---\nname: ${name}\ndescription: ${description}\n---\n\n# ${name}\nUse the scripts.\n`;

/**
 * A folder upload: each file a `files[]` part whose filename is its path under the skill's parent
 * folder. Built as FormData because the SDK's own form builder keeps only the last part of a file
 * name (`pdf-tools/SKILL.md` would go as `SKILL.md`); the SDK's methods send FormData unchanged.
 */
function folder(files: Record<string, string>, fields: Record<string, string> = {}): never {
  const form = new FormData();
  for (const [path, text] of Object.entries(files)) form.append('files[]', new Blob([text]), path);
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  return form as never;
}

const PDF_TOOLS = {
  'pdf-tools/SKILL.md': skillMd('pdf-tools', 'Reads and fills PDF forms'),
  'pdf-tools/scripts/fill.py': 'print("fill")\n',
  'pdf-tools/reference/forms.md': '# Forms\n',
};

async function createPdfTools(client: OpenAI) {
  return client.skills.create(folder(PDF_TOOLS));
}

/** The files of a downloaded zip, as text by path. */
async function unzipped(response: Response): Promise<Record<string, string>> {
  expect(response.headers.get('content-type')).toBe('application/zip');
  const entries = unzipSync(new Uint8Array(await response.arrayBuffer()));
  return Object.fromEntries(Object.entries(entries).map(([path, data]) => [path, strFromU8(data)]));
}

const zipOf = (files: Record<string, string>) =>
  Buffer.from(zipSync(Object.fromEntries(Object.entries(files).map(([p, t]) => [p, Buffer.from(t)]))));

describe('skills', () => {
  it('creates a skill from a folder upload, with name and description from SKILL.md', async () => {
    const { client } = fx();
    const skill = await createPdfTools(client);
    expect(skill).toMatchObject({
      object: 'skill',
      name: 'pdf-tools',
      description: 'Reads and fills PDF forms',
      default_version: '1',
      latest_version: '1',
    });
    expect(skill.id).toMatch(/^skill_[A-Za-z0-9]{24}$/);
    expect(Math.abs(skill.created_at - Date.now() / 1000)).toBeLessThan(5);
    expect(await client.skills.retrieve(skill.id)).toEqual(skill);
  });

  it('hands back the files uploaded as a zip, for the skill and for each version', async () => {
    const { client } = fx();
    const skill = await createPdfTools(client);
    expect(await unzipped(await client.skills.content.retrieve(skill.id))).toEqual(PDF_TOOLS);
    const v2files = { ...PDF_TOOLS, 'pdf-tools/SKILL.md': skillMd('pdf-tools', 'Now with signing') };
    await client.skills.versions.create(skill.id, folder(v2files));
    // The skill's content stays its default version's until the default moves.
    expect(await unzipped(await client.skills.content.retrieve(skill.id))).toEqual(PDF_TOOLS);
    const v2 = await client.skills.versions.content.retrieve('2', { skill_id: skill.id });
    expect(await unzipped(v2)).toEqual(v2files);
  });

  it('creates a skill from one zip file and hands back those very bytes', async () => {
    const { client } = fx();
    const zip = zipOf({ 'csv-tools/SKILL.md': skillMd('csv-tools'), 'csv-tools/run.sh': 'echo hi\n' });
    const skill = await client.skills.create({ files: await toFile(zip, 'csv-tools.zip') });
    expect(skill).toMatchObject({ name: 'csv-tools', description: 'Does csv-tools things' });
    const content = await client.skills.content.retrieve(skill.id);
    expect(Buffer.from(await content.arrayBuffer()).equals(zip)).toBe(true);
    // A zip sent as the one part of a files[] list is read as a zip too.
    const listed = await client.skills.create({ files: [await toFile(zip, 'bundle.zip')] });
    expect(listed.name).toBe('csv-tools');
  });

  it('numbers versions, keeps the default unless asked, and moves it on request', async () => {
    const { client } = fx();
    const skill = await createPdfTools(client);
    const v2 = await client.skills.versions.create(
      skill.id,
      folder({ 'pdf-tools/SKILL.md': skillMd('pdf-tools-2', 'Second') }),
    );
    expect(v2).toMatchObject({
      object: 'skill.version',
      skill_id: skill.id,
      version: '2',
      name: 'pdf-tools-2',
      description: 'Second',
    });
    expect(v2.id).toMatch(/^skillver_[A-Za-z0-9]{24}$/);
    expect(await client.skills.retrieve(skill.id)).toMatchObject({
      default_version: '1',
      latest_version: '2',
      name: 'pdf-tools',
    });
    const v3 = await client.skills.versions.create(
      skill.id,
      folder({ 'pdf-tools/SKILL.md': skillMd('pdf-tools-3', 'Third') }, { default: 'true' }),
    );
    expect(v3.version).toBe('3');
    // The skill shows its default version's name and description.
    expect(await client.skills.retrieve(skill.id)).toMatchObject({
      default_version: '3',
      latest_version: '3',
      name: 'pdf-tools-3',
      description: 'Third',
    });
    const moved = await client.skills.update(skill.id, { default_version: '2' });
    expect(moved).toMatchObject({ default_version: '2', latest_version: '3', name: 'pdf-tools-2' });
    await expect(
      client.skills.versions.create(skill.id, folder(PDF_TOOLS, { default: 'yes' })),
    ).rejects.toMatchObject({
      status: 400,
      error: { message: "Invalid type for 'default': expected a boolean, but got a string instead." },
    });
    await expect(client.skills.update(skill.id, {} as never)).rejects.toMatchObject({
      status: 400,
      error: { message: "Missing required parameter: 'default_version'." },
    });
    expect(await client.skills.versions.retrieve('2', { skill_id: skill.id })).toEqual(v2);
    await expect(client.skills.update(skill.id, { default_version: '9' })).rejects.toMatchObject({
      status: 404,
      error: { param: 'default_version' },
    });
  });

  it('deletes versions but never the default one, and a skill with all its versions', async () => {
    const { client } = fx();
    const skill = await createPdfTools(client);
    await expect(client.skills.versions.delete('1', { skill_id: skill.id })).rejects.toMatchObject({
      status: 400,
      error: {
        type: 'invalid_request_error',
        param: 'version',
        message: expect.stringContaining('delete the skill instead'),
      },
    });
    const v2 = await client.skills.versions.create(skill.id, folder(PDF_TOOLS));
    await expect(client.skills.versions.delete('1', { skill_id: skill.id })).rejects.toMatchObject({
      status: 400,
      error: { message: expect.stringContaining('Make another version the default first') },
    });
    expect(await client.skills.versions.delete('2', { skill_id: skill.id })).toEqual({
      id: v2.id,
      object: 'skill.version.deleted',
      deleted: true,
      version: '2',
    });
    await expect(client.skills.versions.retrieve('2', { skill_id: skill.id })).rejects.toMatchObject({
      status: 404,
    });
    // Numbers are never reused: the next version is 3, and latest falls back when the top goes.
    expect(await client.skills.retrieve(skill.id)).toMatchObject({ latest_version: '1' });
    const v3 = await client.skills.versions.create(skill.id, folder(PDF_TOOLS));
    expect(v3.version).toBe('3');

    expect(await client.skills.delete(skill.id)).toEqual({
      id: skill.id,
      object: 'skill.deleted',
      deleted: true,
    });
    await expect(client.skills.retrieve(skill.id)).rejects.toMatchObject({ status: 404 });
    await expect(client.skills.versions.list(skill.id)).rejects.toMatchObject({ status: 404 });
    expect(await fx().emulator.core.blobs.ids()).toEqual([]);
  });

  it('answers 404 for an unknown skill or version and 400 for a malformed one', async () => {
    const { client } = fx();
    const missing = 'skill_000000000000000000000000';
    for (const call of [
      () => client.skills.retrieve(missing),
      () => client.skills.delete(missing),
      () => client.skills.content.retrieve(missing),
      () => client.skills.update(missing, { default_version: '1' }),
      () => client.skills.versions.list(missing),
      () => client.skills.versions.retrieve('1', { skill_id: missing }),
    ]) {
      await expect(call()).rejects.toMatchObject({
        status: 404,
        error: { message: `No skill found with id '${missing}'.`, param: 'skill_id' },
      });
    }
    await expect(client.skills.versions.create(missing, folder(PDF_TOOLS))).rejects.toMatchObject({
      status: 404,
    });
    const skill = await createPdfTools(client);
    for (const call of [
      () => client.skills.versions.retrieve('7', { skill_id: skill.id }),
      () => client.skills.versions.delete('7', { skill_id: skill.id }),
      () => client.skills.versions.content.retrieve('7', { skill_id: skill.id }),
    ]) {
      await expect(call()).rejects.toMatchObject({
        status: 404,
        error: { message: `No version '7' found for skill '${skill.id}'.`, param: 'version' },
      });
    }
    await expect(client.skills.versions.retrieve('latest', { skill_id: skill.id })).rejects.toMatchObject({
      status: 400,
      error: { param: 'version', code: 'invalid_value' },
    });
    await expect(client.skills.retrieve('asst_123')).rejects.toMatchObject({
      status: 400,
      error: { message: "Invalid 'skill_id': 'asst_123'. Expected an ID that begins with 'skill_'." },
    });
  });

  it('refuses uploads without a readable SKILL.md, in words a person can act on', async () => {
    const { client } = fx();
    const cases: [Record<string, string>, string][] = [
      [{ 'x/README.md': 'hi' }, "The skill folder 'x' has no SKILL.md"],
      [{ 'x/SKILL.md': '# no front matter' }, 'x/SKILL.md must begin with YAML front matter'],
      [{ 'x/SKILL.md': '---\nname: [unclosed\n---\n' }, 'The front matter of x/SKILL.md is not valid YAML'],
      [
        { 'x/SKILL.md': '---\nname: x\n---\n' },
        "must set 'description' to a non-empty string; it is missing",
      ],
      [
        { 'x/SKILL.md': '---\nname: 3\ndescription: d\n---\n' },
        "must set 'name' to a non-empty string; found 3",
      ],
      [{ 'x/SKILL.md': '---\n- a\n---\n' }, 'must be a YAML mapping'],
      [{ 'SKILL.md': skillMd('loose') }, 'found files outside any folder: SKILL.md'],
      [{ 'a/SKILL.md': skillMd('a'), 'b/SKILL.md': skillMd('b') }, 'found 2 top-level folders: a, b'],
      [{ 'a/../SKILL.md': skillMd('a') }, "Invalid file path 'a/../SKILL.md'"],
    ];
    for (const [files, message] of cases) {
      await expect(client.skills.create(folder(files))).rejects.toMatchObject({
        status: 400,
        error: { type: 'invalid_request_error', param: 'files', message: expect.stringContaining(message) },
      });
    }
    await expect(
      client.skills.create({ files: await toFile(Buffer.from('not a zip'), 'broken.zip') }),
    ).rejects.toMatchObject({
      status: 400,
      error: { message: expect.stringContaining('could not be read') },
    });
    // Without files the SDK sends JSON, which the spec allows; `files` is then reported missing.
    await expect(client.skills.create({})).rejects.toMatchObject({
      status: 400,
      error: { message: "Missing required parameter: 'files'.", param: 'files' },
    });
    const json = await fx().raw('POST', '/skills', {
      body: { files: 'x.zip' },
      headers: { 'content-type': 'application/json' },
    });
    expect(json.status).toBe(400);
    expect(((await json.json()) as { error: { message: string } }).error.message).toContain(
      'upload them as multipart/form-data',
    );
    expect((await client.skills.list()).data).toEqual([]);
    expect(await fx().emulator.core.blobs.ids()).toEqual([]);
  });

  it('refuses more than 500 files, as a folder and inside a zip', async () => {
    const { client } = fx();
    const many: Record<string, string> = { 'big/SKILL.md': skillMd('big') };
    for (let i = 0; i < 500; i += 1) many[`big/data/${i}.txt`] = String(i);
    await expect(client.skills.create(folder(many))).rejects.toMatchObject({
      status: 400,
      error: { param: 'files', message: expect.stringMatching(/501/) },
    });
    await expect(client.skills.create({ files: await toFile(zipOf(many), 'big.zip') })).rejects.toMatchObject(
      {
        status: 400,
        error: {
          param: 'files',
          code: 'too_many_files',
          message: expect.stringContaining('at most 500 files'),
        },
      },
    );
    delete many['big/data/0.txt'];
    expect((await client.skills.create(folder(many))).name).toBe('big');
  });

  it('refuses a zip that would unpack past 50 MB, without unpacking it', async () => {
    const { client } = fx();
    const zip = zipSync({
      'big/SKILL.md': Buffer.from(skillMd('big')),
      'big/zeros.bin': new Uint8Array(51 * 1024 * 1024),
    });
    expect(zip.length).toBeLessThan(1024 * 1024);
    await expect(client.skills.create({ files: await toFile(zip, 'big.zip') })).rejects.toMatchObject({
      status: 400,
      error: { param: 'files', code: 'file_too_large', message: expect.stringContaining('at most 50 MB') },
    });
  });

  it('pages skills and versions with limit, order and after', async () => {
    const { client } = fx();
    const made = [];
    for (const name of ['a', 'b', 'c']) {
      made.push(await client.skills.create(folder({ [`${name}/SKILL.md`]: skillMd(name) })));
    }
    const ids = made.map((skill) => skill.id);
    // The page object keeps only data and has_more; the body itself has the ids.
    const first = (await (await client.skills.list({ limit: 2 }).asResponse()).json()) as {
      data: { id: string }[];
    };
    expect(first).toMatchObject({ object: 'list', has_more: true, first_id: ids[2], last_id: ids[1] });
    expect(first.data.map((s) => s.id)).toEqual([ids[2], ids[1]]);
    const all = [];
    for await (const skill of client.skills.list({ limit: 1, order: 'asc' })) all.push(skill.id);
    expect(all).toEqual(ids);
    const rest = await client.skills.list({ after: ids[1] as string });
    expect(rest.data.map((s) => s.id)).toEqual([ids[0]]);
    expect((await client.skills.list({ limit: 0 })).data).toEqual([]);

    const skill = made[0] as OpenAI.Skills.Skill;
    for (let i = 0; i < 3; i += 1)
      await client.skills.versions.create(skill.id, folder({ 'a/SKILL.md': skillMd('a') }));
    const versions = await client.skills.versions.list(skill.id, { order: 'asc' });
    expect(versions.data.map((v) => v.version)).toEqual(['1', '2', '3', '4']);
    const v2 = versions.data[1]?.id as string;
    const later = await client.skills.versions.list(skill.id, { after: v2, limit: 1, order: 'asc' });
    expect(later.data.map((v) => v.version)).toEqual(['3']);
    expect(later.has_more).toBe(true);
    const earlier = await client.skills.versions.list(skill.id, { after: v2 });
    expect(earlier.data.map((v) => v.version)).toEqual(['1']);
    expect(earlier.has_more).toBe(false);
    await expect(client.skills.list({ limit: 101 })).rejects.toMatchObject({
      status: 400,
      error: { param: 'limit' },
    });
  });

  it('counts skills in a rate-limit bucket of their own and carries the rate-limit headers', async () => {
    const { client, control } = fx();
    // 120 a minute: a bucket of two requests (one second's share).
    await control('config', { rate_limit_per_min: 120 });
    const skill = await createPdfTools(client);
    const { response } = await client.skills.retrieve(skill.id).withResponse();
    expect(response.headers.get('x-ratelimit-limit-requests')).toBe('120');
    await expect(client.skills.list()).rejects.toMatchObject({ status: 429 });
    // Files are another family: their bucket is still full.
    expect((await client.files.list()).data).toEqual([]);
    const stats = await control('stats');
    expect((stats.requests as Record<string, number>)['GET /v1/skills/{skill_id}']).toBe(1);
  });

  it('injects faults into skill requests like any other', async () => {
    const { client, control } = fx();
    await control('config', { fault_rate: 1, seed: 3 });
    await expect(client.skills.list()).rejects.toThrow();
    await control('config', { fault_rate: 0 });
    const { statuses } = (await control('stats')) as { statuses: Record<string, number> };
    expect(statuses['500'] ?? statuses['503'] ?? statuses.dropped).toBe(1);
    expect((await client.skills.list()).data).toEqual([]);
  });
});
