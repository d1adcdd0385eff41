import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isLoopbackOrigin } from '../../../src/emulator/control.js';
import { jsonDepth } from '../../../src/emulator/http-io.js';

/** The nesting depth of a parsed value, by recursion (fine for the small values generated here). */
function depthOf(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + Math.max(0, ...children.map(depthOf));
}

describe('jsonDepth', () => {
  it('measures the depth of any JSON text as the parsed value has it, brackets in strings not counted', () => {
    const text = fc.string({ unit: fc.constantFrom('[', ']', '{', '}', '"', '\\', 'a', 'é') });
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        text,
        fc.integer(),
        fc.constant(null),
        fc.array(tie('node'), { maxLength: 3 }),
        fc.dictionary(text, tie('node'), { maxKeys: 3 }),
      ),
    })).node;
    fc.assert(
      fc.property(value, fc.boolean(), (v, pretty) => {
        const json = pretty ? JSON.stringify(v, null, 2) : JSON.stringify(v);
        expect(jsonDepth(json, 1000)).toBe(depthOf(v));
      }),
    );
  });

  it('stops counting past the limit, so even a huge depth costs one pass', () => {
    expect(jsonDepth('['.repeat(5_000_000), 128)).toBe(129);
    expect(jsonDepth(`${'{"a":'.repeat(128)}1${'}'.repeat(128)}`, 128)).toBe(128);
  });
});

describe('isLoopbackOrigin', () => {
  it('takes localhost, 127.x.x.x and [::1] on any port, nothing else', () => {
    for (const origin of [
      'http://localhost',
      'http://localhost:3000',
      'https://127.0.0.1:4010',
      'http://127.1.2.3',
      'http://[::1]:8080',
    ])
      expect(isLoopbackOrigin(origin)).toBe(true);
    for (const origin of [
      'null',
      '',
      'https://evil.example',
      'http://127.0.0.1.evil.example',
      'http://localhost.evil.example',
      'http://evil.localhost',
      'file://',
      'chrome-extension://abc',
      'http://[::ffff:7f00:1]',
      'http://0.0.0.0:4010',
    ])
      expect(isLoopbackOrigin(origin)).toBe(false);
  });
});
