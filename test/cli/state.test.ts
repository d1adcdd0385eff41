import { readdir, readFile, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StateDocument } from '../../src/state/state-document.js';
import { deadPid, liveProcess } from '../helpers/processes.js';
import { runInProcess } from '../helpers/run-cli.js';
import { sampleState, stateText } from '../helpers/state-fixtures.js';
import { workspace } from '../helpers/workspace.js';

const STATE = '.assistants/state.json';

/** A workspace holding a hand-written state file (by default the sample: one resource of each kind). */
async function withState(doc: unknown = sampleState(), rel = STATE): Promise<string> {
  return workspace({ [rel]: typeof doc === 'string' ? doc : stateText(doc) });
}

async function readState(dir: string, rel = STATE): Promise<StateDocument> {
  return JSON.parse(await readFile(path.join(dir, rel), 'utf8')) as StateDocument;
}

const ALL = [
  'assistant.support-bot',
  'file.handbook',
  'vector_store.support-kb',
  'vector_store_file.support-kb/handbook',
];

describe('assistants state list', () => {
  it('prints the addresses, sorted, one per line', async () => {
    const dir = await withState();
    const run = await runInProcess(['state', 'list'], { cwd: dir });
    expect(run).toEqual({ code: 0, stdout: `${ALL.join('\n')}\n`, stderr: '' });
  });

  it('narrows to a prefix of whole names', async () => {
    const doc = sampleState();
    const handbook = sampleState().resources['file.handbook'];
    if (handbook) doc.resources['file.handbook-v2'] = { ...handbook, id: 'file-2' };
    const dir = await withState(doc);
    const list = async (prefix: string) =>
      (await runInProcess(['state', 'list', prefix], { cwd: dir })).stdout;
    expect(await list('vector_store')).toBe('vector_store.support-kb\n');
    expect(await list('vector_store_file.support-kb')).toBe('vector_store_file.support-kb/handbook\n');
    expect(await list('file.handbook')).toBe('file.handbook\n');
    expect(await list('file.')).toBe('file.handbook\nfile.handbook-v2\n');
    expect(await list('file.hand')).toBe('');
  });

  it('--json gives address, kind and id', async () => {
    const dir = await withState();
    const run = await runInProcess(['state', 'list', '--json', 'file'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([{ address: 'file.handbook', kind: 'file', id: 'file-abc123' }]);
  });

  it('prints nothing, exit 0, when there is no state yet', async () => {
    const dir = await workspace({});
    expect(await runInProcess(['state', 'list'], { cwd: dir })).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(JSON.parse((await runInProcess(['state', 'list', '--json'], { cwd: dir })).stdout)).toEqual([]);
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses a prefix that cannot start an address', async () => {
    const dir = await withState();
    const run = await runInProcess(['state', 'list', 'files'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error\[INVALID_ADDRESS\]: 'files' is not an address or the start of one\n/);
  });

  it('reads the state named by --state, before or after the command', async () => {
    const dir = await withState(sampleState(), 'elsewhere/prod.json');
    for (const argv of [
      ['--state', 'elsewhere/prod.json', 'state', 'list', 'assistant'],
      ['state', 'list', 'assistant', '--state', path.join(dir, 'elsewhere/prod.json')],
    ]) {
      const run = await runInProcess(argv, { cwd: dir });
      expect(run).toEqual({ code: 0, stdout: 'assistant.support-bot\n', stderr: '' });
    }
  });

  it('reports a corrupt state located, exit 1, and leaves it as it is', async () => {
    const corrupt = '{\n  "format_version": 1,\n  "lineage": oops\n}\n';
    const dir = await withState(corrupt);
    const run = await runInProcess(['state', 'list'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      [
        '.assistants/state.json:3:14 error[STATE_CORRUPT]: .assistants/state.json is not valid JSON: unexpected "oops"',
        ' 3 |   "lineage": oops',
        '   |              ^^^^',
        '  = hint: fix .assistants/state.json by hand; keep it: it is the only record of the resources assistants-iac made',
        '',
      ].join('\n'),
    );
    expect(await readFile(path.join(dir, STATE), 'utf8')).toBe(corrupt);
  });
});

describe('assistants state show', () => {
  it('prints id, kind, protect, dependencies and the attributes, readably', async () => {
    const dir = await withState();
    const run = await runInProcess(['state', 'show', 'vector_store_file.support-kb/handbook'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      [
        '# vector_store_file.support-kb/handbook',
        'id: file-abc123',
        'kind: vector_store_file',
        'protect: false',
        'dependencies:',
        '  - vector_store.support-kb',
        '  - file.handbook',
        'attributes:',
        '  vector_store_id: vs_def456',
        '  file_id: file-abc123',
        '  attributes:',
        '    region: eu',
        '    year: 2025',
        '    public: true',
        '  chunking_strategy:',
        '    max_chunk_size_tokens: 800',
        '    chunk_overlap_tokens: 400',
        '',
      ].join('\n'),
    );
  });

  it('keeps multi-line instructions readable', async () => {
    const dir = await withState();
    const run = await runInProcess(['state', 'show', 'assistant.support-bot'], { cwd: dir });
    expect(run.stdout).toContain('  instructions: |-\n    Answer product questions.\n    Be brief.\n');
  });

  it('--json gives the resource as stored', async () => {
    const dir = await withState();
    const run = await runInProcess(['state', 'show', '--json', 'assistant.support-bot'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(sampleState().resources['assistant.support-bot']);
  });

  it('gives RESOURCE_NOT_IN_STATE for an absent address, with a suggestion', async () => {
    const dir = await withState();
    const run = await runInProcess(['state', 'show', 'file.handbok'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^error\[RESOURCE_NOT_IN_STATE\]: file\.handbok is not in \.assistants\/state\.json; did you mean "file\.handbook"\?\n/,
    );
  });

  it('gives INVALID_ADDRESS for what is not an address, and RESOURCE_NOT_IN_STATE with no state', async () => {
    const dir = await workspace({});
    const invalid = await runInProcess(['state', 'show', 'handbook'], { cwd: dir });
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/^error\[INVALID_ADDRESS\]: 'handbook' is not a resource address\n/);
    const absent = await runInProcess(['state', 'show', 'file.handbook', '--json'], { cwd: dir });
    expect(absent.code).toBe(1);
    expect(JSON.parse(absent.stdout)).toMatchObject({
      error: true,
      diagnostics: [
        { code: 'RESOURCE_NOT_IN_STATE', message: expect.stringContaining('there is no state yet') },
      ],
    });
  });
});

describe('assistants state rm', () => {
  it('forgets the resources, prints each and a count, bumps serial, keeps a backup, releases the lock', async () => {
    const dir = await withState();
    const before = await readFile(path.join(dir, STATE), 'utf8');
    const run = await runInProcess(
      ['state', 'rm', 'assistant.support-bot', 'vector_store_file.support-kb/handbook'],
      {
        cwd: dir,
      },
    );
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(
      [
        'Removed assistant.support-bot',
        'Removed vector_store_file.support-kb/handbook',
        'Removed 2 resources from .assistants/state.json; nothing was deleted in the API.',
        'assistant.support-bot (asst_ghi789): its ownership stamp stays (OPENAI_API_KEY is not set); the state records it as forgotten, so gc leaves it alone',
        '',
      ].join('\n'),
    );
    expect(run.code).toBe(0);
    const after = await readState(dir);
    expect(Object.keys(after.resources)).toEqual(['file.handbook', 'vector_store.support-kb']);
    expect(after.forgotten).toEqual([
      { address: 'assistant.support-bot', kind: 'assistant', id: 'asst_ghi789', at: expect.any(String) },
    ]);
    // A state that records forgotten ids is format 2: earlier versions refuse it rather than drop them.
    expect(after.format_version).toBe(2);
    expect(after.serial).toBe(4);
    expect(await readFile(path.join(dir, `${STATE}.backup`), 'utf8')).toBe(before);
    expect((await readdir(path.join(dir, '.assistants'))).sort()).toEqual([
      'state.json',
      'state.json.backup',
    ]);
  });

  it('takes the memberships of a forgotten store along: they are part of it', async () => {
    const dir = await withState();
    const run = await runInProcess(['state', 'rm', 'vector_store.support-kb', '--keep-stamps'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      [
        'Removed vector_store.support-kb',
        'Removed vector_store_file.support-kb/handbook (with its store vector_store.support-kb)',
        'Removed 2 resources from .assistants/state.json; nothing was deleted in the API.',
        'vector_store.support-kb (vs_def456): its ownership stamp stays (--keep-stamps); the state records it as forgotten, so gc leaves it alone',
        '',
      ].join('\n'),
    );
    expect(Object.keys((await readState(dir)).resources)).toEqual(['assistant.support-bot', 'file.handbook']);
  });

  it('notes resources left behind that depend on a forgotten one, and drops its journal entries', async () => {
    const doc = sampleState({
      pending: [
        {
          id: 'op-1',
          address: 'file.handbook',
          kind: 'file',
          operation: 'update',
          started_at: '2026-05-01T10:00:00Z',
          resource_id: 'file-abc123',
        },
      ],
    });
    const dir = await withState(doc);
    const run = await runInProcess(['state', 'rm', 'file.handbook'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      [
        'note: assistant.support-bot depends on file.handbook, which is no longer in the state',
        'note: vector_store_file.support-kb/handbook depends on file.handbook, which is no longer in the state',
        '',
      ].join('\n'),
    );
    expect((await readState(dir)).pending).toEqual([]);
  });

  it('writes nothing at all when one address is invalid or absent', async () => {
    const dir = await withState();
    const file = path.join(dir, STATE);
    const before = await readFile(file, 'utf8');
    const mtime = (await stat(file)).mtimeMs;

    const invalid = await runInProcess(['state', 'rm', 'file.handbook', 'kb'], { cwd: dir });
    expect(invalid.code).toBe(1);
    expect(invalid.stdout).toBe('');
    expect(invalid.stderr).toContain("error[INVALID_ADDRESS]: 'kb' is not a resource address");

    const absent = await runInProcess(['state', 'rm', 'file.handbook', 'assistant.other', 'file.gone'], {
      cwd: dir,
    });
    expect(absent.code).toBe(1);
    expect(absent.stdout).toBe('');
    expect(absent.stderr).toContain(
      'error[RESOURCE_NOT_IN_STATE]: assistant.other is not in .assistants/state.json',
    );
    expect(absent.stderr).toContain(
      'error[RESOURCE_NOT_IN_STATE]: file.gone is not in .assistants/state.json',
    );

    expect(await readFile(file, 'utf8')).toBe(before);
    expect((await stat(file)).mtimeMs).toBe(mtime);
    expect((await readdir(path.dirname(file))).sort()).toEqual(['state.json']);
  });

  it('gives RESOURCE_NOT_IN_STATE with no state, and creates nothing', async () => {
    const dir = await workspace({});
    const run = await runInProcess(['state', 'rm', 'file.handbook'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'error[RESOURCE_NOT_IN_STATE]: file.handbook is not in .assistants/state.json',
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it('waits --lock-timeout for a lock held by another live process, then fails naming it (exit 1)', async () => {
    const holder = await liveProcess();
    const lock = JSON.stringify({
      id: '9c1d2e3f-0000-4000-8000-000000000001',
      operation: 'apply',
      who: 'ci@runner-7',
      host: hostname(),
      pid: holder.pid,
      created: '2026-05-01T10:00:00.000Z',
    });
    const dir = await workspace({ [STATE]: stateText(sampleState()), [`${STATE}.lock`]: lock });
    const before = await readFile(path.join(dir, STATE), 'utf8');
    const started = Date.now();
    const run = await runInProcess(['state', 'rm', '--lock-timeout', '300ms', 'file.handbook'], { cwd: dir });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      new RegExp(
        `^error\\[STATE_LOCKED\\]: \\.assistants/state\\.json is locked by ci@runner-7 \\(pid ${holder.pid}\\), running "apply" since 2026-05-01T10:00:00\\.000Z; lock id 9c1d2e3f-0000-4000-8000-000000000001 \\(waited \\d+ms\\)\n`,
      ),
    );
    expect(run.stderr).toContain('assistants force-unlock 9c1d2e3f-0000-4000-8000-000000000001');
    expect(await readFile(path.join(dir, STATE), 'utf8')).toBe(before);
    expect(await readFile(path.join(dir, `${STATE}.lock`), 'utf8')).toBe(lock);
  });

  it('refuses a --lock-timeout that is not a duration', async () => {
    const dir = await withState();
    const run = await runInProcess(['state', 'rm', '--lock-timeout', '5', 'file.handbook'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("error[USAGE]: --lock-timeout takes a duration, not '5'");
    expect(Object.keys((await readState(dir)).resources)).toHaveLength(4);
  });
});

describe('assistants output', () => {
  it('prints ADDRESS = ID for files, vector stores and assistants, not memberships', async () => {
    const dir = await withState();
    const run = await runInProcess(['output'], { cwd: dir });
    expect(run).toEqual({
      code: 0,
      stdout: [
        'assistant.support-bot = asst_ghi789',
        'file.handbook = file-abc123',
        'vector_store.support-kb = vs_def456',
        '',
      ].join('\n'),
      stderr: '',
    });
  });

  it('--json groups ids by kind and name', async () => {
    const dir = await withState();
    const run = await runInProcess(['output', '--json'], { cwd: dir });
    expect(JSON.parse(run.stdout)).toEqual({
      files: { handbook: 'file-abc123' },
      vector_stores: { 'support-kb': 'vs_def456' },
      assistants: { 'support-bot': 'asst_ghi789' },
      skills: {},
      agents: {},
    });
  });

  it('with no state where --state and --workspace point: STATE_NOT_FOUND, exit 1 (a typo never reads as an empty stack)', async () => {
    const dir = await workspace({});
    const text = await runInProcess(['output'], { cwd: dir });
    expect(text.code).toBe(1);
    expect(text.stderr).toContain('error[STATE_NOT_FOUND]: there is no state at .assistants/state.json');
    const typo = await runInProcess(['output', '--json', '--state', 'stat.json'], { cwd: dir });
    expect(typo.code).toBe(1);
    expect(JSON.parse(typo.stdout).diagnostics[0].code).toBe('STATE_NOT_FOUND');
  });

  it('with a state that holds nothing (after destroy): empty groups', async () => {
    const dir = await withState({ ...sampleState(), resources: {} });
    expect(await runInProcess(['output'], { cwd: dir })).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(JSON.parse((await runInProcess(['output', '--json'], { cwd: dir })).stdout)).toEqual({
      files: {},
      vector_stores: {},
      assistants: {},
      skills: {},
      agents: {},
    });
    expect(
      JSON.parse((await runInProcess(['output', '--format', 'responses'], { cwd: dir })).stdout),
    ).toEqual({});
  });

  it('one resource: its id; an unknown address: RESOURCE_NOT_IN_STATE, exit 1', async () => {
    const dir = await withState();
    expect(await runInProcess(['output', 'vector_store.support-kb'], { cwd: dir })).toEqual({
      code: 0,
      stdout: 'vs_def456\n',
      stderr: '',
    });
    const missing = await runInProcess(['output', 'agent.nope'], { cwd: dir });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('error[RESOURCE_NOT_IN_STATE]: agent.nope is not in the state');
  });

  it('--raw: the id alone, without a newline; refused without an address or with another format', async () => {
    const dir = await withState();
    expect(await runInProcess(['output', 'file.handbook', '--raw'], { cwd: dir })).toEqual({
      code: 0,
      stdout: 'file-abc123',
      stderr: '',
    });
    for (const args of [['--raw'], ['file.handbook', '--raw', '--json'], ['--json', '--format', 'text']]) {
      const run = await runInProcess(['output', ...args], { cwd: dir });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('error[USAGE]');
    }
    // A bare name, as Terraform names outputs: the one resource of that name.
    expect(await runInProcess(['output', 'handbook', '--raw'], { cwd: dir })).toEqual({
      code: 0,
      stdout: 'file-abc123',
      stderr: '',
    });
    expect((await runInProcess(['output', 'support-kb'], { cwd: dir })).stdout).toBe('vs_def456\n');
    const doc = sampleState();
    const handbook = doc.resources['file.handbook'];
    if (handbook) doc.resources['file.support-kb'] = { ...handbook, id: 'file-kb' };
    const twice = await runInProcess(['output', 'support-kb', '--raw'], { cwd: await withState(doc) });
    expect(twice.code).toBe(1);
    expect(twice.stdout).toBe('');
    expect(twice.stderr).toContain(
      "'support-kb' names 2 resources: file.support-kb, vector_store.support-kb",
    );
    // A file named like an address (agent.md) is found by its name.
    const named = sampleState();
    if (handbook) named.resources['file.agent.md'] = { ...handbook, id: 'file-agent-md' };
    const lookalike = await runInProcess(['output', 'agent.md', '--raw'], { cwd: await withState(named) });
    expect(lookalike).toEqual({ code: 0, stdout: 'file-agent-md', stderr: '' });
    const none = await runInProcess(['output', 'nothing-here', '--raw'], { cwd: dir });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(
      "error[RESOURCE_NOT_IN_STATE]: no resource in the state is named 'nothing-here'",
    );
    const notAgent = await runInProcess(['output', 'file.handbook', '--format', 'responses'], { cwd: dir });
    expect(notAgent.code).toBe(1);
    expect(notAgent.stdout + notAgent.stderr).toContain('file.handbook is not an agent');
  });
});

describe('assistants force-unlock', () => {
  const lock = JSON.stringify({
    id: 'lock-1234',
    operation: 'apply',
    who: 'ci@runner-7',
    host: 'runner-7',
    pid: 4242,
    created: '2026-05-01T10:00:00.000Z',
  });

  it('removes the lock that carries the id; from another host, saying its holder cannot be checked', async () => {
    const dir = await workspace({ [`${STATE}.lock`]: lock });
    const run = await runInProcess(['force-unlock', 'lock-1234'], { cwd: dir });
    expect(run).toEqual({
      code: 0,
      stdout: 'Unlocked .assistants/state.json: lock lock-1234 removed.\n',
      stderr:
        'note: the lock was held by ci@runner-7 (pid 4242) on host runner-7; whether that run still goes on cannot be checked from this host: make sure it has ended, or it may write the state beside the next run\n',
    });
    expect(await readdir(path.join(dir, '.assistants'))).toEqual([]);
  });

  const lockHere = (pid: number) =>
    JSON.stringify({
      id: 'lock-5678',
      operation: 'apply',
      who: 'ci@runner-7',
      host: hostname(),
      pid,
      created: '2026-05-01T10:00:00.000Z',
    });

  it('refuses the lock of a run still alive on this host, saying who, since when, and that --force overrides', async () => {
    const holder = await liveProcess();
    const dir = await workspace({ [`${STATE}.lock`]: lockHere(holder.pid) });
    const run = await runInProcess(['force-unlock', 'lock-5678'], { cwd: dir });
    expect(run).toEqual({
      code: 1,
      stdout: '',
      stderr: [
        `error[LOCK_HOLDER_ALIVE]: .assistants/state.json is locked by ci@runner-7 (pid ${holder.pid}), running "apply" since 2026-05-01T10:00:00.000Z; lock id lock-5678, and that process (pid ${holder.pid}) is still running on this host: the lock was left in place`,
        '  = hint: let that run finish, or stop it; if it no longer uses the state (it hangs, or the pid now belongs to another program), `assistants force-unlock lock-5678 --force` removes the lock anyway',
        '',
      ].join('\n'),
    });
    expect(await readFile(path.join(dir, `${STATE}.lock`), 'utf8')).toBe(lockHere(holder.pid));

    const forced = await runInProcess(['force-unlock', 'lock-5678', '--force'], { cwd: dir });
    expect(forced.code).toBe(0);
    expect(forced.stdout).toBe('Unlocked .assistants/state.json: lock lock-5678 removed.\n');
    expect(forced.stderr).toContain(`note: removed with --force while pid ${holder.pid}`);
    expect(await readdir(path.join(dir, '.assistants'))).toEqual([]);
  });

  it('removes the lock of a dead process of this host, as before', async () => {
    const pid = await deadPid();
    const dir = await workspace({ [`${STATE}.lock`]: lockHere(pid) });
    const run = await runInProcess(['force-unlock', 'lock-5678'], { cwd: dir });
    expect(run).toEqual({
      code: 0,
      stdout: 'Unlocked .assistants/state.json: lock lock-5678 removed.\n',
      stderr: '',
    });
    expect(await readdir(path.join(dir, '.assistants'))).toEqual([]);
  });

  it('refuses another id, naming the lock that is held, and leaves it', async () => {
    const dir = await workspace({ [`${STATE}.lock`]: lock });
    const run = await runInProcess(['force-unlock', 'lock-9999'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^error\[LOCK_NOT_FOUND\]: \.assistants\/state\.json is locked under id lock-1234, not lock-9999: held by ci@runner-7 \(pid 4242\)/,
    );
    expect(await readFile(path.join(dir, `${STATE}.lock`), 'utf8')).toBe(lock);
  });

  it('says so when no lock is held', async () => {
    const dir = await workspace({});
    const run = await runInProcess(['force-unlock', 'lock-1234'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'error[LOCK_NOT_FOUND]: .assistants/state.json is not locked: there is no lock lock-1234 to remove',
    );
  });
});

describe('state commands and a journal log an interrupted run left', () => {
  /** The sample state (serial 1), and a log beside it that records file.extra and drops file.handbook. */
  async function withLeftoverLog(): Promise<{ dir: string; log: string }> {
    const doc = { ...sampleState(), serial: 1 };
    const dir = await withState(doc);
    const extra = { ...(sampleState().resources['file.handbook'] as object), id: 'file-extra' };
    const log = [
      JSON.stringify({ journal: 1, lineage: doc.lineage, stack: doc.stack, serial: 1 }),
      JSON.stringify({ seq: 1, recorded: { 'file.extra': extra } }),
      JSON.stringify({ seq: 2, removed: ['file.handbook'] }),
      '{"seq":3,"started":[{"id":"torn',
    ].join('\n');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path.join(dir, '.assistants/state.journal'), log);
    return { dir, log };
  }

  it('state list and show see the state as the log makes it, and write nothing', async () => {
    const { dir, log } = await withLeftoverLog();
    const before = await readFile(path.join(dir, STATE), 'utf8');
    const list = await runInProcess(['state', 'list', 'file'], { cwd: dir });
    expect(list).toEqual({ code: 0, stdout: 'file.extra\n', stderr: '' });
    const show = await runInProcess(['state', 'show', 'file.extra', '--json'], { cwd: dir });
    expect(JSON.parse(show.stdout).id).toBe('file-extra');
    expect(await readFile(path.join(dir, STATE), 'utf8')).toBe(before);
    expect(await readFile(path.join(dir, '.assistants/state.journal'), 'utf8')).toBe(log);
  });

  it('state rm folds the log into the state under the lock, then removes', async () => {
    const { dir } = await withLeftoverLog();
    const run = await runInProcess(['state', 'rm', 'file.extra'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const after = await readState(dir);
    expect(Object.keys(after.resources)).not.toContain('file.extra');
    expect(Object.keys(after.resources)).not.toContain('file.handbook');
    expect(after.serial).toBe(4); // 1 + two events, + the rm
    const names = await readdir(path.join(dir, '.assistants'));
    expect(names).not.toContain('state.journal');
  });

  it('a garbled log is a located error, exit 1, for a read-only command too', async () => {
    const { dir } = await withLeftoverLog();
    const { appendFile } = await import('node:fs/promises');
    await appendFile(path.join(dir, '.assistants/state.journal'), '\nnot json\n');
    const run = await runInProcess(['state', 'list'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error[STATE_JOURNAL_CORRUPT]');
    expect(run.stderr).toContain('.assistants/state.journal:4');
  });
});
