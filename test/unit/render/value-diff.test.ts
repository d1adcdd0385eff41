import { describe, expect, it } from 'vitest';
import { UNKNOWN } from '../../../src/model/attributes.js';
import { formatInline, formatPath, formatPretty, valueLines } from '../../../src/render/format-value.js';
import { deepEqual, groupEntries, lineDiff, structuredDiff } from '../../../src/render/value-diff.js';

describe('structuredDiff', () => {
  it('compares objects key by key, in after order then removed keys', () => {
    expect(structuredDiff({ a: 1, b: { c: 2 }, gone: true }, { b: { c: 3 }, a: 1, d: 'x' })).toEqual([
      { op: 'change', path: ['b', 'c'], before: 2, after: 3 },
      { op: 'add', path: ['d'], after: 'x' },
      { op: 'remove', path: ['gone'], before: true },
    ]);
  });

  it('matches array elements so that an insertion is one add, not a change to every later element', () => {
    expect(structuredDiff(['a', 'b', 'c'], ['x', 'a', 'b', 'c'])).toEqual([
      { op: 'add', path: [0], after: 'x' },
    ]);
    expect(structuredDiff(['a', 'b', 'c'], ['a', 'c'])).toEqual([{ op: 'remove', path: [1], before: 'b' }]);
  });

  it('pairs a changed element with its new version when they look alike, and not otherwise', () => {
    const fn = (type: string) => ({ type: 'function', function: { name: 'f', parameters: { type } } });
    expect(
      structuredDiff([{ type: 'file_search' }, fn('string')], [{ type: 'file_search' }, fn('object')]),
    ).toEqual([
      { op: 'change', path: [1, 'function', 'parameters', 'type'], before: 'string', after: 'object' },
    ]);
    expect(structuredDiff([{ type: 'code_interpreter' }], [{ type: 'file_search' }])).toEqual([
      { op: 'remove', path: [0], before: { type: 'code_interpreter' } },
      { op: 'add', path: [0], after: { type: 'file_search' } },
    ]);
    expect(structuredDiff(['vs_1', 'vs_2'], ['vs_1', UNKNOWN])).toEqual([
      { op: 'change', path: [1], before: 'vs_2', after: UNKNOWN },
    ]);
  });

  it('treats UNKNOWN as equal only to itself', () => {
    expect(deepEqual(UNKNOWN, UNKNOWN)).toBe(true);
    expect(deepEqual(UNKNOWN, null)).toBe(false);
    expect(deepEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(deepEqual({ a: undefined }, {})).toBe(false);
  });
});

describe('groupEntries', () => {
  it('groups under the deepest shared parent, stopping at a JSON Schema root', () => {
    const group = groupEntries(
      structuredDiff(
        { function: { parameters: { properties: { reason: { type: 'string' } } } } },
        {
          function: {
            parameters: { properties: { reason: { type: 'integer' }, urgent: { type: 'boolean' } } },
          },
        },
      ),
    );
    expect(group.prefix).toEqual(['function', 'parameters']);
    expect(group.entries.map((e) => formatPath(e.path))).toEqual([
      'properties.reason.type',
      'properties.urgent',
    ]);
  });

  it('keeps at least the last segment of every entry', () => {
    const group = groupEntries(structuredDiff({ team: 'a' }, { team: 'b' }));
    expect(group).toEqual({
      prefix: [],
      entries: [{ op: 'change', path: ['team'], before: 'a', after: 'b' }],
    });
  });
});

describe('lineDiff', () => {
  it('gives hunks with three lines of context', () => {
    const lines = (changed: string) => ['1', '2', '3', '4', changed, '6', '7', '8', '9'].join('\n');
    const diff = lineDiff(lines('5'), lines('five'));
    expect(diff.complete).toBe(true);
    expect(diff.newline).toBeUndefined();
    expect(diff.hunks).toEqual([
      {
        header: '@@ -2,7 +2,7 @@',
        lines: [
          { sign: ' ', text: '2' },
          { sign: ' ', text: '3' },
          { sign: ' ', text: '4' },
          { sign: '-', text: '5' },
          { sign: '+', text: 'five' },
          { sign: ' ', text: '6' },
          { sign: ' ', text: '7' },
          { sign: ' ', text: '8' },
        ],
      },
    ]);
  });

  it('handles empty texts and a final newline added or removed', () => {
    expect(lineDiff('', 'a\n').hunks).toEqual([
      { header: '@@ -0,0 +1,1 @@', lines: [{ sign: '+', text: 'a' }] },
    ]);
    expect(lineDiff('a\n', 'a')).toEqual({ hunks: [], newline: 'removed', complete: true });
  });

  it('falls back to listing both texts when they are too different to diff cheaply', () => {
    const many = (word: string) => Array.from({ length: 1_500 }, (_, i) => `${word} ${i}`).join('\n');
    const diff = lineDiff(many('old'), many('new'));
    expect(diff.complete).toBe(false);
    expect(diff.hunks).toHaveLength(1);
    expect(diff.hunks[0]?.header).toBe('@@ -1,1500 +1,1500 @@');
    expect(diff.hunks[0]?.lines).toHaveLength(3_000);
  });
});

describe('format-value', () => {
  it('prints values on one line as compact JSON with unknowns spelled out', () => {
    expect(formatInline({ ids: [UNKNOWN, 'vs_1'], n: 1.5, ok: true, none: null })).toBe(
      '{"ids":[(known after apply),"vs_1"],"n":1.5,"ok":true,"none":null}',
    );
    expect(formatInline('tab\there\u202e')).toBe('"tab\\there\\u202e"');
  });

  it('prints paths with quoted keys where a key is not an identifier', () => {
    expect(formatPath(['tools', 2, 'function', 'parameters'])).toBe('tools[2].function.parameters');
    expect(formatPath(['team.name'])).toBe('["team.name"]');
    expect(formatPath([0, 'a b'])).toBe('[0]["a b"]');
  });

  it('shows multi-line strings as heredocs and long values as pretty JSON', () => {
    expect(valueLines('one\n\ntwo\n')).toEqual(['<<EOT', '  one', '', '  two', 'EOT']);
    expect(valueLines('EOT\n')).toEqual(['<<EOT_', '  EOT', 'EOT_']);
    expect(valueLines({ a: 1 })).toEqual(['{"a":1}']);
    expect(formatPretty({ a: [1, UNKNOWN], b: {} })).toEqual([
      '{',
      '  "a": [',
      '    1,',
      '    (known after apply)',
      '  ],',
      '  "b": {}',
      '}',
    ]);
  });
});
