import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { strFromU8, unzipSync } from 'fflate';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssistantsError } from '../../src/errors/index.js';
import type { RefreshRequest } from '../../src/model/live.js';
import { skillContentHash } from '../../src/model/skill-content.js';
import { type ApiClient, createApiClient } from '../../src/provider/api-client.js';
import type { SkillUpload } from '../../src/provider/api-writer.js';
import { readAccount, refresh } from '../../src/provider/refresh.js';
import { retrieveResource } from '../../src/provider/retrieve.js';
import { sdkReader } from '../../src/provider/sdk-reader.js';
import { type SdkWriterOptions, sdkWriter } from '../../src/provider/sdk-writer.js';
import { mapLimit } from '../../src/util/concurrency.js';
import { type EmulatorFixture, useEmulator } from '../helpers/emulator.js';

const KEY = 'sk-emulator-test';
const fx = useEmulator();

let root: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'assistants-iac-skills-provider-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const skillMd = (name: string, description = `Does ${name} things`) =>
  `---\nname: ${name}\ndescription: ${description}\n---\n\n# ${name}\nUse the scripts.\n`;

let folders = 0;

/**
 * Writes `files` (relative path → text) under a new folder named `folder` and describes it as the
 * writer uploads it; SKILL.md's front matter names the skill `name`.
 */
async function skillFolder(
  folder: string,
  name: string,
  files: Record<string, string> = {},
  description?: string,
): Promise<SkillUpload> {
  const dir = path.join(root, String(folders++), folder);
  const all: Record<string, string> = { 'SKILL.md': skillMd(name, description), ...files };
  const entries = [];
  for (const [relativePath, text] of Object.entries(all)) {
    const file = path.join(dir, relativePath);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text);
    entries.push({ relativePath, path: file, bytes: Buffer.byteLength(text) });
  }
  entries.sort((a, b) => (a.relativePath < b.relativePath ? -1 : 1));
  return { folder, files: entries, name };
}

const NESTED = {
  'scripts/fill.py': 'print("fill")\n',
  'scripts/lib/util.py': 'def util():\n    return 1\n',
  'reference/forms.md': '# Forms\n',
};

/** The content hash of a version as the server stores it: its zip's files, under the top folder. */
async function storedHash(fixture: EmulatorFixture, skillId: string, version: string): Promise<string> {
  const response = await fixture.client.skills.versions.content.retrieve(version, { skill_id: skillId });
  const entries = unzipSync(new Uint8Array(await response.arrayBuffer()));
  return skillContentHash(
    Object.entries(entries)
      .filter(([name]) => !name.endsWith('/'))
      .map(([name, bytes]) => ({
        relativePath: name.slice(name.indexOf('/') + 1),
        sha256: createHash('sha256').update(bytes).digest('hex'),
      })),
  );
}

function apiFor(fixture: EmulatorFixture): ApiClient {
  return createApiClient({ baseUrl: fixture.emulator.url, env: { OPENAI_API_KEY: KEY } });
}

/** An ApiClient whose every request goes through `fetch` (for dropping answers on purpose). */
function apiWithFetch(fixture: EmulatorFixture, fetch: typeof globalThis.fetch): ApiClient {
  const client = new OpenAI({ apiKey: KEY, baseURL: fixture.emulator.url, maxRetries: 0, fetch });
  return { client, endpoint: fixture.emulator.url, apiKey: KEY };
}

/** No real waits between attempts. */
const FAST: SdkWriterOptions = { sleep: async () => {} };

async function unzipStream(stream: ReadableStream<Uint8Array>): Promise<Record<string, string>> {
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  return Object.fromEntries(Object.entries(unzipSync(bytes)).map(([p, data]) => [p, strFromU8(data)]));
}

async function requestCounts(fixture: EmulatorFixture): Promise<Record<string, number>> {
  return (await fixture.control('stats')).requests as Record<string, number>;
}

