import { type ChildProcess, execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import { stackNamedBy } from '../../src/manifest/stack-name.js';
import { STAMP_ADDRESS_KEY, STAMP_LINEAGE_KEY } from '../../src/model/stamp.js';
import { LocalStateStore } from '../../src/state/local-backend.js';
import { workspaceStateFile } from '../../src/state/local-workspaces.js';
import { isPostgresUrl, parsePgUrl } from '../../src/state/pg-url.js';
import { PostgresStateStore } from '../../src/state/postgres-backend.js';
import type { StateDocument } from '../../src/state/state-document.js';
import type { StateStore } from '../../src/state/state-store.js';
import { DEFAULT_WORKSPACE } from '../../src/state/workspace-name.js';
import { loadDesired } from '../../src/workflow/prepare-plan.js';
import type { EmulatorFixture } from './emulator.js';

/** The built binary (`npm test` builds first): these tests run the real process, signals and all. */
export const BIN = path.resolve(import.meta.dirname, '../../bin/assistants.js');
export const REPO = path.resolve(import.meta.dirname, '../..');

/** The child's environment: nothing of the host's but PATH, so no OPENAI_* leaks in. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, OPENAI_API_KEY: 'sk-test', CI: 'true', NO_COLOR: '1', ...extra };
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** `assistants ARGS` as a child process, with its output collected. */
export function spawnCli(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): { child: ChildProcess; exit: Promise<Exit> } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: childEnv(env), stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const exit = new Promise<Exit>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, exit };
}

const run = promisify(execFile);

/** Runs `assistants ARGS` to the end and returns its exit code and output. */
export async function runCliProcess(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<Exit> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      cwd,
      env: childEnv(env),
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, signal: null, stdout, stderr };
  } catch (err) {
    const e = err as { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string };
    return { code: e.code, signal: e.signal, stdout: e.stdout, stderr: e.stderr };
  }
}

/** One stack under test: where its manifests and its state are, and the emulator it is applied to. */
export interface Target {
  fx: EmulatorFixture;
  /** Manifest file or folder (absolute). */
  manifests: string;
  /** Folder the CLI runs in (and holds the state, unless `state` says where it is). */
  cwd: string;
  /** The state's place, when not `state.json` in `cwd` (a `postgres://` URL, say). */
  state?: string;
  /** The workspace, when not the default one. */
  workspace?: string;
}

export const statePath = (target: Target) => target.state ?? path.join(target.cwd, 'state.json');

/** The global flags that pick the target's state. */
const stateArgs = (target: Target) => [
  '--state',
  statePath(target),
  ...(target.workspace ? ['--workspace', target.workspace] : []),
];

export function applyArgs(target: Target): string[] {
  return [
    'apply',
    '-f',
    target.manifests,
    ...stateArgs(target),
    '--base-url',
    target.fx.emulator.url,
    '--auto-approve',
  ];
}

export function planArgs(target: Target): string[] {
  return [
    'plan',
    '-f',
    target.manifests,
    ...stateArgs(target),
    '--base-url',
    target.fx.emulator.url,
    '--detailed-exitcode',
  ];
}

/**
 * The state as a run left it: the state file with the journal log beside it replayed (what the
 * next run starts from), checked as a read checks it.
 */
export async function readState(target: Target): Promise<StateDocument | undefined> {
  const store = await openTargetStore(target);
  try {
    return await store.read();
  } finally {
    await store.close?.();
  }
}

/** The target's state store: its file, or its row of a PostgreSQL state (by the manifests' stack). */
async function openTargetStore(target: Target): Promise<StateStore & { close?: () => Promise<void> }> {
  const where = statePath(target);
  const workspace = target.workspace ?? DEFAULT_WORKSPACE;
  if (!isPostgresUrl(where)) return new LocalStateStore(workspaceStateFile(path.resolve(where), workspace));
  const stack = (await stackNamedBy([target.manifests], target.cwd)).stack ?? 'default';
  return new PostgresStateStore(parsePgUrl(where, {}), stack, workspace);
}

/** Whether the target's state lock is free now (taken and given back at once). */
async function lockIsFree(target: Target): Promise<boolean> {
  const store = await openTargetStore(target);
  try {
    const lock = await store.lock('check', { timeoutMs: 0 });
    await lock.release();
    return true;
  } catch {
    return false;
  } finally {
    await store.close?.();
  }
}

