import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../../src/cli/duration.js';
import { AssistantsError } from '../../../src/errors/index.js';

describe('parseDuration', () => {
  it.each([
    ['0', 0],
    ['500ms', 500],
    ['30s', 30_000],
    ['1.5s', 1_500],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1m30s', 90_000],
    ['1h2m3s4ms', 3_723_004],
    [' 45s ', 45_000],
    ['0s', 0],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '5', '-1s', '1x', 's', '1.s', '30s1m', '1s1s', '1 s', '1e3ms', `${'9'.repeat(400)}h`])(
    'refuses %j with a USAGE error naming the flag',
    (text) => {
      let error: unknown;
      try {
        parseDuration(text, '--lock-timeout');
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(AssistantsError);
      expect(error).toMatchObject({ code: 'USAGE' });
      expect((error as Error).message).toBe(`--lock-timeout takes a duration, not '${text}'`);
    },
  );

  it('suggests a unit for a bare number', () => {
    expect(() => parseDuration('30', '--lock-timeout')).toThrow(
      expect.objectContaining({ hint: 'give a unit: 30s, 30ms, 30m or 30h' }),
    );
  });
});
