import { EXIT } from './exit-codes.js';

/** The signals that ask a run to stop: Ctrl-C on a terminal, and what process managers send. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export type StopSignal = (typeof STOP_SIGNALS)[number];

/**
 * The same signal again within this many milliseconds of the one that started the stop is taken
 * for a copy of it, not for a second Ctrl-C: one key press reaches the CLI twice when it runs under
 * a wrapper that forwards signals to its child (npx, npm run), as the terminal signals the whole
 * foreground process group and the wrapper passes its own copy on.
 */
export const DUPLICATE_SIGNAL_MS = 500;

/** The part of `process` that stop signals use; tests pass a fake. */
export interface SignalProcess {
  readonly pid: number;
  on(signal: StopSignal, listener: (signal: StopSignal) => void): unknown;
  off(signal: StopSignal, listener: (signal: StopSignal) => void): unknown;
  kill(pid: number, signal: StopSignal): unknown;
  exit(code: number): never;
}

export interface StopOptions {
  /**
   * Runs synchronously when a further signal forces the exit after this subscriber was told to
   * stop (even if it has unsubscribed since): say what is left undone, put the terminal right.
   * The process exits right after; nothing asynchronous will run.
   */
  onForce?: (signal: StopSignal) => void;
}

/** Subscribes `handler` to the next stop signal; returns a function that unsubscribes it. */
export type OnStop = (handler: (signal: string) => void, options?: StopOptions) => () => void;

interface Subscriber {
  handler: (signal: string) => void;
  options: StopOptions;
}

/**
 * SIGINT and SIGTERM for the whole process, from this call until it ends. Listening from the start
 * and never letting go matters: a library that hides the cursor (listr2 through log-update) hooks
 * these signals to restore it and then re-raises the signal when it sees no other listener, which
 * killed apply at once on a terminal. With a listener of ours always present, such hooks never
 * decide the outcome:
 *
 * - a first signal while something is subscribed goes to every subscriber (apply then stops new
 *   work, lets calls in flight finish, saves and exits 130; a prompt is cancelled);
 * - any signal after that forces the exit (except a copy of the first, see DUPLICATE_SIGNAL_MS):
 *   the subscribers told to stop run their `onForce`, `beforeExit` runs (it releases the state
 *   lock synchronously), and the process exits 130 at once, whatever is still in flight;
 * - a signal while nothing is subscribed ends the process as the signal would by default, after
 *   `beforeExit`: the listeners are removed and the signal is raised again.
 *
 * `beforeExit` must be synchronous and must not throw. `now` (default: the system clock) times
 * the duplicate window.
 */
export function listenForStop(
  proc: SignalProcess,
  options: { beforeExit: () => void; now?: () => number },
): OnStop {
  const now = options.now ?? Date.now;
  const subscribers = new Set<Subscriber>();
  // Once a stop began: its signal, when, and the subscribers told (a later signal runs their onForce).
  let stop: { signal: StopSignal; at: number; told: Subscriber[] } | undefined;

  const listener = (signal: StopSignal) => {
    if (stop) {
      if (signal === stop.signal && now() - stop.at < DUPLICATE_SIGNAL_MS) return;
      return force(signal, stop.told);
    }
    if (subscribers.size === 0) return raise(signal);
    stop = { signal, at: now(), told: [...subscribers] };
    for (const subscriber of stop.told) subscriber.handler(signal);
  };
  const force = (signal: StopSignal, told: Subscriber[]) => {
    for (const subscriber of told) {
      try {
        subscriber.options.onForce?.(signal);
      } catch {
        // The exit must happen whatever a hook does.
      }
    }
    options.beforeExit();
    proc.exit(EXIT.INTERRUPTED);
  };
  const raise = (signal: StopSignal) => {
    options.beforeExit();
    for (const name of STOP_SIGNALS) proc.off(name, listener);
    proc.kill(proc.pid, signal);
  };
  for (const name of STOP_SIGNALS) proc.on(name, listener);

  return (handler, stopOptions = {}) => {
    const subscriber: Subscriber = { handler, options: stopOptions };
    if (stop) {
      // Subscribed while stopping: it is told at once, as it would have been had it been there.
      stop.told.push(subscriber);
      const { signal } = stop;
      queueMicrotask(() => handler(signal));
      return () => {};
    }
    subscribers.add(subscriber);
    return () => {
      subscribers.delete(subscriber);
    };
  };
}
