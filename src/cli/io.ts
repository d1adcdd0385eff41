import { createInterface } from 'node:readline/promises';
import type { Output } from '../render/output.js';
import { releaseHeldLocksSync } from '../state/held-locks.js';
import { listenForStop, type OnStop } from './stop-signals.js';

/**
 * Everything the CLI touches of its process, so that tests run it in-process with captured output
 * and a chosen environment, and the real entry point passes the real ones.
 */
export interface Io extends Output {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Whether stdout and stderr are terminals (colour and prompts depend on it). */
  isTTY: boolean;
  /**
   * Calls `handler` once on the first SIGINT or SIGTERM; returns a function that stops listening.
   * Only long-running commands subscribe, so Ctrl-C ends the others as usual. In the real process a
   * further signal, once a subscriber was told to stop, exits 130 at once after `options.onForce`
   * (see listenForStop); fakes may ignore `options`.
   */
  onStop: OnStop;
  /**
   * Asks a question on the terminal and resolves with the answer; undefined when stdin is not a
   * terminal (CI), where commands that need approval refuse instead of waiting. Ctrl-C, SIGINT,
   * SIGTERM or the end of input resolve with '' (no answer, which is not "yes").
   */
  prompt?: (question: string) => Promise<string>;
}

/**
 * The real process. Its stop signals are listened to from this call until the process ends (see
 * listenForStop), and an exit that cannot wait removes the state lock this process holds.
 */
export function processIo(): Io {
  const onStop = listenForStop(process, { beforeExit: releaseHeldLocksSync });
  return {
    ...(process.stdin.isTTY ? { prompt: (question: string) => ask(question, onStop) } : {}),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
    isTTY: Boolean(process.stdout.isTTY && process.stderr.isTTY),
    terminalSize: () =>
      process.stdout.isTTY ? { columns: process.stdout.columns, rows: process.stdout.rows } : undefined,
    onStop,
  };
}

/**
 * A question on the terminal (stdin in raw mode while it is asked). Ctrl-C there is a key, not a
 * signal: readline closes and the question rejects. A signal from outside (SIGTERM, kill -INT)
 * cancels it the same way instead of ending the process with the state lock held.
 */
async function ask(question: string, onStop: OnStop): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const cancel = new AbortController();
  const unsubscribe = onStop(() => cancel.abort());
  try {
    return await rl.question(question, { signal: cancel.signal });
  } catch {
    // Ctrl-C or the end of input close readline with the cursor still after the question, so what
    // comes next (the error) needs a line of its own; a cancelled question has had its newline.
    if (!cancel.signal.aborted) process.stderr.write('\n');
    return '';
  } finally {
    unsubscribe();
    rl.close();
  }
}

/**
 * Colour is on for terminals, and off elsewhere unless FORCE_COLOR is set (any value but `0`; CI
 * logs that render colour set it). NO_COLOR (any non-empty value), --no-color and FORCE_COLOR=0
 * turn it off everywhere, and win over FORCE_COLOR.
 */
export function useColor(io: Io, flag: boolean): boolean {
  const force = io.env.FORCE_COLOR;
  if (!flag || io.env.NO_COLOR || force === '0') return false;
  return io.isTTY || (force !== undefined && force !== 'false');
}
