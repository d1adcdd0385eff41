import { describe, expect, it } from 'vitest';
import { upload, useEmulator } from '../helpers/emulator.js';

const fx = useEmulator();

describe('files', () => {
  it('uploads, retrieves, lists by purpose, downloads and deletes', async () => {
    const doc = await upload(fx().client, 'guide.md', '# Guide\nhello');
    expect(doc).toMatchObject({
      object: 'file',
      bytes: 13,
      filename: 'guide.md',
      purpose: 'assistants',
      status: 'processed',
    });
    expect(doc.id).toMatch(/^file-[A-Za-z0-9]{24}$/);
    expect(Number.isInteger(doc.created_at)).toBe(true);
    expect(Math.abs(doc.created_at - Date.now() / 1000)).toBeLessThan(5);
    const data = await upload(fx().client, 'rows.csv', 'a,b\n1,2\n', 'user_data');

    expect(await fx().client.files.retrieve(doc.id)).toEqual(doc);
    const all = await fx().client.files.list();
    expect(all.data.map((f) => f.id)).toEqual([data.id, doc.id]);
    const mine = await fx().client.files.list({ purpose: 'user_data' });
    expect(mine.data.map((f) => f.id)).toEqual([data.id]);

    const content = await fx().client.files.content(data.id);
    expect(await content.text()).toBe('a,b\n1,2\n');

    expect(await fx().client.files.delete(doc.id)).toEqual({ id: doc.id, object: 'file', deleted: true });
    await expect(fx().client.files.retrieve(doc.id)).rejects.toMatchObject({ status: 404 });
    expect(fx().checker.seen.length).toBeGreaterThanOrEqual(7);
  });

  it('refuses to hand back the content of files uploaded for assistants, as the live API does', async () => {
    const doc = await upload(fx().client, 'secret.txt', 'x');
    await expect(fx().client.files.content(doc.id)).rejects.toMatchObject({
      status: 400,
      error: { message: 'Not allowed to download files of purpose: assistants' },
    });
  });

  it('removes a file when its expires_after has passed on the emulator clock', async () => {
    const { toFile } = await import('openai');
    const file = await fx().client.files.create({
      file: await toFile(Buffer.from('temp'), 'temp.txt'),
      purpose: 'user_data',
      expires_after: { anchor: 'created_at', seconds: 3600 },
    });
    expect(file.expires_at).toBe(file.created_at + 3600);
    // Margins of seconds either side: real time passes between the upload and these calls.
    await fx().control('clock', { advance_seconds: 3590 });
    expect((await fx().client.files.retrieve(file.id)).id).toBe(file.id);
    await fx().control('clock', { advance_seconds: 20 });
    await expect(fx().client.files.retrieve(file.id)).rejects.toMatchObject({ status: 404 });
    expect((await fx().client.files.list()).data).toEqual([]);
  });

  it('keeps a file name that is not ASCII exactly, as the SDK sends it (UTF-8) or as filename*', async () => {
    const { client } = fx();
    const names = ['règlement.md', 'Übersicht – 2026.txt', '报告.pdf', 'ﬁle😀.md'];
    for (const name of names) {
      const file = await upload(client, name, 'x');
      expect(file.filename).toBe(name);
      expect((await client.files.retrieve(file.id)).filename).toBe(name);
    }
    expect((await client.files.list({ order: 'asc' })).data.map((f) => f.filename)).toEqual(names);

    // RFC 7578 allows the RFC 5987 form too; some clients send it.
    const boundary = 'utf8-boundary';
    const body = [
      `--${boundary}`,
      'Content-Disposition: form-data; name="purpose"',
      '',
      'assistants',
      `--${boundary}`,
      `Content-Disposition: form-data; name="file"; filename*=UTF-8''${encodeURIComponent('règlement.md')}`,
      'Content-Type: text/markdown',
      '',
      'x',
      `--${boundary}--`,
      '',
    ].join('\r\n');
    const response = await fx().raw('POST', '/files', {
      body,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { filename: string }).filename).toBe('règlement.md');
  });

  it('validates the multipart form as the API does', async () => {
    const form = (fields: Record<string, string>, withFile = true) => {
      const body = new FormData();
      for (const [k, v] of Object.entries(fields)) body.append(k, v);
      if (withFile) body.append('file', new Blob(['x']), 'a.txt');
      return body;
    };
    const post = async (body: FormData) => {
      const response = await fetch(`${fx().emulator.url}/files`, {
        method: 'POST',
        headers: { authorization: 'Bearer k' },
        body,
      });
      await fx().checker.check('POST', '/v1/files', response.clone());
      return {
        status: response.status,
        error: ((await response.json()) as { error: Record<string, unknown> }).error,
      };
    };
    expect(await post(form({ purpose: 'assistants' }, false))).toMatchObject({
      status: 400,
      error: { param: 'file', code: 'missing_required_parameter' },
    });
    expect(await post(form({}))).toMatchObject({ status: 400, error: { param: 'purpose' } });
    expect(await post(form({ purpose: 'homework' }))).toMatchObject({
      status: 400,
      error: { param: 'purpose', code: 'invalid_value' },
    });
    expect(await post(form({ purpose: 'assistants', colour: 'blue' }))).toMatchObject({
      status: 400,
      error: { param: 'colour', code: 'unknown_parameter' },
    });
    expect(
      await post(
        form({ purpose: 'user_data', 'expires_after[anchor]': 'created_at', 'expires_after[seconds]': '60' }),
      ),
    ).toMatchObject({
      status: 400,
      error: { param: 'expires_after.seconds', code: 'integer_below_min_value' },
    });
    const json = await fx().raw('POST', '/files', { body: { purpose: 'assistants' } });
    expect(json.status).toBe(400);
    // Nothing half-made is left behind by the refused uploads.
    expect((await fx().client.files.list()).data).toEqual([]);
  });
});