/** What each request key gained between two stats reads. */
function gained(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const diff: Record<string, number> = {};
  for (const [key, count] of Object.entries(after)) {
    const more = count - (before[key] ?? 0);
    if (more > 0) diff[key] = more;
  }
  return diff;
}

const noSkills = (): RefreshRequest => ({
  fileIds: new Set(),
  vectorStoreIds: new Set(),
  assistantIds: new Set(),
  probeAssistants: false,
});

describe('skills writer: uploads keep their paths', () => {
  it('createSkill uploads a nested folder; the content zip holds FOLDER/RELATIVE_PATH entries', async () => {
    const api = apiFor(fx());
    const upload = await skillFolder('pdf-tools', 'pdf-tools', NESTED, 'Reads and fills PDF forms');
    const made = await sdkWriter(api).createSkill(upload);

    expect(made.id).toMatch(/^skill_/);
    expect(made.version).toBe('1');
    expect(Math.abs(made.createdAt - Date.now() / 1000)).toBeLessThan(5);
    const expected = {
      'pdf-tools/SKILL.md': skillMd('pdf-tools', 'Reads and fills PDF forms'),
      'pdf-tools/reference/forms.md': NESTED['reference/forms.md'],
      'pdf-tools/scripts/fill.py': NESTED['scripts/fill.py'],
      'pdf-tools/scripts/lib/util.py': NESTED['scripts/lib/util.py'],
    };
    const reader = sdkReader(api);
    expect(await unzipStream(await reader.downloadSkillContent(made.id))).toEqual(expected);
    expect(await unzipStream(await reader.downloadSkillContent(made.id, '1'))).toEqual(expected);
    const live = await retrieveResource(api, 'skill', made.id);
    expect(live).toEqual({
      kind: 'skill',
      live: {
        id: made.id,
        createdAt: made.createdAt,
        attributes: { name: 'pdf-tools', description: 'Reads and fills PDF forms', default_version: '1' },
        latestVersion: '1',
      },
    });
  });

  it('a file that cannot be read is FILE_NOT_FOUND, and nothing is sent', async () => {
    const fixture = fx();
    const upload = await skillFolder('broken', 'broken');
    const missing = {
      ...upload,
      files: [...upload.files, { relativePath: 'gone.py', path: path.join(root, 'nope.py'), bytes: 1 }],
    };
    const before = await requestCounts(fixture);
    await expect(sdkWriter(apiFor(fixture)).createSkill(missing)).rejects.toMatchObject({
      code: 'FILE_NOT_FOUND',
    });
    expect(gained(before, await requestCounts(fixture))).toEqual({});
  });
});

