import { describe, expect, it } from 'vitest';
import { executePlan } from '../../../src/apply/executor.js';
import type { RenderedFiles } from '../../../src/apply/rendered-files.js';
import { StateRecorder } from '../../../src/apply/state-recorder.js';
import type { ApiWriter } from '../../../src/provider/api-writer.js';
import type { ApiReader } from '../../../src/provider/live-view.js';
import { MemoryStateStore } from '../../../src/state/memory-backend.js';
import {
  appliedState,
  desired,
  file,
  liveFromState,
  member,
  planOf,
  store,
} from '../../helpers/planner-builders.js';

/** Any call fails the test: a move alone calls nothing. */
function noCalls<T extends object>(): T {
  return new Proxy({} as T, {
    get: (_target, name) => () => {
      throw new Error(`unexpected call: ${String(name)}`);
    },
  });
}

function stack(folder: string) {
  return desired({
    files: [file(`${folder}/a.md`, { relativePath: `${folder}/a.md`, origin: 'glob' })],
    vectorStores: [store('kb')],
    memberships: [member('kb', `${folder}/a.md`)],
  });
}

describe('apply records the moves of a plan', () => {
  it('in one journalled write before anything else, so that a run stopped at once keeps them', async () => {
    const old = stack('docs');
    const sha = 'a'.repeat(64);
    const state = appliedState(old, new Map([['docs/a.md', sha]]));
    const live = liveFromState(state);
    const wanted = { ...stack('guides'), moves: [{ from: 'file.docs/', to: 'file.guides/' }] };
    const hashes = new Map([['guides/a.md', sha]]);
    const plan = planOf({ desired: wanted, state, live, hashes });
    expect(plan.moves).toHaveLength(2);

    const backend = new MemoryStateStore({ initial: structuredClone(state) });
    const doc = (await backend.read()) ?? state;
    const recorder = new StateRecorder(backend, doc);
    const stop = new AbortController();
    stop.abort();
    const outcome = await executePlan({
      plan,
      desired: wanted,
      hashes,
      recorder,
      writer: noCalls<ApiWriter>(),
      reader: noCalls<ApiReader>(),
      renderedFiles: noCalls<RenderedFiles>(),
      live,
      sink: () => {},
      options: { parallelism: 2, wait: false, waitTimeoutMs: 1000, stop: stop.signal },
    });
    expect(outcome.errors).toEqual([]);
    const after = await backend.read();
    expect(Object.keys(after?.resources ?? {}).sort()).toEqual([
      'file.guides/a.md',
      'vector_store.kb',
      'vector_store_file.kb/guides/a.md',
    ]);
    expect(after?.resources['file.guides/a.md']?.id).toBe(state.resources['file.docs/a.md']?.id);
    expect(after?.resources['vector_store_file.kb/guides/a.md']?.dependencies).toEqual([
      'file.guides/a.md',
      'vector_store.kb',
    ]);
    expect(after?.serial).toBeGreaterThan(state.serial);
  });
});
