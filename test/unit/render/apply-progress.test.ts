import { describe, expect, it, vi } from 'vitest';
import type { ApplyEvent, PhaseTotal } from '../../../src/apply/events.js';
import type { Io } from '../../../src/cli/io.js';
import type { Action } from '../../../src/model/plan.js';
import {
  applySummaryLine,
  createApplyProgress,
  PROGRESS_LINE_INTERVAL_MS,
} from '../../../src/render/apply-progress.js';
import { FAILURES_SHOWN, IN_FLIGHT_SHOWN } from '../../../src/render/apply-progress-tasks.js';
import { createStyle } from '../../../src/render/style.js';

const plain = createStyle(false);
const colour = createStyle(true);

function fakeIo(options: { isTTY?: boolean; env?: Record<string, string> } = {}): Io & { out: () => string } {
  let out = '';
  return {
    stdout: (text) => {
      out += text;
    },
    stderr: (text) => {
      throw new Error(`unexpected stderr: ${text}`);
    },
    env: options.env ?? {},
    cwd: '/work',
    isTTY: options.isTTY ?? true,
    onStop: () => () => {},
    out: () => out,
  };
}

/** A clock that stands still until a test moves it. */
function fakeClock(start = '2026-11-21T10:00:00.000Z') {
  let ms = Date.parse(start);
  return {
    now: () => new Date(ms),
    advance: (seconds: number) => {
      ms += seconds * 1000;
    },
  };
}

const kindOf = (address: string) => address.slice(0, address.indexOf('.')) as 'file';

const start = (address: string, action: Action, phase: 'create' | 'delete' = 'create'): ApplyEvent => ({
  type: 'resource-start',
  address,
  kind: kindOf(address),
  action,
  phase,
});
const done = (
  address: string,
  action: Action,
  id?: string,
  phase: 'create' | 'delete' = 'create',
): ApplyEvent => ({
  type: 'resource-done',
  address,
  kind: kindOf(address),
  action,
  phase,
  ...(id === undefined ? {} : { id }),
});
const failed = (address: string, action: Action, message: string): ApplyEvent => ({
  type: 'resource-failed',
  address,
  kind: kindOf(address),
  action,
  error: { severity: 'error', code: 'API_ERROR', message },
});
const indexing = (address: string, completed: number, failedFiles: number, total: number): ApplyEvent => ({
  type: 'indexing',
  address,
  completed,
  failed: failedFiles,
  total,
});
const applyDone = (
  counts: { added: number; changed: number; destroyed: number },
  outcome: { failed?: number; interrupted?: boolean } = {},
): ApplyEvent => ({
  type: 'apply-done',
  counts,
  failed: outcome.failed ?? 0,
  interrupted: outcome.interrupted ?? false,
});

