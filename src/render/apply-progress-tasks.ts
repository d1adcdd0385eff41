import {
  createWritable,
  DefaultRenderer,
  ListrDefaultRendererLogLevels as Level,
  Listr,
  ListrLogger,
  type ListrTask,
  type LoggerFormat,
  ProcessOutput,
} from 'listr2';
import type { ApplyEvent } from '../apply/events.js';
import { type Group, groupTitle, type PhaseNote, PhaseTracker } from './apply-phases.js';
import type { ApplyProgress } from './apply-progress.js';
import { actionWords, count, journalNotes, stoppingText, summaryBlock } from './apply-words.js';
import type { Output } from './output.js';
import type { Style } from './style.js';

/** Titles and output lines are brought up to date at most this often (listr2 redraws every 100 ms). */
const REFRESH_MS = 100;
/** Calls in flight listed under a phase; the rest are counted. */
export const IN_FLIGHT_SHOWN = 5;
/** Failures listed under a phase or store; the rest are counted (all are on stderr afterwards). */
export const FAILURES_SHOWN = 10;

/**
 * Apply progress on a terminal: a listr2 task list on `out.stdout` with a task per phase (see
 * PhaseTracker) and, under the phase that attaches files, a task per store, never one per
 * resource, so that a redraw costs the same for ten files or twenty thousand. A task's title
 * carries its counts (`files: 412/1,000 uploaded`, `vector_store.kb: 0/400 attached, indexing
 * 380/400`); its output lines name the first IN_FLIGHT_SHOWN calls in flight and the first
 * FAILURES_SHOWN failures, which stay once it ended. Events only update counts: titles and output
 * are rebuilt every REFRESH_MS, the titles without a redraw of their own (listr2 redraws on its
 * spinner's interval). listr2 runs a task list fixed when it starts, while phases and stores open
 * as apply goes, so the list grows through untitled "feed" tasks: each waits for the next tasks and
 * returns them as subtasks together with the next feed task (untitled tasks render their subtasks
 * at their own level, so the list looks flat). The list starts with the first task, so an apply
 * that touches nothing draws nothing. listr2 writes through stream adapters over `out`, takes its
 * colours from `style` and registers no signal handler (apply handles SIGINT itself and reports
 * `stopping`); what it still takes from the process is the width it wraps titles to
 * (process.stdout.columns) and the cursor hiding of log-update (on process.stderr when a terminal),
 * whose exit hook the CLI keeps from deciding how a signal ends the process (see listenForStop).
 * `finish` waits for the list to end and then writes the summary line of `apply-done`; phases still
 * open then are marked as stopped after `stopping`, as not finished when calls were still in
 * flight otherwise. `abandon` shows the cursor again for an exit that cannot wait for listr2 to end.
 */
export function createTaskProgress(out: Output, options: { style: Style }): ApplyProgress {
  const progress = new TaskProgress(out, options.style);
  return {
    sink: (event) => progress.sink(event),
    finish: () => progress.finish(),
    abandon: () => progress.abandon(),
  };
}

/** The state of one task list: its entries by group, and what the next refresh redraws. */
class TaskProgress {
  private readonly feed = new Feed<ListrTask>();
  private readonly tracker = new PhaseTracker(() => Date.now());
  private readonly entries = new Map<Group, Entry>();
  private readonly dirty = new Set<Group>();
  private stop: { entry: Entry; signal: string } | undefined;
  private done: Extract<ApplyEvent, { type: 'apply-done' }> | undefined;
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private finished = false;

  constructor(
    private readonly out: Output,
    private readonly style: Style,
  ) {}

  sink(event: ApplyEvent): void {
    if (this.feed.closed) return;
    switch (event.type) {
      case 'journal-resolved':
        for (const note of journalNotes(event)) this.open(note).end({ state: 'done' });
        return;
      case 'stopping':
        this.stop ??= { entry: this.open(stoppingText(event.signal)), signal: event.signal };
        return;
      case 'apply-done':
        this.done = event;
        this.endAll();
        return;
      default:
        this.take(this.tracker.take(event));
    }
  }

  async finish(): Promise<void> {
    this.endAll();
    await this.running;
    this.finished = true;
    if (this.done) this.out.stdout(summaryBlock(this.done, this.style));
  }

