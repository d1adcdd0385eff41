import { spawn } from 'node:child_process';
import path from 'node:path';
import { BIN } from './apply-process.js';

const DRIVER = path.resolve(import.meta.dirname, 'pty-driver.py');

/** How a command on the pseudo-terminal ended, what the terminal showed, and the modes it left. */
export interface PtyExit {
  code: number | null;
  signal: string | null;
  /** Everything written to the terminal, escapes included. */
  output: string;
  /** Terminal modes after the exit: a sane exit leaves echo, line input and Ctrl-C signals on. */
  terminal: { echo: boolean; icanon: boolean; isig: boolean };
}

export interface PtyRun {
  /** Resolves once the visible text (escapes removed) matches; rejects if the command ends first. */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<void>;
  /** Types on the terminal: `'\x03'` is Ctrl-C, which the line discipline turns into SIGINT. */
  type(keys: string): void;
  /** Sends `signal` to the command's process only, as a process manager would. */
  signal(signal: 'SIGINT' | 'SIGTERM'): void;
  exit: Promise<PtyExit>;
  /** Ends the command if it still runs (the driver kills it when its input ends); for cleanup. */
  close(): void;
}

/** Cursor movement, colour and carriage returns removed: the text a person reads. */
export function visible(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes are what this removes
  return text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');
}

/**
 * `assistants ARGS` on a real pseudo-terminal (python3's pty, through pty-driver.py): stdin, stdout
 * and stderr are the terminal, so the CLI draws its live task list and asks its questions there.
 * The environment is the terminal's, not CI's (no `CI`), with a fake key.
 */
export function spawnCliOnPty(args: string[], cwd: string): PtyRun {
  const env = { PATH: process.env.PATH, OPENAI_API_KEY: 'sk-test', TERM: 'xterm-256color' };
  const driver = spawn('python3', [DRIVER, process.execPath, BIN, ...args], {
    cwd,
    env,
    stdio: 'pipe',
  });
  let output = '';
  let report = '';
  const watchers = new Set<() => void>();
  driver.stdout.setEncoding('utf8');
  driver.stdout.on('data', (chunk: string) => {
    output += chunk;
    for (const watch of watchers) watch();
  });
  driver.stderr.setEncoding('utf8');
  driver.stderr.on('data', (chunk: string) => {
    report += chunk;
  });
  let ended = false;
  const exit = new Promise<PtyExit>((resolve, reject) => {
    driver.once('error', reject);
    driver.once('close', (code) => {
      ended = true;
      for (const watch of watchers) watch();
      const last = report.trim().split('\n').at(-1) ?? '';
      try {
        const status = JSON.parse(last) as Omit<PtyExit, 'output'>;
        resolve({ ...status, output });
      } catch {
        reject(new Error(`the pty driver ended (${code}) without a report:\n${report}\n${visible(output)}`));
      }
    });
  });
  // Awaited by the test, or not at all when it failed early: never an unhandled rejection.
  exit.catch(() => {});

  const send = (line: string) => {
    if (!ended) driver.stdin.write(`${line}\n`);
  };

  return {
    waitFor: (text, timeoutMs = 30_000) =>
      new Promise<void>((resolve, reject) => {
        const matches = () => {
          const shown = visible(output);
          return typeof text === 'string' ? shown.includes(text) : text.test(shown);
        };
        const timer = setTimeout(() => {
          watchers.delete(watch);
          reject(new Error(`${String(text)} not shown in ${timeoutMs} ms:\n${visible(output)}`));
        }, timeoutMs);
        const watch = () => {
          if (matches()) {
            clearTimeout(timer);
            watchers.delete(watch);
            resolve();
          } else if (ended) {
            clearTimeout(timer);
            watchers.delete(watch);
            reject(new Error(`the command ended before ${String(text)} was shown:\n${visible(output)}`));
          }
        };
        watchers.add(watch);
        watch();
      }),
    type: (keys) => send(`key ${Buffer.from(keys).toString('hex')}`),
    signal: (signal) => send(`signal ${signal}`),
    exit,
    close: () => driver.stdin.end(),
  };
}
