import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonSyntaxErrorOffset, jsonValueOffset, lineColumn } from '../../../src/state/json-position.js';

const parses = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

/** JSON text with one character deleted, inserted or replaced: mostly invalid, sometimes not. */
const mutatedJson = fc
  .tuple(
    fc.jsonValue().map((v) => JSON.stringify(v, null, 2)),
    fc.nat(),
    fc.constantFrom('delete', 'insert', 'replace'),
    fc.constantFrom(...'{}[],:"\\ \n0-1.eEtfnux'.split('')),
  )
  .map(([text, at, edit, c]) => {
    const i = text.length === 0 ? 0 : at % text.length;
    if (edit === 'delete') return text.slice(0, i) + text.slice(i + 1);
    if (edit === 'insert') return text.slice(0, i) + c + text.slice(i);
    return text.slice(0, i) + c + text.slice(i + 1);
  });

describe('jsonSyntaxErrorOffset', () => {
  it('finds no error in what JSON.stringify writes', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(0, 2), (value, indent) => {
        expect(jsonSyntaxErrorOffset(JSON.stringify(value, null, indent))).toBeUndefined();
      }),
    );
  });

  it('finds an error exactly when JSON.parse does, within the text', () => {
    fc.assert(
      fc.property(fc.oneof(mutatedJson, fc.string()), (text) => {
        const offset = jsonSyntaxErrorOffset(text);
        expect(offset === undefined).toBe(parses(text));
        if (offset !== undefined) expect(offset).toBeLessThanOrEqual(text.length);
      }),
      { numRuns: 2000 },
    );
  });

  it('points at the offending character', () => {
    expect(jsonSyntaxErrorOffset('{"a": 1,}')).toBe(8);
    expect(jsonSyntaxErrorOffset('[1, 2')).toBe(5);
    expect(jsonSyntaxErrorOffset('{"a": tru}')).toBe(6);
    expect(jsonSyntaxErrorOffset('"\\x"')).toBe(1);
    expect(jsonSyntaxErrorOffset('01')).toBe(1);
  });
});

describe('jsonValueOffset', () => {
  const text = '{\n  "a": [1, {"b.c": "x"}],\n  "a2": {"a": true},\n  "a": [0, {"b.c": "last"}]\n}';

  it('finds the value or the key at a path; for a repeated key, the last one, as JSON.parse keeps it', () => {
    const at = jsonValueOffset(text, ['a', 1, 'b.c']);
    expect(at).toBe(text.indexOf('"last"'));
    expect(jsonValueOffset(text, ['a', 1, 'b.c'], 'key')).toBe(text.lastIndexOf('"b.c"'));
    expect(jsonValueOffset(text, ['a2', 'a'])).toBe(text.indexOf('true'));
    expect(jsonValueOffset(text, [])).toBe(0);
    expect(jsonValueOffset(text, ['missing'])).toBeUndefined();
  });

  it('finds every top-level value of generated objects', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (object) => {
        const json = JSON.stringify(object, null, 2);
        for (const [key, value] of Object.entries(object)) {
          const offset = jsonValueOffset(json, [key]);
          expect(offset).toBeDefined();
          const rest = json.slice(offset);
          expect(rest.startsWith(JSON.stringify(value, null, 2).split('\n')[0] ?? '')).toBe(true);
        }
      }),
    );
  });
});

describe('lineColumn', () => {
  it('is 1-based and counts columns after the last line break', () => {
    expect(lineColumn('abc', 0)).toEqual({ line: 1, column: 1 });
    expect(lineColumn('ab\ncd\nef', 7)).toEqual({ line: 3, column: 2 });
    expect(lineColumn('ab\n', 3)).toEqual({ line: 2, column: 1 });
    expect(lineColumn('ab', 99)).toEqual({ line: 1, column: 3 });
  });
});