  /**
   * listr2 hid the cursor when the list started and shows it when the list ends, which will not
   * happen now. The last frame ended with a newline, but the terminal may have echoed `^C` there.
   */
  abandon(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.running && !this.finished) this.out.stdout(`${CURSOR_SHOW}\n`);
  }

  private refresh(group: Group): void {
    const entry = this.entries.get(group);
    entry?.setTitle(groupTitle(group));
    if (group.stores.size === 0) entry?.setOutput(outputLines(group));
  }

  private readonly tick = (): void => {
    for (const group of this.dirty) this.refresh(group);
    this.dirty.clear();
  };

  private open(title: string, into: Feed<ListrTask> = this.feed, children?: Feed<ListrTask>): Entry {
    const entry = new Entry(title, children);
    into.push(entry.task());
    this.running ??= startList(this.out, this.style, this.feed);
    this.timer ??= setInterval(this.tick, REFRESH_MS).unref();
    return entry;
  }

  /** How a group ends: its counts, and whether it failed, was stopped or did not finish. */
  private close(group: Group): void {
    this.refresh(group);
    this.dirty.delete(group);
    const entry = this.entries.get(group);
    if (!entry) return;
    const title = groupTitle(group);
    if (this.stop && !group.complete)
      entry.end({ state: 'stopped', title: `${title}, stopped on ${this.stop.signal}` });
    else if (!this.done && group.inFlight.size > 0)
      entry.end({ state: 'failed', title: `${title}, did not finish` });
    else if (group.failed > 0 && group.stores.size === 0) entry.end({ state: 'failed', title });
    else entry.end({ state: 'done', title });
  }

  private take(notes: PhaseNote[]): void {
    for (const note of notes) {
      const { group } = note;
      if (note.type === 'opened') {
        const parent = group.parent && this.entries.get(group.parent);
        const children = group.kind === 'vector_store_file' && group.half === 'create' && !group.parent;
        const into = parent?.children ?? this.feed;
        this.entries.set(
          group,
          this.open(groupTitle(group), into, children ? new Feed<ListrTask>() : undefined),
        );
      } else if (note.type === 'closed') this.close(group);
      else this.dirty.add(group);
    }
  }

  /** Ends what is still open: apply is done, or it threw. */
  private endAll(): void {
    this.take(this.tracker.closeAll());
    this.stop?.entry.end({
      state: 'done',
      title: `stopped on ${this.stop.signal}: calls in flight finished`,
    });
    if (this.timer) clearInterval(this.timer);
    this.feed.close();
  }
}

/**
 * The lines under a phase or store: while it runs, the first calls in flight (not for a store,
 * whose files are all in flight while it indexes), then the first failures; once it ended, the
 * failures only.
 */
function outputLines(group: Group): string {
  const lines: string[] = [];
  if (group.open && !group.store) {
    const flying = [...group.inFlight].slice(0, IN_FLIGHT_SHOWN);
    for (const [address, action] of flying)
      lines.push(`${address}: ${actionWords(action, group.half).doing}...`);
    if (group.inFlight.size > flying.length)
      lines.push(`... and ${count(group.inFlight.size - flying.length)} more in flight`);
  }
  const failures = group.failures.slice(0, FAILURES_SHOWN);
  for (const failure of failures) lines.push(`${failure.address}: ${failure.text}`);
  if (group.failures.length > failures.length)
    lines.push(`... and ${count(group.failures.length - failures.length)} more failed`);
  return lines.join('\n');
}

/** The default renderer, used whenever the CLI chose the live view (it does not check process.stdout). */
class ApplyTaskRenderer extends DefaultRenderer {
  static override nonTTY = true;
}

function startList(out: Output, style: Style, feed: Feed<ListrTask>): Promise<void> {
  const size = out.terminalSize?.();
  // A pseudo-terminal may report 0 x 0: redraws would then wrap after every character.
  const columns = size && size.columns > 0 ? size.columns : 80;
  const rows = size && size.rows > 0 ? size.rows : 24;
  const output = new ProcessOutput(
    textStream(out.stdout, columns, rows),
    textStream(out.stderr, columns, rows),
  );
  const list = new Listr([feedTask(feed)], {
    concurrent: true,
    exitOnError: false,
    registerSignalListeners: false,
    renderer: ApplyTaskRenderer,
    rendererOptions: {
      logger: new ListrLogger({ processOutput: output }),
      color: listrColors(style),
      // A store's task stays under its phase once the phase ended.
      collapseSubtasks: false,
    },
  });
  const running = list.run().then(() => undefined);
  // finish() awaits it; until then, a failure must not surface as an unhandled rejection.
  running.catch(() => {});
  return running;
}

