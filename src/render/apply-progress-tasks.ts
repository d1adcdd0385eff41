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
import type { ApplyEvent, ApplyEventSink } from '../apply/events.js';
import type { Io } from '../cli/io.js';
import type { Address } from '../model/address.js';
import { actionWords, applySummaryLine, failureText, fileCounts } from './apply-words.js';
import type { Style } from './style.js';

/**
 * Apply progress on a terminal: a listr2 task list on `io.stdout`, one task per resource call, in the
 * order the calls start, concurrent ones spinning side by side. listr2 runs a task list fixed when
 * it starts, while apply only tells which resources it touches as it goes, so the list grows
 * through untitled "feed" tasks: each waits for the next tasks the events open and returns them as
 * subtasks together with the next feed task (untitled tasks render their subtasks at their own
 * level, so the list looks flat). Each resource task awaits a promise the sink settles on
 * `resource-done` / `resource-failed` (or `file-failed` for a member); a store's indexing counts
 * show as output under a task of its own. The list starts with the first task, so an apply that
 * touches nothing draws nothing. listr2 writes through stream adapters over `io`, takes its colours
 * from `style` and registers no signal handler (apply handles SIGINT itself and reports
 * `stopping`); what it still takes from the process is the width it wraps titles to
 * (process.stdout.columns) and the cursor hiding of log-update (on process.stderr when a terminal),
 * whose exit hook the CLI keeps from deciding how a signal ends the process (see listenForStop).
 * `finish` waits for the list to end and then writes the summary line of `apply-done`; tasks still
 * open then are marked as stopped after `stopping`, as not finished otherwise. `abandon` shows the
 * cursor again for an exit that cannot wait for listr2 to end.
 */
export function createTaskProgress(
  io: Io,
  options: { style: Style },
): {
  sink: ApplyEventSink;
  finish(): Promise<void>;
  abandon(): void;
} {
  const { style } = options;
  const feed = new Feed<ListrTask>();
  const active = new Map<Address, Entry>();
  const indexing = new Map<Address, Entry>();
  const phases = new Map<Address, 'create' | 'delete'>();
  // Members already marked failed by `file-failed`: the resource-failed that follows repeats it.
  const indexFailed = new Set<Address>();
  let stop: { entry: Entry; signal: string } | undefined;
  let done: Extract<ApplyEvent, { type: 'apply-done' }> | undefined;
  let running: Promise<void> | undefined;
  let finished = false;

  const open = (title: string, keepOutput = true): Entry => {
    const entry = new Entry(title, keepOutput);
    feed.push(entry.task());
    running ??= startList(io, style, feed);
    return entry;
  };
  /**
   * Ends what is still open: its end event never came. After `stopping` that is the stop's doing (a
   * wait for indexing is not waited out), so it is shown as stopped, not as failed; otherwise apply
   * threw.
   */
  const endAll = () => {
    for (const entry of [...active.values(), ...indexing.values()])
      entry.end(
        stop
          ? { state: 'stopped', title: `${entry.title} stopped on ${stop.signal}` }
          : { state: 'failed', title: `${entry.title} did not finish` },
      );
    active.clear();
    indexing.clear();
    stop?.entry.end({ state: 'done', title: `stopped on ${stop.signal}: calls in flight finished` });
    feed.close();
  };

  const sink = (event: ApplyEvent): void => {
    if (feed.closed) return;
    switch (event.type) {
      case 'apply-start':
        return;
      case 'journal-resolved':
        if (event.adopted.length > 0)
          open(`adopted what an interrupted apply made: ${event.adopted.join(', ')}`).end({ state: 'done' });
        if (event.cleaned.length > 0)
          open(`cleaned up after an interrupted apply: ${event.cleaned.join(', ')}`).end({ state: 'done' });
        return;
      case 'resource-start':
        phases.set(event.address, event.phase);
        active.set(
          event.address,
          open(`${event.address}: ${actionWords(event.action, event.phase).doing}...`),
        );
        return;
      case 'resource-done': {
        phases.delete(event.address);
        const words = actionWords(event.action, event.phase);
        const entry = active.get(event.address) ?? open(`${event.address}: ${words.doing}...`);
        active.delete(event.address);
        const id = event.id === undefined ? '' : ` (${event.id})`;
        entry.end({ state: 'done', title: `${event.address}: ${words.done}${id}` });
        return;
      }
      case 'resource-failed': {
        const words = actionWords(event.action, phases.get(event.address));
        phases.delete(event.address);
        if (indexFailed.delete(event.address)) return;
        const entry = active.get(event.address) ?? open(`${event.address}: ${words.doing}...`);
        active.delete(event.address);
        const text = failureText(words.verb, event.error.code, event.error.message);
        entry.end({ state: 'failed', title: `${event.address}: ${text}` });
        return;
      }
      case 'indexing':
      case 'indexing-done': {
        // Apply waits for indexing while it attaches members, after the store's own task ended, so
        // the wait gets a task of its own; were the store's task still open, the counts go under it.
        let entry = active.get(event.address) ?? indexing.get(event.address);
        if (!entry) {
          // Its final title says the counts, so the output line need not stay.
          entry = open(`${event.address}: waiting for indexing...`, false);
          indexing.set(event.address, entry);
        }
        entry.setOutput(fileCounts(event, 'indexed'));
        if (event.type === 'indexing-done' && indexing.get(event.address) === entry) {
          indexing.delete(event.address);
          entry.end({ state: 'done', title: `${event.address}: indexed ${fileCounts(event)}` });
        }
        return;
      }
      case 'file-failed': {
        indexFailed.add(event.file);
        const entry = active.get(event.file) ?? open(`${event.file}: indexing...`);
        active.delete(event.file);
        entry.end({
          state: 'failed',
          title: `${event.file}: ${failureText('index', event.code, event.message)}`,
        });
        return;
      }
      case 'stopping':
        stop ??= {
          entry: open(`stopping on ${event.signal}: letting calls in flight finish`),
          signal: event.signal,
        };
        return;
      case 'apply-done':
        done = event;
        endAll();
        return;
    }
  };

  const finish = async () => {
    endAll();
    await running;
    finished = true;
    if (done) io.stdout(`\n${applySummaryLine(done.counts, done, style)}\n`);
  };

  // listr2 hid the cursor when the list started and shows it when the list ends, which will not
  // happen now. The last frame ended with a newline, but the terminal may have echoed `^C` there.
  const abandon = () => {
    if (running && !finished) io.stdout(`${CURSOR_SHOW}\n`);
  };

  return { sink, finish, abandon };
}

