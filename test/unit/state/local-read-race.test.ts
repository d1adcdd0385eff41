import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StoredJournal } from '../../../src/state/journal-log.js';
import { LocalStateStore } from '../../../src/state/local-backend.js';
import { sampleState, stateText } from '../../helpers/state-fixtures.js';
import { workspace } from '../../helpers/workspace.js';

// An unlocked read of another workspace's state (gc and generate do it) reads the state file, then
// the journal. A run that replaces the state file and removes its journal in between must not make
// the read miss what that run recorded: the read sees the file change and reads again.

/** A store whose journal read first lets `interleave` run: the other run's write, at the worst moment. */
class Interleaved extends LocalStateStore {
  constructor(
    file: string,
    private readonly interleave: () => Promise<void>,
    private remaining: number,
  ) {
    super(file);
  }

  override async readJournal(): Promise<StoredJournal | undefined> {
    if (this.remaining > 0) {
      this.remaining--;
      await this.interleave();
    }
    return super.readJournal();
  }
}

async function replaceState(file: string, serial: number, withResources: boolean) {
  const doc = sampleState({ serial, ...(withResources ? {} : { resources: {} }) });
  await writeFile(`${file}.tmp`, stateText(doc));
  await rename(`${file}.tmp`, file);
  await rm(`${file}.journal`, { force: true });
}

describe('LocalStateStore.read racing a run that writes the state', () => {
  it('reads again when the state file was replaced between it and the journal', async () => {
    const dir = await workspace({ 'state.json': stateText(sampleState({ serial: 1, resources: {} })) });
    const file = path.join(dir, 'state.json');
    const store = new Interleaved(file, () => replaceState(file, 2, true), 1);
    const read = await store.read();
    expect(read?.serial).toBe(2);
    expect(Object.keys(read?.resources ?? {})).toEqual(Object.keys(sampleState().resources));
  });

  it('gives up with STATE_CONFLICT when the file keeps changing', async () => {
    const dir = await workspace({ 'state.json': stateText(sampleState({ serial: 1, resources: {} })) });
    const file = path.join(dir, 'state.json');
    let serial = 1;
    const store = new Interleaved(file, () => replaceState(file, ++serial, serial % 2 === 0), 100);
    await expect(store.read()).rejects.toMatchObject({ code: 'STATE_CONFLICT' });
  });
});