/** Strips cursor movement and colour, keeping the text a person would see. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes are what this removes
const visible = (text: string) => text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for SGR (colour) escapes on purpose
const SGR = /\u001b\[[0-9;]*m/;

function plainRun(
  events: (clock: ReturnType<typeof fakeClock>) => Iterable<ApplyEvent | number>,
  verbose = true,
) {
  const io = fakeIo({ isTTY: false });
  const clock = fakeClock();
  const progress = createApplyProgress(io, { style: plain, mode: 'plain', verbose, now: clock.now });
  // A number in the sequence moves the clock that many seconds.
  for (const item of events(clock)) {
    if (typeof item === 'number') clock.advance(item);
    else progress.sink(item);
  }
  return { io, progress };
}

describe('verbose apply progress (--verbose)', () => {
  it('writes one timestamped line per event that matters, then the summary', async () => {
    const { io, progress } = plainRun(() => [
      { type: 'apply-start', changes: 7 },
      { type: 'journal-resolved', adopted: ['file.notes'], cleaned: ['file-orphan'] },
      start('file.faq', 'create'),
      1,
      done('file.faq', 'create', 'file-abc'),
      start('vector_store.kb', 'create'),
      done('vector_store.kb', 'create', 'vs_kb'),
      start('vector_store_file.kb/faq', 'create'),
      start('vector_store_file.kb/guide', 'create'),
      indexing('vector_store.kb', 0, 0, 40),
      2,
      indexing('vector_store.kb', 10, 0, 40),
      4,
      indexing('vector_store.kb', 34, 1, 40),
      3,
      { type: 'indexing-done', address: 'vector_store.kb', completed: 39, failed: 1, total: 40 },
      {
        type: 'file-failed',
        store: 'vector_store.kb',
        file: 'vector_store_file.kb/faq',
        code: 'unsupported_file',
        message: 'The file type is not supported.',
      },
      failed('vector_store_file.kb/faq', 'create', 'the file failed to index'), // said already
      done('vector_store_file.kb/guide', 'create', 'file-guide'),
      start('assistant.bot', 'update'),
      failed('assistant.bot', 'update', 'The model `gpt-9` does not exist.\nSecond line of detail.'),
      start('file.guide', 'create-delete', 'create'),
      done('file.guide', 'create-delete', 'file-new', 'create'),
      { type: 'stopping', signal: 'SIGINT' },
      start('file.guide', 'create-delete', 'delete'),
      done('file.guide', 'create-delete', undefined, 'delete'),
      start('assistant.old', 'delete'),
      done('assistant.old', 'delete'),
      applyDone({ added: 2, changed: 0, destroyed: 1 }, { failed: 1, interrupted: true }),
    ]);
    await progress.finish();
    expect(io.out()).toMatchInlineSnapshot(`
      "2026-11-21T10:00:00.000Z adopted what an interrupted apply made: file.notes
      2026-11-21T10:00:00.000Z cleaned up after an interrupted apply: file-orphan
      2026-11-21T10:00:00.000Z file.faq: creating...
      2026-11-21T10:00:01.000Z file.faq: created (file-abc)
      2026-11-21T10:00:01.000Z vector_store.kb: creating...
      2026-11-21T10:00:01.000Z vector_store.kb: created (vs_kb)
      2026-11-21T10:00:01.000Z vector_store_file.kb/faq: creating...
      2026-11-21T10:00:01.000Z vector_store_file.kb/guide: creating...
      2026-11-21T10:00:01.000Z vector_store.kb: indexing 0/40 files
      2026-11-21T10:00:07.000Z vector_store.kb: indexing 34/40 files (1 failed)
      2026-11-21T10:00:10.000Z vector_store.kb: indexed 39/40 files (1 failed)
      2026-11-21T10:00:10.000Z vector_store_file.kb/faq: FAILED to index: unsupported_file: The file type is not supported.
      2026-11-21T10:00:10.000Z vector_store_file.kb/guide: created (file-guide)
      2026-11-21T10:00:10.000Z assistant.bot: modifying...
      2026-11-21T10:00:10.000Z assistant.bot: FAILED to modify: API_ERROR: The model \`gpt-9\` does not exist. ...
      2026-11-21T10:00:10.000Z file.guide: creating replacement...
      2026-11-21T10:00:10.000Z file.guide: created replacement (file-new)
      2026-11-21T10:00:10.000Z stopping on SIGINT: letting calls in flight finish
      2026-11-21T10:00:10.000Z file.guide: destroying old...
      2026-11-21T10:00:10.000Z file.guide: destroyed old
      2026-11-21T10:00:10.000Z assistant.old: destroying...
      2026-11-21T10:00:10.000Z assistant.old: destroyed

      Apply interrupted. Resources so far: 2 added, 0 changed, 1 destroyed.
      "
    `);
  });

  it('throttles indexing lines per store: on change only, at most one per 5 s, always the final count', () => {
    const { io } = plainRun(() => [
      indexing('vector_store.a', 0, 0, 10),
      indexing('vector_store.b', 0, 0, 5), // another store is not throttled by the first
      1,
      indexing('vector_store.a', 3, 0, 10), // too soon
      5,
      indexing('vector_store.a', 3, 0, 10), // 6 s later: printed, counts differ from the last line
      6,
      indexing('vector_store.a', 3, 0, 10), // unchanged: never printed
      indexing('vector_store.b', 5, 0, 5),
      1,
      { type: 'indexing-done', address: 'vector_store.b', completed: 5, failed: 0, total: 5 }, // final: always
      indexing('vector_store.a', 9, 1, 10), // 7 s after the last line of a
    ]);
    expect(io.out()).toMatchInlineSnapshot(`
      "2026-11-21T10:00:00.000Z vector_store.a: indexing 0/10 files
      2026-11-21T10:00:00.000Z vector_store.b: indexing 0/5 files
      2026-11-21T10:00:06.000Z vector_store.a: indexing 3/10 files
      2026-11-21T10:00:12.000Z vector_store.b: indexing 5/5 files
      2026-11-21T10:00:13.000Z vector_store.b: indexed 5/5 files
      2026-11-21T10:00:13.000Z vector_store.a: indexing 9/10 files (1 failed)
      "
    `);
  });

  it('words every action and phase', () => {
    const { io } = plainRun(() => [
      start('assistant.a', 'update'),
      done('assistant.a', 'update', 'asst_1'),
      start('vector_store.kb', 'delete-create', 'delete'),
      done('vector_store.kb', 'delete-create', undefined, 'delete'),
      start('vector_store.kb', 'delete-create', 'create'),
      failed('vector_store.kb', 'delete-create', 'no'),
      failed('file.x', 'create-delete', 'failure without a start'),
      failed('file.y', 'delete', 'gone'),
    ]);
    expect(io.out().replace(/^\S+ /gm, '')).toMatchInlineSnapshot(`
      "assistant.a: modifying...
      assistant.a: modified (asst_1)
      vector_store.kb: destroying old...
      vector_store.kb: destroyed old
      vector_store.kb: creating replacement...
      vector_store.kb: FAILED to create replacement: API_ERROR: no
      file.x: FAILED to replace: API_ERROR: failure without a start
      file.y: FAILED to destroy: API_ERROR: gone
      "
    `);
  });

  it('ends with the summary line of each outcome', () => {
    const last = (event: ApplyEvent) => {
      const { io } = plainRun(() => [event]);
      return io.out();
    };
    expect(last(applyDone({ added: 3, changed: 1, destroyed: 0 }))).toBe(
      '\nApply complete! Resources: 3 added, 1 changed, 0 destroyed.\n',
    );
    expect(last(applyDone({ added: 1, changed: 0, destroyed: 0 }, { failed: 2 }))).toBe(
      '\nApply finished with errors. Resources: 1 added, 0 changed, 0 destroyed.\n',
    );
    expect(last(applyDone({ added: 0, changed: 0, destroyed: 2 }, { interrupted: true }))).toBe(
      '\nApply interrupted. Resources so far: 0 added, 0 changed, 2 destroyed.\n',
    );
  });

  it('colours only when the style does', () => {
    const io = fakeIo({ isTTY: false });
    const progress = createApplyProgress(io, {
      style: colour,
      mode: 'plain',
      verbose: true,
      now: fakeClock().now,
    });
    progress.sink(failed('file.x', 'create', 'no'));
    expect(io.out()).toMatch(SGR);
    expect(visible(io.out())).toBe('2026-11-21T10:00:00.000Z file.x: FAILED to create: API_ERROR: no\n');
  });

  it('stamps lines with the system clock by default', () => {
    const io = fakeIo({ isTTY: false });
    createApplyProgress(io, { style: plain, mode: 'plain', verbose: true }).sink(start('file.x', 'create'));
    expect(io.out()).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z file\.x: creating\.\.\.\n$/);
  });
});

interface StackRun {
  files: number;
  stores: number;
  /** Files whose upload fails (their attachments are skipped). */
  failing?: number[];
  /** Files that fail to index. */
  unindexed?: number[];
}