describe('skills writer: versions, default, deletes', () => {
  it('a version made default moves the default; one made without leaves it; versions list newest first', async () => {
    const api = apiFor(fx());
    const writer = sdkWriter(api);
    const reader = sdkReader(api);
    const skill = await writer.createSkill(await skillFolder('kit', 'kit', NESTED));

    const second = await writer.createSkillVersion(
      skill.id,
      await skillFolder('kit', 'kit', { 'v2.py': '2\n' }),
      true,
    );
    // The hash handed back is that of the files the server stored.
    expect(second).toEqual({ version: '2', sha256: await storedHash(fx(), skill.id, '2') });
    expect((await api.client.skills.retrieve(skill.id)).default_version).toBe('2');
    expect(
      await writer.createSkillVersion(skill.id, await skillFolder('kit', 'kit', { 'v3.py': '3\n' }), false),
    ).toEqual({ version: '3', sha256: await storedHash(fx(), skill.id, '3') });
    const live = await api.client.skills.retrieve(skill.id);
    expect(live).toMatchObject({ default_version: '2', latest_version: '3' });

    const page = await reader.listSkillVersions(skill.id);
    expect(page?.hasMore).toBe(false);
    expect(page?.data.map((v) => v.version)).toEqual(['3', '2', '1']);
    expect(page?.data[0]).toEqual({
      id: expect.stringMatching(/^skillver_/),
      version: '3',
      createdAt: expect.any(Number),
      name: 'kit',
      description: 'Does kit things',
    });
    // Version 2's content is its own folder, paths kept.
    expect(Object.keys(await unzipStream(await reader.downloadSkillContent(skill.id, '2'))).sort()).toEqual([
      'kit/SKILL.md',
      'kit/v2.py',
    ]);
  });

  it('sets the default; deletes a version; the default version is refused with an error naming the call', async () => {
    const api = apiFor(fx());
    const writer = sdkWriter(api, FAST);
    const skill = await writer.createSkill(await skillFolder('kit', 'kit'));
    await writer.createSkillVersion(skill.id, await skillFolder('kit', 'kit'), false);
    await writer.createSkillVersion(skill.id, await skillFolder('kit', 'kit'), false);

    await writer.setSkillDefaultVersion(skill.id, '3');
    expect((await api.client.skills.retrieve(skill.id)).default_version).toBe('3');
    await writer.deleteSkillVersion(skill.id, '1');
    const refused = await writer.deleteSkillVersion(skill.id, '3').then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(AssistantsError);
    expect(refused).toMatchObject({ code: 'API_ERROR', outcomeUnknown: false });
    const message = (refused as AssistantsError).message;
    expect(message).toContain(`DELETE /skills/${skill.id}/versions/3 failed with 400`);
    expect(message).toContain('it is the default version');
    expect(message).not.toContain(KEY);
    const left = await api.client.skills.versions.list(skill.id);
    expect(left.data.map((v) => v.version)).toEqual(['3', '2']);

    // Gone already: done.
    await writer.deleteSkillVersion(skill.id, '1');
    // A default that names no version is the API's 404 on default_version.
    await expect(writer.setSkillDefaultVersion(skill.id, '9')).rejects.toMatchObject({
      code: 'API_ERROR',
      message: expect.stringContaining(`POST /skills/${skill.id} failed with 404`),
    });
  });

  it('deleteSkill deletes a skill with every version; a missing skill or version deletes fine', async () => {
    const api = apiFor(fx());
    const writer = sdkWriter(api);
    const skill = await writer.createSkill(await skillFolder('kit', 'kit'));
    await writer.createSkillVersion(skill.id, await skillFolder('kit', 'kit'), true);

    await writer.deleteSkill(skill.id);
    expect((await api.client.skills.list()).data).toEqual([]);
    await writer.deleteSkill(skill.id);
    await writer.deleteSkillVersion(skill.id, '1');
    await writer.deleteSkill('skill_000000000000000000000000');
    expect(await sdkReader(api).listSkillVersions(skill.id)).toBeUndefined();
    await expect(retrieveResource(api, 'skill', skill.id)).rejects.toMatchObject({
      code: 'API_ERROR',
      message: expect.stringContaining(`GET /skills/${skill.id} failed with 404`),
    });
  });
});

