import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, realpath, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyArgs, BIN, planArgs, readState, statePath, type Target } from '../helpers/apply-process.js';
import { type EmulatorFixture, startFixture } from '../helpers/emulator.js';
import { makeStack } from '../helpers/make-stack.js';

// The bytes a process reads (rchar of /proc/self/io: files and sockets alike), written at its exit
// by the benchmarks' preload.
const PRELOAD = fileURLToPath(new URL('../../bench/lib/usage-preload.mjs', import.meta.url));
const BIG_MB = 48;

let root = '';
let fx: EmulatorFixture;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'assistants-iac-reads-'));
  fx = await startFixture();
});

afterAll(async () => {
  await fx?.close();
  await rm(root, { recursive: true, force: true });
});

interface Measured {
  code: number;
  stdout: string;
  stderr: string;
  /** Bytes the CLI process read in all (rchar). */
  readBytes: number;
}

/** Runs the built CLI as its own process and reads what it read. */
async function measured(args: string[], cwd: string): Promise<Measured> {
  const usage = path.join(cwd, `usage-${Math.random().toString(36).slice(2)}.json`);
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>(
    (resolve) => {
      execFile(
        process.execPath,
        ['--import', PRELOAD, BIN, ...args],
        {
          cwd,
          env: {
            PATH: process.env.PATH,
            OPENAI_API_KEY: 'sk-test',
            CI: 'true',
            NO_COLOR: '1',
            BENCH_USAGE_FILE: usage,
          },
          maxBuffer: 64 * 1024 * 1024,
        },
        (error, out, err) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout: out, stderr: err }),
      );
    },
  );
  const { readBytes } = JSON.parse(await readFile(usage, 'utf8')) as { readBytes: number };
  return { code, stdout, stderr, readBytes };
}

async function sha256Of(stream: AsyncIterable<Uint8Array>): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk);
  return hash.digest('hex');
}

const sha256Text = (text: string) => createHash('sha256').update(text).digest('hex');

/** Every file under `dir`, by real path: its size, mtime and content hash. */
async function localFiles(dir: string) {
  const found = new Map<string, { bytes: number; mtimeMs: number; sha256: string }>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = await realpath(path.join(entry.parentPath, entry.name));
    // Whole milliseconds, as validation reads them (the hash cache's key).
    const info = await stat(file, { bigint: true });
    found.set(file, {
      bytes: Number(info.size),
      mtimeMs: Number(info.mtimeMs),
      sha256: await sha256Of(createReadStream(file)),
    });
  }
  return found;
}

/** The content the emulator stored for a file id, hashed (files for assistants cannot be downloaded). */
async function uploadedSha256(id: string): Promise<string> {
  return sha256Of(await fx.emulator.core.blobs.open(id));
}

/** What `validate` reads of the stack (code, manifests, no file content): a floor for any command. */
async function codeBytes(stack: Target): Promise<number> {
  const run = await measured(['validate', '-f', stack.manifests], stack.cwd);
  expect(run.code).toBe(0);
  return run.readBytes;
}

async function uploads(): Promise<number> {
  const stats = (await fx.control('stats')) as { requests: Record<string, number> };
  return stats.requests['POST /v1/files'] ?? 0;
}

/** A fresh stack folder and a folder to run in (holding the state). */
async function target(size: Parameters<typeof makeStack>[1]): Promise<Target> {
  const dir = await mkdtemp(path.join(root, 'stack-'));
  const manifests = path.join(dir, 'stack');
  makeStack(manifests, size);
  const cwd = path.join(dir, 'run');
  await mkdir(cwd);
  return { fx, manifests, cwd };
}