/** Resolves once the emulator has counted `n` `/v1` requests (the counter `/_emulator/stats` serves). */
export async function afterRequests(fx: EmulatorFixture, n: number, timeoutMs = 30_000): Promise<number> {
  const start = Date.now();
  for (;;) {
    const total = fx.emulator.core.stats.total;
    if (total >= n) return total;
    if (Date.now() - start > timeoutMs) throw new Error(`only ${total} of ${n} requests in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

const ones = (keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, 1]));

/**
 * The end state of a converged apply, checked against the emulator with faults off: a plan finds
 * nothing to do; the journal is empty; the emulator holds one file per desired file (by filename,
 * nothing more), one stamped store per desired store and one stamped assistant per desired
 * assistant (nothing unstamped either), each store exactly its desired members, and the state's
 * ids are those objects.
 */
export async function expectConverged(
  target: Target,
  options: { others?: ReadonlySet<string> } = {},
): Promise<void> {
  const { fx } = target;
  // Objects of other stacks in the same account: left out of the counts (checked by their tests).
  const mine = <T extends { id: string }>(item: T) => !options.others?.has(item.id);
  const plan = await runCliProcess(planArgs(target), target.cwd);
  expect(plan.code, `plan --detailed-exitcode:\n${plan.stdout}${plan.stderr}`).toBe(0);

  const state = await readState(target);
  if (!state) throw new Error('no state was written');
  expect(state.pending).toEqual([]);
  expect(await lockIsFree(target), 'the lock is released').toBe(true);

  const { desired } = await loadDesired({
    files: [target.manifests],
    cwd: target.cwd,
    env: {},
    allowOutsideRoot: false,
  });
  const { client } = fx;
  const files = [];
  for await (const file of client.files.list({ limit: 100 })) if (mine(file)) files.push(file);
  const stores = [];
  for await (const store of client.vectorStores.list({ limit: 100 })) if (mine(store)) stores.push(store);
  const assistants = [];
  for await (const assistant of client.beta.assistants.list({ limit: 100 }))
    if (mine(assistant)) assistants.push(assistant);

  expect(countBy(files, (f) => f.filename)).toEqual(
    countBy(desired.files, (f) => path.posix.basename(f.relativePath)),
  );
  const stamped = <T extends { metadata: unknown }>(items: T[]) =>
    items.filter(
      (item) => (item.metadata as Record<string, string> | null)?.[STAMP_LINEAGE_KEY] === state.lineage,
    );
  const address = (item: { metadata: unknown }) =>
    String((item.metadata as Record<string, string>)[STAMP_ADDRESS_KEY]);
  expect(stores).toHaveLength(desired.vectorStores.length);
  expect(countBy(stamped(stores), address)).toEqual(ones(desired.vectorStores.map((s) => s.address)));
  expect(assistants).toHaveLength(desired.assistants.length);
  expect(countBy(stamped(assistants), address)).toEqual(ones(desired.assistants.map((a) => a.address)));

  // The state names exactly these objects.
  const idOf = (a: string) => state.resources[a]?.id;
  for (const file of desired.files) {
    const live = files.find((f) => f.filename === path.posix.basename(file.relativePath));
    expect(idOf(file.address), file.address).toBe(live?.id);
  }
  for (const store of stores) expect(idOf(address(store))).toBe(store.id);
  for (const assistant of assistants) expect(idOf(address(assistant))).toBe(assistant.id);

  // Each store holds its members once, none failed.
  for (const store of desired.vectorStores) {
    const storeId = idOf(store.address) as string;
    const members = [];
    for await (const member of client.vectorStores.files.list(storeId, { limit: 100 })) members.push(member);
    const wanted = desired.memberships
      .filter((m) => m.store === store.name)
      .map((m) => idOf(`file.${m.file}`));
    expect(members.map((m) => m.id).sort(), store.address).toEqual([...wanted].sort());
    expect(members.filter((m) => m.status === 'failed' || m.status === 'cancelled')).toEqual([]);
  }
  expect(fx.checker.failures()).toEqual([]);
}
