import { readFile } from 'node:fs/promises';
import path from 'node:path';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { STAMP_ADDRESS_KEY, STAMP_LINEAGE_KEY } from '../../src/model/stamp.js';
import type { StateDocument } from '../../src/state/state-document.js';
import { apiStore } from '../helpers/api-objects.js';
import { fakeKey } from '../helpers/fake-key.js';
import { NOCK_BASE_URL, NOCK_ORIGIN, useNock } from '../helpers/nock-api.js';
import { runInProcess } from '../helpers/run-cli.js';
import { sampleState, stateText } from '../helpers/state-fixtures.js';
import { workspace, yaml } from '../helpers/workspace.js';

const KEY = fakeKey('sk-test-', 24, 'import-stamp');
const unmatched = useNock();
const OTHER = '22222222-0000-4000-8000-000000000002';

async function stack(state: StateDocument) {
  return workspace({
    'assistants.yaml': yaml`
      version: 1
      stack: support
      vector_stores:
        kb: {}
    `,
    '.assistants/state.json': stateText(state),
  });
}

function cli(dir: string, args: string[]) {
  return runInProcess([...args, '--base-url', NOCK_BASE_URL], { cwd: dir, env: { OPENAI_API_KEY: KEY } });
}

describe('import --force of a stamped store', () => {
  it('when the stamp cannot be written, imports nothing and keeps the forgotten record (gc keeps away)', async () => {
    const state = sampleState({
      resources: {},
      forgotten: [
        { address: 'vector_store.old', kind: 'vector_store', id: 'vs_1', at: '2026-12-01T00:00:00Z' },
      ],
    });
    const dir = await stack(state);
    const stampedElsewhere = { [STAMP_LINEAGE_KEY]: OTHER, [STAMP_ADDRESS_KEY]: 'vector_store.kb' };
    nock(NOCK_ORIGIN)
      .get('/v1/vector_stores/vs_1')
      .reply(200, apiStore('vs_1', { metadata: stampedElsewhere }));
    nock(NOCK_ORIGIN)
      .post('/v1/vector_stores/vs_1')
      .reply(400, {
        error: { message: 'metadata refused', type: 'invalid_request_error', code: null, param: null },
      });

    const run = await cli(dir, ['import', 'vector_store.kb', 'vs_1', '--force']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error[STAMP_FAILED]: could not stamp vs_1 as vector_store.kb');
    const after = JSON.parse(
      await readFile(path.join(dir, '.assistants/state.json'), 'utf8'),
    ) as StateDocument;
    expect(after.resources).toEqual({});
    expect(after.forgotten?.map((f) => f.id)).toEqual(['vs_1']);
    expect(unmatched).toEqual([]);
  });

  it('refuses an id the state already holds under another address', async () => {
    const state = sampleState();
    const held = state.resources['vector_store.support-kb'];
    if (!held) throw new Error('fixture');
    const dir = await stack(state);
    const run = await cli(dir, ['import', 'vector_store.kb', held.id]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `error[ALREADY_MANAGED]: ${held.id} is already managed as vector_store.support-kb`,
    );
    expect(unmatched).toEqual([]);
  });
});
