import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPlanFile } from '../../../src/workflow/plan-file.js';
import { workspace } from '../../helpers/workspace.js';

const LINEAGE = '00000000-0000-4000-8000-000000000001';

function plan(changes: unknown, extra: Record<string, unknown> = {}): string {
  return `${JSON.stringify({ lineage: LINEAGE, serial: 0, manifest_digest: 'sha256:x', resource_changes: changes, ...extra }, null, 2)}\n`;
}

async function invalid(text: string) {
  const dir = await workspace({ 'p.json': text });
  const error = await readPlanFile(path.join(dir, 'p.json'), 'p.json').catch((err: unknown) => err);
  expect(error).toMatchObject({ code: 'PLAN_FILE_INVALID' });
  return error as { message: string; location?: { file: string; line: number; column: number } };
}

describe('readPlanFile', () => {
  it('reads actions, targets, the save time and the files it uploads', async () => {
    const dir = await workspace({
      'p.json': plan(
        [
          {
            address: 'file.a',
            kind: 'file',
            change: { actions: ['create'], after: { filename: 'a.md', bytes: 3 } },
          },
          { address: 'vector_store.kb', kind: 'vector_store', change: { actions: ['no-op'] } },
        ],
        { targets: ['file.a'], timestamp: '2026-12-06T10:00:00.000Z' },
      ),
    });
    const saved = await readPlanFile(path.join(dir, 'p.json'));
    expect([...saved.actions]).toEqual([['file.a', 'create']]);
    expect(saved.targets).toEqual(['file.a']);
    expect(saved.fileCreates).toEqual([{ filename: 'a.md', bytes: 3 }]);
    expect(saved.savedAt).toBe(Date.parse('2026-12-06T10:00:00Z') / 1000);
  });

  it('refuses a null change with a located PLAN_FILE_INVALID, not an internal error', async () => {
    const error = await invalid(plan([{ address: 'file.a', change: { actions: ['create'] } }, null]));
    expect(error.message).toBe(
      'p.json is not a usable saved plan: resource_changes[1] is not a change (an object with an address and a list of actions)',
    );
    expect(error.location).toEqual({ file: 'p.json', line: 14, column: 5 });
  });

  it('refuses other shapes: a null change body, actions that are not strings, bad targets, a bad serial', async () => {
    for (const text of [
      plan([{ address: 'file.a', change: null }]),
      plan([{ address: 'file.a', change: { actions: [null] } }]),
      plan([{ address: 'file.a', change: { actions: [] } }]),
      plan([], { targets: [null] }),
      plan([], { serial: -1 }),
      plan([], { serial: 1.5 }),
      'null',
      '[]',
      '{"lineage": 1}',
      '{ not json',
    ])
      await invalid(text);
  });

  it('refuses a FIFO or a folder at once, without blocking on the read', async () => {
    const dir = await workspace({ 'folder/x': '' });
    execFileSync('mkfifo', [path.join(dir, 'fifo')]);
    for (const name of ['fifo', 'folder', 'absent']) {
      const error = await readPlanFile(path.join(dir, name), name).catch((err: unknown) => err);
      expect(error).toMatchObject({ code: 'PLAN_FILE_INVALID' });
    }
    await writeFile(path.join(dir, 'ok.json'), plan([]));
    expect((await readPlanFile(path.join(dir, 'ok.json'))).serial).toBe(0);
  });
});