/** The default renderer, used whenever the CLI chose the live view (it does not check process.stdout). */
class ApplyTaskRenderer extends DefaultRenderer {
  static override nonTTY = true;
}

function startList(io: Io, style: Style, feed: Feed<ListrTask>): Promise<void> {
  const size = io.terminalSize?.();
  // A pseudo-terminal may report 0 x 0: redraws would then wrap after every character.
  const columns = size && size.columns > 0 ? size.columns : 80;
  const rows = size && size.rows > 0 ? size.rows : 24;
  const output = new ProcessOutput(
    textStream(io.stdout, columns, rows),
    textStream(io.stderr, columns, rows),
  );
  const list = new Listr([feedTask(feed)], {
    concurrent: true,
    exitOnError: false,
    registerSignalListeners: false,
    renderer: ApplyTaskRenderer,
    rendererOptions: {
      logger: new ListrLogger({ processOutput: output }),
      color: listrColors(style),
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
 * One task of the list: open until `end`, which may come before listr2 has started the task.
 * `keepOutput`: the last output line stays under the task once it ended (the indexing counts).
 */
class Entry {
  private readonly ending: Promise<Ending>;
  private settle: (ending: Ending) => void = () => {};
  private output: string | undefined;
  private wrapper: { title: string; output: string } | undefined;

  constructor(
    readonly title: string,
    private readonly keepOutput: boolean,
  ) {
    this.ending = new Promise((resolve) => {
      this.settle = resolve;
    });
  }

  end(ending: Ending): void {
    this.settle(ending);
  }

  setOutput(text: string): void {
    this.output = text;
    if (this.wrapper) this.wrapper.output = text;
  }

  task(): ListrTask {
    return {
      title: this.title,
      rendererOptions: { persistentOutput: this.keepOutput },
      task: async (_ctx, wrapper) => {
        this.wrapper = wrapper;
        if (this.output !== undefined) wrapper.output = this.output;
        const ending = await this.ending;
        // listr2 shows a failed task's error message, and a skipped one's message, in place of its title.
        if (ending.state === 'failed') throw new Error(ending.title);
        if (ending.state === 'stopped') wrapper.skip(ending.title);
        else if (ending.title !== undefined) wrapper.title = ending.title;
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