describe('skills refresh', () => {
  it('reads the wanted skills from the list; lists versions only of the skill whose default moved', async () => {
    const fixture = fx();
    const api = apiFor(fixture);
    const writer = sdkWriter(api);
    const steady = await writer.createSkill(await skillFolder('steady', 'steady'));
    const moved = await writer.createSkill(await skillFolder('moved', 'moved'));
    const other = await writer.createSkill(await skillFolder('other', 'other'));
    const gone = await writer.createSkill(await skillFolder('gone', 'gone'));
    await writer.createSkillVersion(moved.id, await skillFolder('moved', 'moved', { 'new.py': '\n' }), true);
    await writer.createSkillVersion(steady.id, await skillFolder('steady', 'steady'), false);
    await writer.deleteSkill(gone.id);

    const before = await requestCounts(fixture);
    const view = await refresh(sdkReader(api), {
      ...noSkills(),
      skills: new Map([
        [steady.id, '1'],
        [moved.id, '1'],
        [gone.id, '1'],
      ]),
    });

    expect(gained(before, await requestCounts(fixture))).toEqual({
      'GET /v1/skills': 1,
      'GET /v1/skills/{skill_id}/versions': 1,
    });
    expect([...(view.skills?.keys() ?? [])].sort()).toEqual([steady.id, moved.id].sort());
    expect(view.skills?.has(other.id)).toBe(false);
    expect(view.skills?.get(steady.id)).toEqual({
      id: steady.id,
      createdAt: steady.createdAt,
      attributes: { name: 'steady', description: 'Does steady things', default_version: '1' },
      latestVersion: '2',
    });
    expect(view.skills?.get(moved.id)).toMatchObject({
      attributes: { default_version: '2' },
      latestVersion: '2',
      versions: ['2', '1'],
    });
  });

  it('reads no skill at all when the state holds none', async () => {
    const fixture = fx();
    await sdkWriter(apiFor(fixture)).createSkill(await skillFolder('idle', 'idle'));
    const before = await requestCounts(fixture);
    const view = await refresh(sdkReader(apiFor(fixture)), { ...noSkills(), skills: new Map() });
    expect(view.skills).toEqual(new Map());
    expect((await refresh(sdkReader(apiFor(fixture)), noSkills())).skills).toEqual(new Map());
    expect(gained(before, await requestCounts(fixture))).toEqual({});
  });

  it('the account view (gc) holds every skill, without versions, for one list request', async () => {
    const fixture = fx();
    const api = apiFor(fixture);
    const writer = sdkWriter(api);
    const made = [];
    for (const name of ['a', 'b', 'c']) made.push(await writer.createSkill(await skillFolder(name, name)));

    const before = await requestCounts(fixture);
    const account = await readAccount(sdkReader(api), { skills: true });

    expect([...(account.skills?.keys() ?? [])]).toEqual(made.map((skill) => skill.id).reverse());
    expect(account.skills?.get(made[0]?.id as string)?.versions).toBeUndefined();
    expect(gained(before, await requestCounts(fixture))['GET /v1/skills']).toBe(1);
  });

  it('walks every page of a long version list, by the cursors the reader hands out', async () => {
    const fixture = fx();
    const api = apiFor(fixture);
    const writer = sdkWriter(api);
    const skill = await writer.createSkill(await skillFolder('long', 'long'));
    const upload = await skillFolder('long', 'long');
    for (let i = 0; i < 101; i++) await writer.createSkillVersion(skill.id, upload, false);

    const before = await requestCounts(fixture);
    const view = await refresh(sdkReader(api), { ...noSkills(), skills: new Map([[skill.id, '0']]) });
    const expected = Array.from({ length: 102 }, (_, i) => String(102 - i));
    expect(view.skills?.get(skill.id)?.versions).toEqual(expected);
    expect(gained(before, await requestCounts(fixture))).toEqual({
      'GET /v1/skills': 1,
      'GET /v1/skills/{skill_id}/versions': 2,
    });
  });
});

/**
 * A fetch that lets the server carry out the first request `drop` picks, then loses its answer
 * (as a dropped connection: the SDK's "fetch failed"); every request is logged as `METHOD /path`.
 */
function droppingFetch(drop: (method: string, pathname: string) => boolean) {
  const log: string[] = [];
  let dropped = false;
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = (init?.method ?? 'GET').toUpperCase();
    const pathname = url.pathname.replace(/^\/v1/, '');
    log.push(`${method} ${pathname}`);
    const response = await globalThis.fetch(input, init);
    if (!dropped && drop(method, pathname)) {
      dropped = true;
      await response.arrayBuffer();
      throw new TypeError('fetch failed', { cause: new Error('socket hang up') });
    }
    return response;
  };
  return { fetch: fetch as typeof globalThis.fetch, log };
}

