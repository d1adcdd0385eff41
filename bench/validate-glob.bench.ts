import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, bench, describe } from 'vitest';
import { validateManifests } from '../src/manifest/validate.js';

// Goal: `validate` on a manifest whose glob covers 1,000 files finishes well under a second,
// because it only stats the matches. The process run includes Node's start-up and module loading.
const FILES = 1000;
const bin = path.resolve(import.meta.dirname, '../bin/assistants.js');
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'assistants-iac-bench-'));
  await writeFile(
    path.join(dir, 'assistants.yaml'),
    'version: 1\nvector_stores:\n  kb:\n    files:\n      - glob: docs/**/*.md\n        attributes: { source: bench }\n',
  );
  for (let s = 0; s < 10; s++) await mkdir(path.join(dir, 'docs', `section-${s}`), { recursive: true });
  await Promise.all(
    Array.from({ length: FILES }, (_, i) =>
      writeFile(
        path.join(dir, 'docs', `section-${i % 10}`, `page-${i}.md`),
        `# Page ${i}\n\n${'Lorem ipsum. '.repeat(200)}\n`,
      ),
    ),
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe(`validate, one glob over ${FILES} files`, () => {
  bench(
    'in-process (validateManifests)',
    async () => {
      const result = await validateManifests([], { cwd: dir, env: {} });
      if (result.value?.memberships.length !== FILES) throw new Error('unexpected validation result');
    },
    { iterations: 20, warmupIterations: 3 },
  );

  bench(
    'whole command (node bin/assistants.js validate, built)',
    () => {
      execFileSync(process.execPath, [bin, 'validate'], { cwd: dir, stdio: 'ignore' });
    },
    { iterations: 10, warmupIterations: 1 },
  );
});
