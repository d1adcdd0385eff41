import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyRuns, MIN_KEY_RUN, mergeSpans, type Span } from '../../../src/errors/key-runs.js';
import { fakeKey } from '../../helpers/fake-key.js';

/**
 * The definition, by brute force: from each place of the text, the longest match with each place of
 * the key; one of MIN_KEY_RUN or more that reaches past the public prefix is a run.
 */
function bruteForce(text: string, key: string, publicEnd: number): Span[] {
  const spans: Span[] = [];
  if (key.length < MIN_KEY_RUN) return spans;
  for (let at = 0; at < text.length; at++) {
    for (let start = 0; start < key.length; start++) {
      let length = 0;
      while (start + length < key.length && text[at + length] === key[start + length]) length++;
      if (length >= MIN_KEY_RUN && start + length > publicEnd) spans.push({ from: at, to: at + length });
    }
  }
  return mergeSpans(spans);
}

describe('keyRuns', () => {
  const KEY = 'my-proj-key-Zq81Vw02Lx93Tr3xyz';

  it('finds runs of 8 or more characters from any place of the key, and no shorter ones', () => {
    const text = `a ${KEY.slice(0, 18)}. b ${KEY.slice(9, 17)} c ${KEY.slice(-8)}| d ${KEY.slice(3, 10)} e`;
    const spans = keyRuns(text, KEY);
    expect(spans.map((span) => text.slice(span.from, span.to))).toEqual([
      KEY.slice(0, 18),
      KEY.slice(9, 17),
      KEY.slice(-8),
    ]);
  });

  it('takes a key repeated or run together as one span', () => {
    const text = `<${KEY}${KEY}${KEY.slice(4, 20)}>`;
    expect(keyRuns(text, KEY)).toEqual([{ from: 1, to: text.length - 1 }]);
  });

  it('leaves the public prefix of OpenAI keys alone, but not with a character of the secret after it', () => {
    const key = fakeKey('sk-proj-', 20, 'key-runs');
    expect(keyRuns('keys look like sk-proj-xxxx', key)).toEqual([]);
    expect(keyRuns('sk-svcacct-…', fakeKey('sk-svcacct-', 12, 'svcacct'))).toEqual([]);
    const text = `got ${key.slice(0, 9)} here`;
    expect(keyRuns(text, key)).toEqual([{ from: 4, to: 13 }]);
  });

  it('needs a key of 8 characters or more', () => {
    expect(keyRuns('abcdefg abcdefg', 'abcdefg')).toEqual([]);
  });

  it('agrees with the definition on any key and text (small alphabets, so runs are common)', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', 's', 'k', '-'), maxLength: 80 });
    const key = fc.oneof(
      fc.string({ unit: fc.constantFrom('a', 'b', 'c'), minLength: 8, maxLength: 30 }),
      fc
        .tuple(
          fc.constantFrom('sk-', 'sk-proj-', 'sess-'),
          fc.string({ unit: fc.constantFrom('a', 'b', '-') }),
        )
        .map(([prefix, rest]) => prefix + rest),
    );
    fc.assert(
      fc.property(text, key, fc.nat(60), (noise, secret, cut) => {
        // Plant a piece of the key in the noise, so that most cases have a run to find.
        const piece = secret.slice(cut % secret.length, (cut % secret.length) + 12);
        const mixed = noise.slice(0, cut) + piece + noise.slice(cut);
        const publicEnd = /^(?:sk-proj-|sk-|sess-)/.exec(secret)?.[0].length ?? 0;
        expect(keyRuns(mixed, secret)).toEqual(bruteForce(mixed, secret, publicEnd));
      }),
      { numRuns: 2000 },
    );
  });
});
