import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type EmulatorFixture, startFixture, upload } from '../helpers/emulator.js';

let dataDir: string;
const fixtures: EmulatorFixture[] = [];
afterEach(async () => {
  for (const fx of fixtures.splice(0)) {
    expect(fx.checker.failures()).toEqual([]);
    await fx.close();
  }
  await rm(dataDir, { recursive: true, force: true });
});

describe('--data DIR', () => {
  it('keeps objects, file contents, the clock and id sequence across a restart', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'emulator-data-'));
    const first = await startFixture({ dataDir, config: { seed: 5 } });
    fixtures.push(first);
    const file = await upload(first.client, 'notes.md', 'kept', 'user_data');
    const store = await first.client.vectorStores.create({
      name: 'kept',
      file_ids: [file.id],
      expires_after: { anchor: 'last_active_at', days: 1 },
    });
    const assistant = await first.client.beta.assistants.create({ model: 'gpt-4o', name: 'kept' });
    await first.control('clock', { advance_seconds: 2 * 86_400 });
    await first.close();

    const second = await startFixture({ dataDir });
    fixtures.push(second);
    expect(await second.client.vectorStores.retrieve(store.id)).toMatchObject({
      name: 'kept',
      status: 'expired',
    });
    expect((await second.client.beta.assistants.retrieve(assistant.id)).name).toBe('kept');
    expect(await (await second.client.files.content(file.id)).text()).toBe('kept');
    const next = await second.client.vectorStores.create({ name: 'new' });
    expect([store.id, assistant.id, file.id]).not.toContain(next.id);
    const pages = await second.client.vectorStores.list({ order: 'asc' });
    expect(pages.data.map((s) => s.id)).toEqual([store.id, next.id]);
  });

  it('keeps skills, their versions and their content across a restart', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'emulator-skills-'));
    const first = await startFixture({ dataDir });
    fixtures.push(first);
    const form = (description: string) => {
      const data = new FormData();
      data.append(
        'files[]',
        new Blob([`---\nname: kept\ndescription: ${description}\n---\n`]),
        'kept/SKILL.md',
      );
      data.append('files[]', new Blob(['echo kept\n']), 'kept/run.sh');
      return data as never;
    };
    const skill = await first.client.skills.create(form('first'));
    const second = await first.client.skills.versions.create(skill.id, form('second'));
    const before = await (await first.client.skills.content.retrieve(skill.id)).arrayBuffer();
    await first.close();

    const next = await startFixture({ dataDir });
    fixtures.push(next);
    expect(await next.client.skills.retrieve(skill.id)).toMatchObject({
      default_version: '1',
      latest_version: '2',
      description: 'first',
    });
    expect(await next.client.skills.versions.retrieve('2', { skill_id: skill.id })).toEqual(second);
    const after = await (await next.client.skills.content.retrieve(skill.id)).arrayBuffer();
    expect(Buffer.from(after).equals(Buffer.from(before))).toBe(true);
    expect((await next.client.skills.versions.create(skill.id, form('third'))).version).toBe('3');
  });

  it('a saved clock offset out of bounds is brought within 100 years, so dates stay valid', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'emulator-clock-'));
    const hundredYears = 100 * 365 * 86_400;
    for (const [saved, expected] of [
      [1e300, hundredYears],
      [-5, 0],
      ['soon', 0],
    ] as const) {
      const first = await startFixture({ dataDir });
      await first.close();
      const path = join(dataDir, 'state.json');
      const snapshot = JSON.parse(await readFile(path, 'utf8'));
      await writeFile(path, JSON.stringify({ ...snapshot, clock_offset_seconds: saved }));
      const second = await startFixture({ dataDir });
      fixtures.push(second);
      expect((await second.control('clock', { advance_seconds: 0 })).offset_seconds, String(saved)).toBe(
        expected,
      );
      const store = await second.client.vectorStores.create({ name: 'dated' });
      expect(Number.isInteger(store.created_at), String(saved)).toBe(true);
      await second.close();
      fixtures.pop();
      expect(second.checker.failures()).toEqual([]);
    }
  });

  it('without --data, small contents live in memory, larger ones in a temp folder that close removes', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'emulator-none-'));
    const fx = await startFixture();
    const small = await upload(fx.client, 'a.md', 'x');
    // Just over what is kept in memory (64 KiB).
    const large = await upload(fx.client, 'b.md', 'y'.repeat(64 * 1024 + 1));
    const blobs = fx.emulator.core.blobs.dir;
    expect(await readdir(blobs)).toEqual([large.id]);
    expect((await fx.emulator.core.blobs.ids()).sort()).toEqual([small.id, large.id].sort());
    expect(await fx.emulator.core.blobs.text(small.id)).toBe('x');
    await fx.close();
    await expect(readdir(blobs)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