describe('a first apply hashes files while it uploads them', () => {
  it('reads each byte of the stack once, records the hash of the bytes uploaded, and leaves a no-op plan nothing to read', {
    timeout: 120_000,
  }, async () => {
    const stack = await target({ files: 40, stores: 2, assistants: 1, bigMb: BIG_MB });
    const files = await localFiles(path.join(stack.manifests, 'docs'));
    const stackBytes = [...files.values()].reduce((sum, file) => sum + file.bytes, 0);

    const first = await measured(applyArgs(stack), stack.cwd);
    expect(first.stderr).not.toMatch(/error/i);
    expect(first.code).toBe(0);
    // The same run with nothing to do reads the same code, state and manifests, and no content:
    // the difference is what the first one read of the files (and the API's small answers).
    const again = await measured(applyArgs(stack), stack.cwd);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('No changes');
    // (It reads a larger state, and more answers, than the first: the lower bound only shows the
    // measure sees the files.)
    const contentRead = first.readBytes - again.readBytes;
    expect(contentRead).toBeGreaterThanOrEqual(0.95 * stackBytes);
    expect(contentRead).toBeLessThanOrEqual(1.05 * stackBytes);

    // The state records, for every file, the hash of the bytes the server holds (the file's own).
    const state = await readState(stack);
    const recorded = Object.values(state?.resources ?? {}).flatMap((r) => (r.kind === 'file' ? [r] : []));
    expect(recorded).toHaveLength(files.size);
    for (const resource of recorded) {
      const local = files.get(path.join(await realpath(stack.manifests), resource.attributes.path));
      expect(resource.attributes.sha256).toBe(local?.sha256);
      expect(resource.attributes.bytes).toBe(local?.bytes);
      expect(await uploadedSha256(resource.id)).toBe(resource.attributes.sha256);
    }
    // The hash cache learnt every upload, so the next plan reads no file.
    const cache = JSON.parse(await readFile(`${statePath(stack)}.hashes.json`, 'utf8')) as {
      entries: Record<string, { bytes: number; mtime_ms: number; sha256: string }>;
    };
    expect(cache.entries).toEqual(
      Object.fromEntries(
        [...files].map(([file, { bytes, mtimeMs, sha256 }]) => [file, { bytes, mtime_ms: mtimeMs, sha256 }]),
      ),
    );
    const plan = await measured(planArgs(stack), stack.cwd);
    expect(plan.code).toBe(0);
    expect(plan.readBytes).toBeLessThan((await codeBytes(stack)) + 0.05 * stackBytes);
  });

  it('shows a new file’s hash as known after apply, reading no file to plan it', async () => {
    const stack = await target({ files: 3, stores: 1, assistants: 0, bigMb: BIG_MB });
    const files = await localFiles(path.join(stack.manifests, 'docs'));
    const stackBytes = [...files.values()].reduce((sum, file) => sum + file.bytes, 0);

    const plan = await measured(planArgs(stack), stack.cwd);

    expect(plan.code).toBe(2);
    expect(plan.stdout).toMatch(/\+ sha256:\s+\(known after apply\)/);
    expect(plan.readBytes).toBeLessThan((await codeBytes(stack)) + 0.05 * stackBytes);
  });
});

describe('a saved plan and files edited before it is applied', () => {
  const MTIME = new Date('2025-01-02T03:04:05.000Z');

  // A plan saved against no state is stale once a file it uploads appears live after it was saved
  // (applied elsewhere): the uploads of the tests before, with the same names and maybe within the
  // same second, must not count as that.
  beforeEach(async () => {
    await fx.control('reset', {});
  });

  /** A small stack planned into plan.json, every file's mtime a whole second (so it can be put back). */
  async function planned() {
    const stack = await target({ files: 3, stores: 1, assistants: 0 });
    const docs = path.join(stack.manifests, 'docs', 'kb-00');
    for (const name of await readdir(docs)) await utimes(path.join(docs, name), MTIME, MTIME);
    const saved = await measured([...planArgs(stack), '-o', 'plan.json'], stack.cwd);
    expect(saved.code).toBe(2);
    return { stack, edited: path.join(docs, 'doc-00000.md') };
  }

  it('refuses the plan as stale when a file changed since it was saved, and uploads nothing', async () => {
    const { stack, edited } = await planned();
    await writeFile(edited, 'other content\n');
    const before = await uploads();

    const run = await measured(
      [...applyArgs(stack).filter((a) => a !== '--auto-approve'), 'plan.json'],
      stack.cwd,
    );

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('PLAN_STALE');
    expect(run.stderr).toContain('the manifests or the files they name changed');
    expect(await uploads()).toBe(before);
    expect(await readState(stack)).toBeUndefined();
  });

  it('records the hash of the bytes uploaded, not the planned one, when an edit kept the size and mtime', async () => {
    const { stack, edited } = await planned();
    const old = await readFile(edited, 'utf8');
    const changed = old.replace('Document', 'Dokument');
    expect(changed.length).toBe(old.length);
    await writeFile(edited, changed);
    await utimes(edited, MTIME, MTIME);

    const run = await measured(
      [...applyArgs(stack).filter((a) => a !== '--auto-approve'), 'plan.json'],
      stack.cwd,
    );

    expect(run.code).toBe(0);
    const state = await readState(stack);
    const resource = Object.values(state?.resources ?? {}).find(
      (r) => r.kind === 'file' && r.attributes.path.endsWith('doc-00000.md'),
    );
    expect(resource?.kind === 'file' && resource.attributes.sha256).toBe(sha256Text(changed));
    expect(await uploadedSha256(resource?.id as string)).toBe(sha256Text(changed));
    expect(run.stderr).toContain('FILE_CHANGED_DURING_APPLY');
    // The state and the cache agree with the file: nothing left to do.
    const plan = await measured(planArgs(stack), stack.cwd);
    expect(plan.code).toBe(0);
  });
});