/**
 * The events of a first apply of `files` files spread over `stores` stores and one assistant, in
 * the order the executor emits them: uploads 8 at a time (10 ms each), the stores, a file batch per
 * store polled every 2 s, the assistant. Numbers move the clock (see plainRun).
 */
function* firstApply(run: StackRun): Generator<ApplyEvent | number> {
  const failing = new Set(run.failing ?? []);
  const unindexed = new Set(run.unindexed ?? []);
  const byStore = Array.from({ length: run.stores }, (_, s) =>
    Array.from({ length: run.files }, (_, i) => i).filter((i) => i % run.stores === s),
  );
  const phases: PhaseTotal[] = [
    { kind: 'file', phase: 'create', actions: { create: run.files } },
    { kind: 'vector_store', phase: 'create', actions: { create: run.stores } },
    ...byStore.map(
      (members, s): PhaseTotal => ({
        kind: 'vector_store_file',
        phase: 'create',
        store: `vector_store.s${s}`,
        actions: { create: members.length },
      }),
    ),
    { kind: 'assistant', phase: 'create', actions: { create: 1 } },
  ];
  yield { type: 'apply-start', changes: run.files * 2 + run.stores + 1, phases };
  const parallel = 8;
  for (let i = 0; i < Math.min(parallel, run.files); i++) yield start(`file.f${i}`, 'create');
  for (let i = 0; i < run.files; i++) {
    yield 0.01;
    yield failing.has(i) ? failed(`file.f${i}`, 'create', 'boom') : done(`file.f${i}`, 'create', `file-${i}`);
    if (i + parallel < run.files) yield start(`file.f${i + parallel}`, 'create');
  }
  for (let s = 0; s < run.stores; s++) {
    yield start(`vector_store.s${s}`, 'create');
    yield 0.2;
    yield done(`vector_store.s${s}`, 'create', `vs_${s}`);
  }
  for (const [s, members] of byStore.entries()) {
    const member = (i: number) => `vector_store_file.s${s}/f${i}`;
    const attached = members.filter((i) => !failing.has(i));
    for (const i of members)
      if (failing.has(i)) yield failed(member(i), 'create', `skipped: file.f${i} failed`);
      else yield start(member(i), 'create');
    for (let poll = 1; poll <= 10; poll++) {
      yield 2;
      const completed = Math.floor((attached.length * poll) / 10);
      yield indexing(`vector_store.s${s}`, completed, 0, attached.length);
    }
    const bad = attached.filter((i) => unindexed.has(i));
    yield {
      type: 'indexing-done',
      address: `vector_store.s${s}`,
      completed: attached.length - bad.length,
      failed: bad.length,
      total: attached.length,
    };
    for (const i of bad) {
      yield {
        type: 'file-failed',
        store: `vector_store.s${s}`,
        file: member(i),
        code: 'unsupported_file',
        message: 'The file type is not supported.',
      };
      yield failed(member(i), 'create', 'the file failed to index');
    }
    for (const i of attached) if (!unindexed.has(i)) yield done(member(i), 'create', `file-${i}`);
  }
  yield start('assistant.bot', 'create');
  yield done('assistant.bot', 'create', 'asst_1');
  const failures = failing.size * 2 + unindexed.size;
  yield applyDone(
    { added: run.files * 2 + run.stores + 1 - failures, changed: 0, destroyed: 0 },
    { failed: failures },
  );
}