describe('skills writer: a create whose answer was lost is found, never made twice', () => {
  it('a lost skill create is found by its name and handed back', async () => {
    const fixture = fx();
    const { fetch, log } = droppingFetch((method, pathname) => method === 'POST' && pathname === '/skills');
    const writer = sdkWriter(apiWithFetch(fixture, fetch), FAST);

    const made = await writer.createSkill(await skillFolder('lost', 'lost', NESTED));

    const skills = (await fixture.client.skills.list()).data;
    expect(skills.map((s) => s.id)).toEqual([made.id]);
    expect(made).toEqual({
      id: made.id,
      createdAt: skills[0]?.created_at,
      version: '1',
      sha256: await storedHash(fixture, made.id, '1'),
    });
    // One upload, then the lookup found it: no second upload.
    expect(log).toEqual(['POST /skills', 'GET /skills']);
  });

  it('a lost version create is found among the versions, and made the default as asked', async () => {
    const fixture = fx();
    const { fetch, log } = droppingFetch(
      (method, pathname) => method === 'POST' && pathname.endsWith('/versions'),
    );
    const writer = sdkWriter(apiWithFetch(fixture, fetch), FAST);
    const skill = await writer.createSkill(await skillFolder('lost', 'lost'));

    const made = await writer.createSkillVersion(skill.id, await skillFolder('lost', 'lost', NESTED), true);

    expect(made).toEqual({ version: '2', sha256: await storedHash(fixture, skill.id, '2') });
    const versions = await fixture.client.skills.versions.list(skill.id);
    expect(versions.data.map((v) => v.version)).toEqual(['2', '1']);
    expect((await fixture.client.skills.retrieve(skill.id)).default_version).toBe('2');
    expect(log).toEqual([
      'POST /skills',
      `POST /skills/${skill.id}/versions`,
      `GET /skills/${skill.id}/versions`,
      // Whether the lost attempt moved the default cannot be told from the version: set again.
      `POST /skills/${skill.id}`,
    ]);
  });

  it('two uploads of the same folder to one skill, one answer lost, hand back two versions', async () => {
    const fixture = fx();
    const { fetch } = droppingFetch(
      (method, pathname) => method === 'POST' && pathname.endsWith('/versions'),
    );
    const writer = sdkWriter(apiWithFetch(fixture, fetch), FAST);
    const skill = await writer.createSkill(await skillFolder('twin', 'twin'));
    const upload = await skillFolder('twin', 'twin');

    const made = await Promise.all([
      writer.createSkillVersion(skill.id, upload, false),
      writer.createSkillVersion(skill.id, upload, false),
    ]);

    expect(made.map((m) => m.version).sort()).toEqual(['2', '3']);
    const versions = await fixture.client.skills.versions.list(skill.id);
    expect(versions.data.map((v) => v.version)).toEqual(['3', '2', '1']);
  });

  it('under fault_rate 0.3, 8 skills and 2 versions each end as exactly 8 skills of 3 versions', async () => {
    const fixture = fx();
    await fixture.control('config', { fault_rate: 0.3, seed: 19 });
    const writer = sdkWriter(apiFor(fixture), { sleep: (ms) => delay(ms / 100), retries: 12 });
    const names = Array.from({ length: 8 }, (_, i) => `faulty-${i}`);
    const uploads = await Promise.all(names.map((name) => skillFolder(name, name, NESTED)));

    const made = await mapLimit(uploads, 4, async (upload) => {
      const skill = await writer.createSkill(upload);
      const versions = await Promise.all([
        writer.createSkillVersion(skill.id, upload, true),
        writer.createSkillVersion(skill.id, upload, false),
      ]);
      return { id: skill.id, versions: versions.map((v) => v.version).sort() };
    });

    await fixture.control('config', { fault_rate: 0 });
    const statuses = (await fixture.control('stats')).statuses as Record<string, number>;
    expect(statuses.dropped ?? 0).toBeGreaterThan(0);
    const skills = (await fixture.client.skills.list({ limit: 100 })).data;
    expect(skills.map((s) => s.id).sort()).toEqual(made.map((m) => m.id).sort());
    for (const skill of made) {
      expect(skill.versions).toEqual(['2', '3']);
      const versions = await fixture.client.skills.versions.list(skill.id);
      expect(versions.data.map((v) => v.version)).toEqual(['3', '2', '1']);
    }
  });
});
