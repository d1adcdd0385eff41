import { createInterface } from 'node:readline/promises';
/**
 * Everything the CLI touches of its process, so that tests run it in-process with captured output
 * and a chosen environment, and the real entry point passes the real ones.
 */
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Whether stdout and stderr are terminals (colour and prompts depend on it). */
  isTTY: boolean;
  /**
   * The terminal's size while stdout is one, read when asked (live progress fits its redraws to it);
   * undefined otherwise. Optional: fakes leave it out and renderers assume 80 x 24.
   */
  terminalSize?: () => { columns: number; rows: number } | undefined;
  /**
   * Calls `handler` once on the first SIGINT or SIGTERM; returns a function that stops listening.
   * Only long-running commands subscribe, so Ctrl-C ends the others as usual.
   */
  onStop: (handler: (signal: string) => void) => () => void;
  /**
   * Asks a question on the terminal and resolves with the answer; undefined when stdin is not a
   * terminal (CI), where commands that need approval refuse instead of waiting.
   */
  prompt?: (question: string) => Promise<string>;
}

export function processIo(): Io {
  return {
    ...(process.stdin.isTTY
      ? {
          prompt: async (question: string) => {
            const rl = createInterface({ input: process.stdin, output: process.stderr });
            try {
              return await rl.question(question);
            } catch {
              // Ctrl-C or end of input at the prompt: no answer, which is not "yes".
              return '';
            } finally {
              rl.close();
            }
          },
        }
      : {}),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
    isTTY: Boolean(process.stdout.isTTY && process.stderr.isTTY),
    terminalSize: () =>
      process.stdout.isTTY ? { columns: process.stdout.columns, rows: process.stdout.rows } : undefined,
    onStop: (handler) => {
      const signals = ['SIGINT', 'SIGTERM'] as const;
      const once = (signal: string) => {
        for (const name of signals) process.off(name, once);
        handler(signal);
      };
      for (const name of signals) process.on(name, once);
      return () => {
        for (const name of signals) process.off(name, once);
      };
    },
  };
}

/** Colour is on for terminals unless NO_COLOR is set (any non-empty value) or --no-color is given. */
export function useColor(io: Io, flag: boolean): boolean {
  return flag && io.isTTY && !io.env.NO_COLOR;
}