describe('plain apply progress', () => {
  const big = { files: 3000, stores: 3, failing: [17, 2500], unindexed: [42, 43, 1234] };

  it('logs a first apply of 3,000 files in a few lines per phase, a summary per store and every failure', async () => {
    const { io, progress } = plainRun(() => firstApply(big), false);
    await progress.finish();
    const lines = io.out().trimEnd().split('\n');
    expect(lines.length).toBeLessThan(60);
    const text = io.out().replace(/^\S+Z /gm, '');
    // No line per file: only failures name a resource.
    expect(text).not.toMatch(/^(file|vector_store_file)\.\S+: (creating|created)/m);
    expect(text).toContain('files: 3,000 to upload\n');
    expect(text).toMatch(/^files: 2,998\/3,000 uploaded \(2 failed\) in \d+\.\ds$/m);
    expect(text).toContain('attachments: 3,000 to attach in 3 stores\n');
    for (const s of [0, 1, 2])
      expect(text).toMatch(
        new RegExp(
          `^vector_store\\.s${s}: [\\d,]+/1,000 attached, [\\d,]+/[\\d,]+ indexed.* in \\d+\\.\\ds$`,
          'm',
        ),
      );
    expect(text).toMatch(/^vector_store\.s1: 997\/1,000 attached, 997\/999 indexed \(3 failed\) in/m);
    for (const i of big.failing) {
      expect(text).toContain(`file.f${i}: FAILED to create: API_ERROR: boom\n`);
      expect(text).toContain(
        `vector_store_file.s${i % 3}/f${i}: FAILED to create: API_ERROR: skipped: file.f${i} failed\n`,
      );
    }
    for (const i of big.unindexed)
      expect(text).toContain(
        `vector_store_file.s${i % 3}/f${i}: FAILED to index: unsupported_file: The file type is not supported.\n`,
      );
    expect(text).not.toContain('the file failed to index'); // said once, as the indexing failure
    expect(text).toMatch(/^attachments: 2,995\/3,000 attached, 2,995\/2,998 indexed \(5 failed\) in/m);
    expect(text).toMatch(/^assistants: 1\/1 created in/m);
    expect(lines.at(-1)).toMatch(/^Apply finished with errors\./);
  });

  it('with --verbose, writes a line per call of every resource', async () => {
    const { io, progress } = plainRun(() => firstApply(big), true);
    await progress.finish();
    const text = io.out();
    expect(text.split('\n').length).toBeGreaterThan(12_000);
    expect(text).toMatch(/^\S+ file\.f0: creating\.\.\.$/m);
    expect(text).toMatch(/^\S+ vector_store_file\.s1\/f1: created \(file-1\)$/m);
  });

  it('says when each phase starts and ends, what a stop left, and the summary', async () => {
    const { io, progress } = plainRun(
      () => [
        {
          type: 'apply-start',
          changes: 6,
          phases: [
            { kind: 'file', phase: 'create', actions: { create: 1, 'create-delete': 1 } },
            { kind: 'assistant', phase: 'create', actions: { update: 1 } },
            { kind: 'assistant', phase: 'delete', actions: { delete: 1 } },
            { kind: 'vector_store_file', phase: 'delete', actions: { delete: 1 } },
            { kind: 'file', phase: 'delete', actions: { 'create-delete': 1, delete: 2 } },
          ],
        },
        { type: 'journal-resolved', adopted: ['file.notes'], cleaned: ['file-orphan'] },
        start('file.faq', 'create'),
        start('file.guide', 'create-delete', 'create'),
        1.5,
        done('file.faq', 'create', 'file-abc'),
        done('file.guide', 'create-delete', 'file-new', 'create'),
        start('assistant.bot', 'update'),
        failed('assistant.bot', 'update', 'The model `gpt-9` does not exist.\nSecond line of detail.'),
        start('assistant.old', 'delete', 'delete'),
        done('assistant.old', 'delete', undefined, 'delete'),
        start('vector_store_file.kb/old', 'delete', 'delete'),
        done('vector_store_file.kb/old', 'delete', undefined, 'delete'),
        start('file.guide', 'create-delete', 'delete'),
        start('file.old', 'delete', 'delete'),
        { type: 'stopping', signal: 'SIGINT' },
        0.25,
        done('file.guide', 'create-delete', undefined, 'delete'),
        done('file.old', 'delete', undefined, 'delete'),
        applyDone({ added: 2, changed: 0, destroyed: 4 }, { failed: 1, interrupted: true }),
      ],
      false,
    );
    await progress.finish();
    expect(io.out()).toMatchInlineSnapshot(`
      "2026-11-21T10:00:00.000Z adopted what an interrupted apply made: file.notes
      2026-11-21T10:00:00.000Z cleaned up after an interrupted apply: file-orphan
      2026-11-21T10:00:00.000Z files: 2 to upload
      2026-11-21T10:00:01.500Z files: 2/2 uploaded in 1.5s
      2026-11-21T10:00:01.500Z assistants: 1 to modify
      2026-11-21T10:00:01.500Z assistant.bot: FAILED to modify: API_ERROR: The model \`gpt-9\` does not exist. ...
      2026-11-21T10:00:01.500Z assistants: 0/1 modified (1 failed) in 0ms
      2026-11-21T10:00:01.500Z assistants: 1 to destroy
      2026-11-21T10:00:01.500Z assistants: 1/1 destroyed in 0ms
      2026-11-21T10:00:01.500Z attachments: 1 to detach
      2026-11-21T10:00:01.500Z attachments: 1/1 detached in 0ms
      2026-11-21T10:00:01.500Z files: 3 to destroy
      2026-11-21T10:00:01.500Z stopping on SIGINT: letting calls in flight finish
      2026-11-21T10:00:01.750Z files: 2/3 destroyed, stopped on SIGINT after 250ms

      Apply interrupted. Resources so far: 2 added, 0 changed, 4 destroyed.
      "
    `);
  });

  it('writes a line of counts at most every PROGRESS_LINE_INTERVAL_MS while a phase runs, when they changed', () => {
    const interval = PROGRESS_LINE_INTERVAL_MS / 1000;
    const { io } = plainRun(
      () => [
        {
          type: 'apply-start',
          changes: 4,
          phases: [{ kind: 'file', phase: 'create', actions: { create: 4 } }],
        },
        start('file.a', 'create'),
        start('file.b', 'create'),
        start('file.c', 'create'),
        start('file.d', 'create'),
        1,
        done('file.a', 'create'), // too soon after the phase's first line
        interval,
        done('file.b', 'create'), // written
        interval / 2,
        done('file.c', 'create'), // too soon
        interval,
        { type: 'resource-start', address: 'file.x', kind: 'file', action: 'create', phase: 'create' }, // counts as shown: 3/5 → written
        interval,
        start('file.y', 'create'), // 3/6 uploaded: changed, written
        0,
        done('file.d', 'create'),
        done('file.x', 'create'),
        done('file.y', 'create'), // all done: the phase ends
      ],
      false,
    );
    expect(io.out()).toMatchInlineSnapshot(`
      "2026-11-21T10:00:00.000Z files: 4 to upload
      2026-11-21T10:00:11.000Z files: 2/4 uploaded
      2026-11-21T10:00:26.000Z files: 3/5 uploaded
      2026-11-21T10:00:36.000Z files: 3/6 uploaded
      2026-11-21T10:00:36.000Z files: 6/6 uploaded in 36.0s
      "
    `);
  });

  it('ends the phases of a run that threw, as not finished', async () => {
    const { io, progress } = plainRun(
      () => [
        {
          type: 'apply-start',
          changes: 2,
          phases: [{ kind: 'file', phase: 'create', actions: { create: 2 } }],
        },
        start('file.a', 'create'),
        3,
        done('file.a', 'create'),
        start('file.b', 'create'),
      ],
      false,
    );
    await progress.finish();
    expect(io.out().replace(/^\S+Z /gm, '')).toMatchInlineSnapshot(`
      "files: 2 to upload
      files: 1/2 uploaded, did not finish (after 3.0s)
      "
    `);
  });

  it('ends with the summary line of each outcome, and colours only when the style does', () => {
    const last = (event: ApplyEvent) => plainRun(() => [event], false).io.out();
    expect(last(applyDone({ added: 3, changed: 1, destroyed: 0 }))).toBe(
      '\nApply complete! Resources: 3 added, 1 changed, 0 destroyed.\n',
    );
    expect(last(applyDone({ added: 0, changed: 0, destroyed: 2 }, { interrupted: true }))).toBe(
      '\nApply interrupted. Resources so far: 0 added, 0 changed, 2 destroyed.\n',
    );
    const io = fakeIo({ isTTY: false });
    const progress = createApplyProgress(io, { style: colour, mode: 'plain', now: fakeClock().now });
    progress.sink(failed('file.x', 'create', 'no'));
    expect(io.out()).toMatch(SGR);
    expect(visible(io.out())).toBe(
      '2026-11-21T10:00:00.000Z files: started\n2026-11-21T10:00:00.000Z file.x: FAILED to create: API_ERROR: no\n',
    );
  });
});

