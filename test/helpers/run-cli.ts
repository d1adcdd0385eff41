import { runCli } from '../../src/cli/program.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured output: the same code path as the binary, minus the process. */
export async function runInProcess(
  argv: string[],
  options: {
    cwd: string;
    env?: Record<string, string>;
    isTTY?: boolean;
    stop?: AbortSignal;
    answer?: string;
  },
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    env: options.env ?? {},
    cwd: options.cwd,
    isTTY: options.isTTY ?? false,
    // `answer` stands in for a person at the terminal; without it stdin is not a terminal.
    ...(options.answer !== undefined ? { prompt: async () => options.answer as string } : {}),
    // `stop` stands in for SIGINT/SIGTERM: aborting it is what a signal does to the real process.
    onStop: (handler) => {
      const listener = () => handler('SIGTERM');
      if (options.stop?.aborted) {
        queueMicrotask(listener);
        return () => {};
      }
      options.stop?.addEventListener('abort', listener, { once: true });
      return () => options.stop?.removeEventListener('abort', listener);
    },
  });
  return { code, stdout, stderr };
}
