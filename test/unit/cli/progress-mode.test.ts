import { describe, expect, it } from 'vitest';
import type { Io } from '../../../src/cli/io.js';
import { progressMode } from '../../../src/cli/with-progress.js';

function fakeIo(isTTY: boolean, env: Record<string, string>): Io {
  return {
    stdout: () => {},
    stderr: () => {},
    env,
    cwd: '/work',
    isTTY,
    onStop: () => () => {},
  };
}

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
    expect(progressMode(fakeIo(isTTY, env))).toBe(mode);
  });
});
