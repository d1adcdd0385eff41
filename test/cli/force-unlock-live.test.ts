import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LockInfo } from '../../src/state/state-store.js';
import { spawnCli } from '../helpers/apply-process.js';
import { startFixture, waitFor } from '../helpers/emulator.js';
import { runInProcess } from '../helpers/run-cli.js';
import { workspace, yaml } from '../helpers/workspace.js';

describe('force-unlock against the lock of a real apply in progress', () => {
  it('is refused while that apply runs; the apply then finishes its own way', async () => {
    // Indexing that takes a minute keeps the apply waiting, lock held, long enough to look at it.
    const fx = await startFixture({ config: { index_delay_ms: 60_000 } });
    try {
      const dir = await workspace({
        'assistants.yaml': yaml`
          version: 1
          files:
            notes: { path: notes.md }
          vector_stores:
            kb:
              files: [notes]
        `,
        'notes.md': '# notes\n',
      });
      const apply = spawnCli(['apply', '--auto-approve', '--base-url', fx.emulator.url], dir);
      const lockFile = path.join(dir, '.assistants/state.json.lock');
      const text = await waitFor(
        () => readFile(lockFile, 'utf8').catch(() => ''),
        (content) => content.includes('"pid"'),
        30_000,
      );
      const info = JSON.parse(text) as LockInfo;
      expect(info.pid).toBe(apply.child.pid);

      const run = await runInProcess(['force-unlock', info.id], { cwd: dir });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(
        `error[LOCK_HOLDER_ALIVE]: .assistants/state.json is locked by ${info.who} (pid ${info.pid}), running "apply" since ${info.created}`,
      );
      expect(run.stderr).toContain(`assistants force-unlock ${info.id} --force`);
      expect(await readFile(lockFile, 'utf8')).toBe(text);

      apply.child.kill('SIGTERM');
      const exit = await apply.exit;
      expect(exit.code).toBe(130);
      // It released its own lock on the way out.
      await expect(readFile(lockFile, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      await fx.close();
    }
  });
});