describe('applySummaryLine', () => {
  const counts = { added: 1, changed: 2, destroyed: 3 };

  it('says how the apply ended; an interruption wins over failures', () => {
    expect(applySummaryLine(counts, { failed: 0, interrupted: false }, plain)).toBe(
      'Apply complete! Resources: 1 added, 2 changed, 3 destroyed.',
    );
    expect(applySummaryLine(counts, { failed: 1, interrupted: false }, plain)).toBe(
      'Apply finished with errors. Resources: 1 added, 2 changed, 3 destroyed.',
    );
    expect(applySummaryLine(counts, { failed: 1, interrupted: true }, plain)).toBe(
      'Apply interrupted. Resources so far: 1 added, 2 changed, 3 destroyed.',
    );
  });

  it('colours the verdict when colour is on', () => {
    const line = applySummaryLine(counts, { failed: 0, interrupted: false }, colour);
    expect(line).toMatch(SGR);
    expect(visible(line)).toBe('Apply complete! Resources: 1 added, 2 changed, 3 destroyed.');
  });
});

describe('tty apply progress', () => {
  /** Waits until a frame with `text` was written (listr2 starts rendering asynchronously). */
  const shows = (io: ReturnType<typeof fakeIo>, text: string | RegExp) =>
    vi.waitFor(
      () => {
        const frame = lastFrame(io.out());
        if (typeof text === 'string') expect(frame).toContain(text);
        else expect(frame).toMatch(text);
      },
      { timeout: 5000, interval: 5 },
    );

  /** The frame drawn last: what follows the last erase of the previous one (log-update ends it at column 1). */
  const lastFrame = (out: string) => visible(out.slice(out.lastIndexOf('\u001b[G')));

  /**
   * What stays on screen: the final frame (listr2 erases the live frame, its erase ending with the
   * cursor at column 1, writes the list once more and shows the cursor again), then the summary.
   */
  const finalFrame = (out: string) => {
    const shown = out.lastIndexOf('\u001b[?25h');
    return visible(out.slice(out.lastIndexOf('\u001b[G', shown)));
  };

  /** Feeds events, yielding to listr2 now and then so that it draws while they come. */
  async function feed(
    progress: { sink: (event: ApplyEvent) => void },
    events: Iterable<ApplyEvent | number>,
  ) {
    let n = 0;
    for (const event of events) {
      if (typeof event === 'number') continue;
      progress.sink(event);
      if (++n % 200 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }

  it('shows a task per phase and per store with live counters, never a task per resource', async () => {
    const sigint = process.listenerCount('SIGINT');
    const io = fakeIo();
    const progress = createApplyProgress(io, { style: plain, mode: 'tty' });
    const events = [...firstApply({ files: 300, stores: 2 })].filter((e) => typeof e !== 'number');
    // Up to the first uploads in flight: the phase counts them, and lists the first few.
    const uploading = events.findIndex((e) => e.type === 'resource-done');
    await feed(progress, events.slice(0, uploading));
    await shows(io, 'files: 0/300 uploaded');
    await shows(io, 'file.f0: creating...');
    expect(lastFrame(io.out())).toContain(`... and ${8 - IN_FLIGHT_SHOWN} more in flight`);
    expect(lastFrame(io.out())).not.toContain(`file.f${IN_FLIGHT_SHOWN}: creating`);
    expect(process.listenerCount('SIGINT')).toBe(sigint); // apply handles signals, not listr2
    // Up to the middle of the first store's indexing.
    const polled = events.findIndex((e) => e.type === 'indexing' && e.completed >= 75);
    await feed(progress, events.slice(uploading, polled + 1));
    await shows(io, /files: 300\/300 uploaded[\s\S]*vector stores: 2\/2 created/);
    await shows(io, 'vector_store.s0: 0/150 attached, indexing 75/150');
    await feed(progress, events.slice(polled + 1));
    await progress.finish();

    const frame = finalFrame(io.out());
    expect(frame).toMatchInlineSnapshot(`
      "✔ files: 300/300 uploaded
      ✔ vector stores: 2/2 created
      ✔ attachments: 300/300 attached, 300/300 indexed
        ✔ vector_store.s0: 150/150 attached, 150/150 indexed
        ✔ vector_store.s1: 150/150 attached, 150/150 indexed
      ✔ assistants: 1/1 created

      Apply complete! Resources: 603 added, 0 changed, 0 destroyed.
      "
    `);
    expect(io.out()).not.toMatch(/file\.f\d+: created|vector_store_file\.\S+: (creating|created)/);
    expect(io.out()).not.toMatch(SGR); // no colour from listr2 when the style has none
  });

  it('lists the first failures under their phase or store, and counts the rest', async () => {
    const io = fakeIo();
    const progress = createApplyProgress(io, { style: colour, mode: 'tty' });
    const failing = Array.from({ length: FAILURES_SHOWN + 5 }, (_, i) => i * 2);
    await feed(progress, firstApply({ files: 40, stores: 1, failing, unindexed: [1] }));
    await progress.finish();
    const frame = finalFrame(io.out());
    expect(frame).toMatch(/[✖×] files: 25\/40 uploaded \(15 failed\)/);
    for (const i of failing.slice(0, FAILURES_SHOWN))
      expect(frame).toContain(`file.f${i}: FAILED to create: API_ERROR: boom`);
    expect(frame).not.toContain(`file.f${failing[FAILURES_SHOWN]}: FAILED`);
    expect(frame).toContain('... and 5 more failed');
    expect(frame).toMatch(/[✖×] vector_store\.s0: 24\/40 attached, 24\/25 indexed \(16 failed\)/);
    // The store's 15 skipped attachments come first; its file that failed to index is counted.
    expect(frame).toContain('vector_store_file.s0/f0: FAILED to create: API_ERROR: skipped: file.f0');
    expect(frame).toContain('... and 6 more failed');
    expect(frame).not.toContain('the file failed to index'); // said once
    expect(frame.trimEnd().split('\n').at(-1)).toMatch(/^Apply finished with errors\./);
    expect(io.out()).toMatch(SGR);
  });

  it('marks phases open at a stop as stopped, and those open when apply threw as not finished', async () => {
    const io = fakeIo();
    const progress = createApplyProgress(io, { style: plain, mode: 'tty' });
    progress.sink({
      type: 'apply-start',
      changes: 3,
      phases: [{ kind: 'file', phase: 'create', actions: { create: 3 } }],
    });
    progress.sink(start('file.a', 'create'));
    progress.sink(start('file.b', 'create'));
    progress.sink(done('file.a', 'create', 'file-a'));
    progress.sink({ type: 'stopping', signal: 'SIGTERM' });
    await shows(io, 'stopping on SIGTERM: letting calls in flight finish');
    progress.sink(done('file.b', 'create', 'file-b'));
    progress.sink(applyDone({ added: 2, changed: 0, destroyed: 0 }, { interrupted: true }));
    await progress.finish();
    const frame = finalFrame(io.out());
    expect(frame).toContain('↓ files: 2/3 uploaded, stopped on SIGTERM');
    expect(frame).toContain('stopped on SIGTERM: calls in flight finished');
    expect(frame).not.toContain('file.b'); // the list of calls in flight goes with the phase
    expect(frame.trimEnd().split('\n').at(-1)).toBe(
      'Apply interrupted. Resources so far: 2 added, 0 changed, 0 destroyed.',
    );

    const threw = fakeIo();
    const broken = createApplyProgress(threw, { style: plain, mode: 'tty' });
    broken.sink(start('assistant.bot', 'create'));
    await shows(threw, 'assistant.bot: creating...');
    await broken.finish(); // no apply-done: the executor threw
    const left = finalFrame(threw.out());
    expect(left).toMatch(/[✖×] assistants: 0 created, did not finish/);
    expect(left).not.toContain('stopped');
  });

  it('copes with events that all arrive before listr2 runs a task, a done without a start included', async () => {
    const io = fakeIo();
    const progress = createApplyProgress(io, { style: plain, mode: 'tty' });
    progress.sink(start('file.faq', 'create'));
    progress.sink(done('file.faq', 'create', 'file-abc'));
    progress.sink(done('assistant.bot', 'update', 'asst_1'));
    progress.sink({ type: 'journal-resolved', adopted: ['file.notes'], cleaned: [] });
    progress.sink(applyDone({ added: 1, changed: 1, destroyed: 0 }));
    await progress.finish();
    expect(finalFrame(io.out())).toMatchInlineSnapshot(`
      "✔ files: 1 uploaded
      ✔ assistants: 1 modified
      ✔ adopted what an interrupted apply made: file.notes

      Apply complete! Resources: 1 added, 1 changed, 0 destroyed.
      "
    `);
  });

  it('abandon shows the cursor again while the list is live, and is a no-op once it ended', async () => {
    const io = fakeIo();
    const progress = createApplyProgress(io, { style: plain, mode: 'tty' });
    progress.abandon(); // nothing drawn yet: nothing to put right
    expect(io.out()).toBe('');
    progress.sink(start('file.faq', 'create'));
    await shows(io, 'file.faq: creating...');
    const before = io.out();
    expect(before.lastIndexOf('\u001b[?25l')).toBeGreaterThan(before.lastIndexOf('\u001b[?25h'));
    progress.abandon();
    expect(io.out().slice(before.length)).toBe('\u001b[?25h\n');
    progress.sink(done('file.faq', 'create', 'file-abc'));
    await progress.finish();
    const after = io.out();
    progress.abandon();
    expect(io.out()).toBe(after);
  });

  it('writes nothing but the summary when no resource was touched, and ignores events after apply-done', async () => {
    const io = fakeIo();
    const progress = createApplyProgress(io, { style: plain, mode: 'tty' });
    progress.sink({ type: 'apply-start', changes: 0, phases: [] });
    progress.sink(applyDone({ added: 0, changed: 0, destroyed: 0 }));
    progress.sink(start('file.late', 'create'));
    await progress.finish();
    expect(io.out()).toBe('\nApply complete! Resources: 0 added, 0 changed, 0 destroyed.\n');
  });

  it('finish resolves when nothing happened at all', async () => {
    const io = fakeIo();
    await createApplyProgress(io, { style: plain, mode: 'tty' }).finish();
    expect(io.out()).toBe('');
  });

  it('with --verbose, writes a line per call instead of the live list', async () => {
    const io = fakeIo();
    const progress = createApplyProgress(io, {
      style: plain,
      mode: 'tty',
      verbose: true,
      now: fakeClock().now,
    });
    progress.sink(start('file.faq', 'create'));
    progress.sink(done('file.faq', 'create', 'file-abc'));
    await progress.finish();
    expect(io.out()).toBe(
      '2026-11-21T10:00:00.000Z file.faq: creating...\n2026-11-21T10:00:00.000Z file.faq: created (file-abc)\n',
    );
  });
});
