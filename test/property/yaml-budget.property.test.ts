import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify, visit } from 'yaml';
import { checkYamlBudget } from '../../src/manifest/yaml-budget.js';

/** What the parser builds from `text`: its values (nodes), and the problems it reports. */
function built(text: string): { values: number; problems: number } {
  let values = 0;
  let problems = 0;
  const docs = parseAllDocuments(text, {
    uniqueKeys: false,
    merge: true,
    resolveKnownTags: false,
    logLevel: 'silent',
    prettyErrors: false,
  });
  for (const doc of Array.isArray(docs) ? docs : []) {
    visit(doc, {
      Node() {
        values++;
      },
    });
    problems += doc.errors.length + doc.warnings.length;
  }
  return { values, problems };
}

const estimate = (text: string) =>
  checkYamlBudget(text, { values: Number.POSITIVE_INFINITY, documents: Number.POSITIVE_INFINITY }).values;

/** Values written in every style the YAML library writes: block, flow, JSON. */
const wellFormed = fc.oneof(
  fc.anything({ maxDepth: 5 }).map((v) => stringify(v, { aliasDuplicateObjects: false }) ?? ''),
  fc
    .anything({ maxDepth: 5 })
    .map((v) => stringify(v, { collectionStyle: 'flow', aliasDuplicateObjects: false }) ?? ''),
  fc.anything({ maxDepth: 5 }).map((v) => JSON.stringify(v) ?? ''),
  fc
    .array(fc.anything({ maxDepth: 3 }), { maxLength: 4 })
    .map((docs) => docs.map((d) => stringify(d, { aliasDuplicateObjects: false }) ?? '').join('---\n')),
);

/** Tokens strung together: mostly YAML that does not parse, which the parser still builds from. */
const anyText = fc.oneof(
  fc
    .array(
      fc.constantFrom(
        'version: 1',
        ':',
        ': ',
        '- ',
        '- a',
        ' ',
        '  ',
        '\n',
        '\r',
        '\t',
        '{',
        '}',
        '[',
        ']',
        '[a',
        '{a',
        '"',
        "'",
        "'a'",
        '"b"',
        '"k":',
        "'k':1",
        '&a',
        '*a',
        '&',
        '*',
        '!',
        '!t',
        '!!str',
        '<<',
        '<<: *a',
        '---',
        '...',
        '? ',
        '?a',
        '-a',
        '#',
        'a',
        'a: ',
        'key:',
        ',',
        'b,c',
        'x:y',
        '|',
        '|-',
        '>',
        '\\',
        '\\q',
        '%YAML 1.2',
        '%TAG ! x',
        '@',
        '`',
        '~',
        '\u0000',
        '\u0085',
        '\u2028',
      ),
      { maxLength: 80 },
    )
    .map((t) => t.join('')),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

describe('the estimate of YAML values made before parsing', () => {
  it('is never below the values the parser builds from well-formed YAML', () => {
    fc.assert(
      fc.property(wellFormed, (text) => estimate(text) >= built(text).values),
      { numRuns: 3000, seed: 20261206 },
    );
  });

  it('is within a factor of 2 of the values and problems the parser makes of any text', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const { values, problems } = built(text);
        return 2 * estimate(text) >= values + problems;
      }),
      { numRuns: 3000, seed: 20261206 },
    );
  });

  it('stays a small factor for any snippet repeated: what a large hostile file is made of', () => {
    const snippet = fc
      .array(
        fc.constantFrom(
          ':',
          '- ',
          ' ',
          '\n',
          '{',
          '}',
          '[',
          ']',
          '"',
          "'",
          '*a',
          '&a',
          '!t',
          '? ',
          '#',
          'a',
          ',',
          '\t',
          '\\q',
          '|',
          '@',
        ),
        { minLength: 1, maxLength: 6 },
      )
      .map((t) => t.join(''));
    const opening = fc.constantFrom(
      '',
      'x: [',
      'x: {',
      'x:\n  ',
      '- ',
      'x: |\n  ',
      'x: "',
      "x: '",
      '[[[',
      '? ',
    );
    fc.assert(
      fc.property(snippet, opening, (s, open) => {
        const short = `${open}${s.repeat(50)}`;
        const long = `${open}${s.repeat(100)}`;
        const cost = (t: string) => {
          const b = built(t);
          return b.values + b.problems;
        };
        // What 50 more repetitions cost, against what they add to the estimate.
        return 3 * (estimate(long) - estimate(short)) >= cost(long) - cost(short);
      }),
      { numRuns: 1500, seed: 20261206 },
    );
  });

  it('counts a generated manifest of 100,000 store members as 400,000 values, under the limit', () => {
    const member = '      - file_id: file-AbCdEfGhIjKlMnOpQrStUv # report.pdf\n';
    const head = 'version: 1\nstack: big\nvector_stores:\n  kb:\n    files:\n';
    expect(estimate(head + member.repeat(100_000)) - estimate(head)).toBe(400_000);
    expect(checkYamlBudget(head + member.repeat(100_000)).exceeded).toBeUndefined();
  });
});
