import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// CI trusts the test run's exit code. The PostgreSQL server the run starts (test/postgres-global-
// setup.ts) comes with an exit hook that once made every run exit 0, failed tests and all: a run
// with this project's global setup and one failing test must exit 1, and one passing test 0.

const run = promisify(execFile);
const REPO = path.resolve(import.meta.dirname, '../..');
const VITEST = path.join(REPO, 'node_modules/vitest/vitest.mjs');

async function exitOf(body: string): Promise<number> {
  const dir = await mkdtemp(path.join(tmpdir(), 'assistants-iac-exit-'));
  try {
    // No imports in the fixture: it lives outside the repository, so globals stand in for them.
    await writeFile(
      path.join(dir, 'vitest.config.mjs'),
      `export default { test: { globals: true, include: ['*.test.mjs'], globalSetup: [${JSON.stringify(path.join(REPO, 'test/postgres-global-setup.ts'))}] } };\n`,
    );
    await writeFile(path.join(dir, 'one.test.mjs'), `it('one', () => { expect(1).toBe(${body}); });\n`);
    try {
      await run(
        process.execPath,
        [VITEST, 'run', '--root', dir, '--config', path.join(dir, 'vitest.config.mjs')],
        {
          cwd: dir,
          env: { PATH: process.env.PATH, CI: 'true' },
        },
      );
      return 0;
    } catch (err) {
      return (err as { code: number }).code;
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('the test run, with the PostgreSQL server it starts', () => {
  it('exits 1 when a test fails, and 0 when all pass', async () => {
    expect(await exitOf('2')).toBe(1);
    expect(await exitOf('1')).toBe(0);
  }, 120_000);
});
