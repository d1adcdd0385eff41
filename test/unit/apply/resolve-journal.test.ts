import { afterEach, describe, expect, it } from 'vitest';
import { resolveJournal } from '../../../src/apply/resolve-journal.js';
import { StateRecorder } from '../../../src/apply/state-recorder.js';
import { createApiClient } from '../../../src/provider/api-client.js';
import { sdkReader } from '../../../src/provider/sdk-reader.js';
import { sdkWriter } from '../../../src/provider/sdk-writer.js';
import { MemoryStateStore } from '../../../src/state/memory-backend.js';
import type { PendingOperation } from '../../../src/state/state-document.js';
import { type EmulatorFixture, startFixture, upload } from '../../helpers/emulator.js';
import { desired, file, state } from '../../helpers/planner-builders.js';

const CONTENT = 'the bytes a lost upload sent\n';

let fx: EmulatorFixture | undefined;

afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

/**
 * A run that died while uploading `guide.md`, journalled as a first apply journals it (name and
 * size, no hash: the file was to be hashed as it was sent), and the file it made on the server;
 * then the settling of that journal, with the file's mtime now `mtimeMs` and its hash `sha256`.
 */
async function settleLostUpload(mtimeMs: (startedMs: number) => number, sha256: string) {
  fx = await startFixture();
  const started = new Date(Date.now() - 2000);
  const made = await upload(fx.client, 'guide.md', CONTENT);
  const guide = file('guide', { bytes: CONTENT.length, mtimeMs: mtimeMs(started.getTime()) });
  const entry: PendingOperation = {
    id: 'p-1',
    address: guide.address,
    kind: 'file',
    operation: 'create',
    started_at: started.toISOString(),
    match: { filename: 'guide.md', bytes: CONTENT.length },
  };
  const doc = { ...state({}), pending: [entry] };
  const recorder = new StateRecorder(new MemoryStateStore({ initial: doc }), doc);
  const api = createApiClient({ baseUrl: fx.emulator.url, env: { OPENAI_API_KEY: 'sk-emulator-test' } });
  const outcome = await resolveJournal(
    recorder,
    desired({ files: [guide] }),
    new Map([['guide', sha256]]),
    sdkReader(api),
    sdkWriter(api),
  );
  return { outcome, doc, made, guide };
}

describe('resolveJournal: an upload journalled without a hash', () => {
  it('adopts the file it made when the local file was not modified since, with the hash it holds now', async () => {
    const { outcome, doc, made, guide } = await settleLostUpload(
      (started) => started - 60_000,
      'a'.repeat(64),
    );

    expect(outcome.adopted).toEqual([guide.address]);
    expect(doc.resources[guide.address]).toMatchObject({
      id: made.id,
      attributes: { sha256: 'a'.repeat(64), bytes: CONTENT.length },
    });
    expect(doc.pending).toEqual([]);
  });

  it('adopts nothing when the local file was modified after the upload started: what was sent is unknown', async () => {
    const { outcome, doc, guide } = await settleLostUpload((started) => started + 1, 'a'.repeat(64));

    expect(outcome.adopted).toEqual([]);
    expect(doc.resources[guide.address]).toBeUndefined();
    // Never deleted on a name-and-size match (it may be someone else's); the entry is settled.
    expect((await fx?.client.files.list())?.data).toHaveLength(1);
    expect(doc.pending).toEqual([]);
  });
});