function feedTask(feed: Feed<ListrTask>): ListrTask {
  return {
    task: async (_ctx, wrapper) => {
      const tasks = await feed.take();
      if (tasks.length === 0) return;
      return wrapper.newListr([...tasks, feedTask(feed)], { concurrent: true, exitOnError: false });
    },
  };
}

const CURSOR_SHOW = '\u001b[?25h';

/** How a task ends: done (its title replaced when given), failed, or stopped (listr2's skip). */
type Ending =
  | { state: 'done'; title?: string }
  | { state: 'failed'; title: string }
  | { state: 'stopped'; title: string };

/**
 * One task of the list: open until `end`, which may come before listr2 has started the task. Its
 * output stays under it once it ended (the failures). With `children`, the task runs the tasks fed
 * there as its subtasks and ends once that feed is closed and they ended.
 */
class Entry {
  private readonly ending: Promise<Ending>;
  private settle: (ending: Ending) => void = () => {};
  private output = '';
  private wrapper: { title: string; output: string; task: { title?: string } } | undefined;

  constructor(
    private title: string,
    readonly children?: Feed<ListrTask>,
  ) {
    this.ending = new Promise((resolve) => {
      this.settle = resolve;
    });
  }

  end(ending: Ending): void {
    if (ending.title !== undefined) this.setTitle(ending.title);
    this.children?.close();
    this.settle(ending);
  }

  /** Without a redraw of its own: listr2's spinner redraws on its interval. */
  setTitle(text: string): void {
    this.title = text;
    if (this.wrapper) this.wrapper.task.title = text;
  }

  setOutput(text: string): void {
    if (text === this.output) return;
    this.output = text;
    if (this.wrapper) this.wrapper.output = text;
  }

  task(): ListrTask {
    return {
      title: this.title,
      rendererOptions: { persistentOutput: true },
      task: async (_ctx, wrapper) => {
        this.wrapper = wrapper;
        wrapper.task.title = this.title;
        if (this.output !== '') wrapper.output = this.output;
        if (this.children)
          return wrapper.newListr([feedTask(this.children)], { concurrent: true, exitOnError: false });
        const ending = await this.ending;
        // listr2 shows a failed task's error message, and a skipped one's message, in place of its title.
        if (ending.state === 'failed') throw new Error(ending.title);
        if (ending.state === 'stopped') wrapper.skip(ending.title);
        else wrapper.title = this.title;
      },
    };
  }
}

/** A queue the feed tasks wait on: `take` resolves with everything pushed so far, or [] once closed. */
class Feed<T> {
  closed = false;
  private items: T[] = [];
  private waiter: ((items: T[]) => void) | undefined;

  push(item: T): void {
    if (this.closed) return;
    this.items.push(item);
    this.wake();
  }

  close(): void {
    this.closed = true;
    this.wake();
  }

  take(): Promise<T[]> {
    if (this.items.length > 0 || this.closed) return Promise.resolve(this.drain());
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.(this.drain());
  }

  private drain(): T[] {
    const items = this.items;
    this.items = [];
    return items;
  }
}

/** A writable that listr2 takes for a terminal stream, writing through `write` synchronously. */
function textStream(write: (text: string) => void, columns: number, rows: number): NodeJS.WriteStream {
  const stream = Object.assign(createWritable(write), { columns, rows });
  // ProcessOutput is typed for process.stdout; it only calls write() and reads columns and rows.
  return stream as unknown as NodeJS.WriteStream;
}

/** listr2's palette with `style`'s colours (none when colour is off), whatever NO_COLOR says. */
function listrColors(style: Style): Record<Level, LoggerFormat> {
  const none: LoggerFormat = (text) => text ?? '';
  return {
    [Level.SKIPPED_WITH_COLLAPSE]: style.yellow,
    [Level.SKIPPED_WITHOUT_COLLAPSE]: style.yellow,
    [Level.OUTPUT]: none,
    [Level.OUTPUT_WITH_BOTTOMBAR]: none,
    [Level.PENDING]: style.yellow,
    [Level.COMPLETED]: style.green,
    [Level.COMPLETED_WITH_FAILED_SUBTASKS]: style.yellow,
    [Level.COMPLETED_WITH_FAILED_SISTER_TASKS]: style.red,
    [Level.RETRY]: style.yellowBright,
    [Level.ROLLING_BACK]: style.redBright,
    [Level.ROLLED_BACK]: style.redBright,
    [Level.FAILED]: style.red,
    [Level.FAILED_WITH_FAILED_SUBTASKS]: style.red,
    [Level.WAITING]: style.dim,
    [Level.PAUSED]: style.yellowBright,
  };
}
