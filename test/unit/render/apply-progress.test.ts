import { describe, expect, it, vi } from 'vitest';
import type { ApplyEvent } from '../../../src/apply/events.js';
import type { Io } from '../../../src/cli/io.js';
import type { Action } from '../../../src/model/plan.js';
import { applySummaryLine, createApplyProgress, progressMode } from '../../../src/render/apply-progress.js';
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

function plainRun(events: (clock: ReturnType<typeof fakeClock>) => Iterable<ApplyEvent | number>) {
  const io = fakeIo({ isTTY: false });
  const clock = fakeClock();
  const progress = createApplyProgress(io, { style: plain, mode: 'plain', now: clock.now });
  // A number in the sequence moves the clock that many seconds.
  for (const item of events(clock)) {
    if (typeof item === 'number') clock.advance(item);
    else progress.sink(item);
  }
  return { io, progress };
}

describe('plain apply progress', () => {
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
    const progress = createApplyProgress(io, { style: colour, mode: 'plain', now: fakeClock().now });
    progress.sink(failed('file.x', 'create', 'no'));
    expect(io.out()).toMatch(SGR);
    expect(visible(io.out())).toBe('2026-11-21T10:00:00.000Z file.x: FAILED to create: API_ERROR: no\n');
  });

  it('stamps lines with the system clock by default', () => {
    const io = fakeIo({ isTTY: false });
    createApplyProgress(io, { style: plain, mode: 'plain' }).sink(start('file.x', 'create'));
    expect(io.out()).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z file\.x: creating\.\.\.\n$/);
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
  const shows = (io: ReturnType<typeof fakeIo>, text: string) =>
    vi.waitFor(() => expect(visible(io.out())).toContain(text), { timeout: 5000, interval: 5 });

  /**
   * What stays on screen: the final frame (listr2 erases the live frame, its erase ending with the
   * cursor at column 1, writes the list once more and shows the cursor again), then the summary.
   */
  const finalFrame = (out: string) => {
    const shown = out.lastIndexOf('\u001b[?25h');
    return visible(out.slice(out.lastIndexOf('\u001b[G', shown)));
  };

  it('shows a task per resource with indexing counts and ends with the summary', async () => {
    const sigint = process.listenerCount('SIGINT');
    const io = fakeIo();
    const progress = createApplyProgress(io, { style: plain, mode: 'tty' });
    progress.sink({ type: 'apply-start', changes: 4 });
    progress.sink(start('file.faq', 'create'));
    progress.sink(start('file.guide', 'create'));
    await shows(io, 'file.guide: creating...');
    expect(process.listenerCount('SIGINT')).toBe(sigint); // apply handles signals, not listr2
    progress.sink(done('file.faq', 'create', 'file-abc'));
    progress.sink(failed('file.guide', 'create', 'boom'));
    progress.sink(start('vector_store.kb', 'create'));
    progress.sink(indexing('vector_store.kb', 34, 1, 40));
    await shows(io, '34/40 files indexed (1 failed)');
    progress.sink({ type: 'indexing-done', address: 'vector_store.kb', completed: 39, failed: 1, total: 40 });
    progress.sink(done('vector_store.kb', 'create', 'vs_kb'));
    progress.sink(applyDone({ added: 2, changed: 0, destroyed: 0 }, { failed: 1 }));
    await progress.finish();

    const frame = finalFrame(io.out());
    expect(frame).toContain('file.faq: created (file-abc)');
    expect(frame).toContain('file.guide: FAILED to create: API_ERROR: boom');
    expect(frame).toContain('vector_store.kb: created (vs_kb)');
    expect(frame).toContain('39/40 files indexed (1 failed)');
    expect(frame.trimEnd().split('\n').at(-1)).toBe(
      'Apply finished with errors. Resources: 2 added, 0 changed, 0 destroyed.',
    );
    expect(io.out()).not.toMatch(SGR); // no colour from listr2 when the style has none
  });

  it('copes with events that all arrive before listr2 runs a task', async () => {
    const io = fakeIo();
    const progress = createApplyProgress(io, { style: plain, mode: 'tty' });
    progress.sink(start('file.faq', 'create'));
    progress.sink(done('file.faq', 'create', 'file-abc'));
    progress.sink(done('assistant.bot', 'update', 'asst_1')); // a done without a start still shows
    progress.sink(applyDone({ added: 1, changed: 1, destroyed: 0 }));
    await progress.finish();
    const frame = finalFrame(io.out());
    expect(frame).toContain('file.faq: created (file-abc)');
    expect(frame).toContain('assistant.bot: modified (asst_1)');
    expect(frame).toContain('Apply complete! Resources: 1 added, 1 changed, 0 destroyed.');
  });

  it('shows a wait for indexing after the store task, failed files, stopping and unfinished tasks', async () => {
    const io = fakeIo();
    const progress = createApplyProgress(io, { style: colour, mode: 'tty' });
    progress.sink(start('file.faq', 'create'));
    progress.sink(done('file.faq', 'create', 'file-abc'));
    progress.sink(start('vector_store_file.kb/faq', 'create'));
    progress.sink(indexing('vector_store.kb', 1, 0, 2));
    await shows(io, '1/2 files indexed');
    progress.sink({
      type: 'file-failed',
      store: 'vector_store.kb',
      file: 'vector_store_file.kb/faq',
      code: 'invalid_file',
      message: 'bad',
    });
    progress.sink(failed('vector_store_file.kb/faq', 'create', 'the file failed to index')); // said already
    progress.sink({ type: 'indexing-done', address: 'vector_store.kb', completed: 1, failed: 1, total: 2 });
    progress.sink({ type: 'stopping', signal: 'SIGTERM' });
    progress.sink(start('assistant.bot', 'create'));
    await shows(io, 'stopping on SIGTERM: letting calls in flight finish');
    await progress.finish(); // no apply-done: the executor threw

    const frame = finalFrame(io.out());
    expect(frame).toContain('vector_store.kb: indexed 1/2 files (1 failed)');
    expect(frame).toContain('vector_store_file.kb/faq: FAILED to index: invalid_file: bad');
    expect(frame).not.toContain('vector_store_file.kb/faq: creating');
    expect(frame).not.toContain('the file failed to index');
    expect(frame).toContain('stopped on SIGTERM: calls in flight finished');
    // Open when the stop came: stopped (listr2's skip, not a failure).
    expect(frame).toContain('↓ assistant.bot: creating... stopped on SIGTERM');
    expect(frame).not.toContain('did not finish');
    expect(frame).not.toContain('Apply');
    expect(io.out()).toMatch(SGR);
  });

  it('marks tasks still open as not finished when apply ended without a stop', async () => {
    const io = fakeIo();
    const progress = createApplyProgress(io, { style: plain, mode: 'tty' });
    progress.sink(start('assistant.bot', 'create'));
    await shows(io, 'assistant.bot: creating...');
    await progress.finish(); // no apply-done: the executor threw
    const frame = finalFrame(io.out());
    expect(frame).toMatch(/[✖×] assistant\.bot: creating\.\.\. did not finish/);
    expect(frame).not.toContain('stopped');
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
    progress.sink({ type: 'apply-start', changes: 0 });
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
});

describe('progressMode', () => {
  it.each([
    [true, {}, 'tty'],
    [true, { CI: 'true' }, 'plain'],
    [true, { CI: 'TRUE' }, 'plain'],
    [true, { CI: '1' }, 'plain'],
    [true, { CI: 'false' }, 'tty'],
    [true, { CI: '' }, 'tty'],
    [false, {}, 'plain'],
    [false, { CI: 'false' }, 'plain'],
  ] as const)('isTTY %s, env %j: %s', (isTTY, env, mode) => {
    expect(progressMode(fakeIo({ isTTY, env }))).toBe(mode);
  });
});
