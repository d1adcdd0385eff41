// The terminal size of `npm run bench` (TTY): one first apply of assistants-iac drawn on a
// pseudo-terminal (what a person at a terminal sees, live task list and all), and the same apply
// with its output redirected to a file, each on a fresh emulator and stack, in the same run.
// Neither run has CI set: the difference is the terminal alone.
import { rm } from 'node:fs/promises';
import { freshEmulator } from './emulator.mjs';
import { measure } from './measure.mjs';
import { makeStack } from './stack.mjs';
import { ourTool } from './tools.mjs';

// Redirected first: its time sets how long the terminal run may take before it is stopped.
const MODES = [
  ['redirected to a file', 'file'],
  ['pseudo-terminal', 'pty'],
];

/**
 * `{ runs: { 'redirected to a file': figures, 'pseudo-terminal': figures } }`; the terminal run's
 * code is 'timeout' when it was stopped.
 */
export async function runTerminal({ name, shape }, context) {
  const { emulator, settings, log } = context;
  log(`\n== ${name}: apply of ${shape.files} files on a terminal and redirected`);
  const runs = {};
  for (const [label, via] of MODES) {
    await freshEmulator(emulator, settings);
    const stack = await makeStack(shape);
    try {
      const { output, ...f } = await measure({
        ...ourTool.command(ourTool.firstApply, stack.dir, emulator.url),
        cwd: stack.dir,
        origin: emulator.origin,
        via,
        env: { TERM: 'xterm-256color' },
        // Well past the goal (2 × the redirected time, or it + 5 s): a renderer that takes minutes
        // has missed it, and the rest of the bench need not wait.
        ...(runs['redirected to a file'] && {
          timeoutMs: Math.max(120_000, 10_000 * (runs['redirected to a file'].seconds + 5)),
        }),
      });
      if (f.code !== 0) {
        f.outputTail = output.slice(-2000);
        log(output.slice(-2000));
      }
      runs[label] = f;
      log(
        `${name} ${label.padEnd(22)} exit ${f.code} ${f.seconds.toFixed(2).padStart(7)} s ${f.requests} requests, ${(f.outputBytes / 1000).toFixed(1)} kB of output`,
      );
    } finally {
      await rm(stack.dir, { recursive: true, force: true });
    }
  }
  return { kind: 'terminal', size: name, shape, settings, runs };
}
