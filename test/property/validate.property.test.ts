import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { isErrorCode } from '../../src/errors/index.js';
import { runInProcess } from '../helpers/run-cli.js';
import { createWorkspace } from '../helpers/workspace.js';
import { yamlToken } from './fuzz-cases.js';

/** Scales every numRuns below; set PROPERTY_RUNS=20 for a long local hunt. */
const SCALE = Number(process.env.PROPERTY_RUNS ?? 1);

/** A stack trace line: "    at fn (file.js:1:2)". */
const STACK = /\n\s+at .+:\d+:\d+/;

let dir: string;
let remove: () => Promise<void>;
beforeAll(async () => {
  // A few real files, so that random manifests sometimes reference something that exists.
  ({ dir, remove } = await createWorkspace({
    'docs/a.md': '# A',
    'docs/b.pdf': '%PDF',
    'data.csv': 'a,b',
    'prompt.md': 'Be brief.',
  }));
  for (const example of MUTATED)
    await cp(
      path.join(examples, example.split('/')[0] as string),
      path.join(dir, example.split('/')[0] as string),
      { recursive: true },
    );
});
afterAll(() => remove());

const examples = path.resolve(import.meta.dirname, '../../examples');
/** Example manifests that mutations start from: valid documents whose files exist. */
const MUTATED = [
  'support-bot/assistants.yaml',
  'function-calling/assistants.yaml',
  'knowledge-base/vector-stores.yaml',
];

/**
 * Validates `text` as assistants.yaml, as text and as JSON, and checks the contract: exit 0 or 1,
 * no stack trace, JSON that parses, only registered codes, no internal error, and exit 0 exactly
 * when there is no error.
 */
async function assertWellBehaved(text: string, manifest = 'assistants.yaml'): Promise<void> {
  await writeFile(path.join(dir, manifest), text);
  const env = { SET: 'value' };
  const human = await runInProcess(['validate', '-f', manifest], { cwd: dir, env });
  expect([0, 1]).toContain(human.code);
  expect(human.stdout + human.stderr).not.toMatch(STACK);
  expect(human.stderr).not.toContain('INTERNAL');

  const machine = await runInProcess(['validate', '-f', manifest, '--format', 'json'], { cwd: dir, env });
  expect(machine.code).toBe(human.code);
  expect(machine.stderr).toBe('');
  const out = JSON.parse(machine.stdout) as {
    valid: boolean;
    diagnostics: { code: string; severity: string }[];
  };
  for (const d of out.diagnostics) {
    expect(isErrorCode(d.code), d.code).toBe(true);
    expect(d.code).not.toBe('INTERNAL');
  }
  expect(out.valid).toBe(machine.code === 0);
  expect(out.diagnostics.some((d) => d.severity === 'error')).toBe(!out.valid);
}

/** Keys and values from the manifest's own vocabulary, so random documents reach deep rules. */
const KEYS = [
  'version',
  'stack',
  'files',
  'tools',
  'vector_stores',
  'assistants',
  'path',
  'purpose',
  'protect',
  'model',
  'name',
  'description',
  'instructions',
  'tool_resources',
  'file_search',
  'code_interpreter',
  'vector_store_ids',
  'file_ids',
  'file',
  'glob',
  'attributes',
  'metadata',
  'chunking_strategy',
  'type',
  'static',
  'max_chunk_size_tokens',
  'chunk_overlap_tokens',
  'expires_after',
  'days',
  'anchor',
  'function',
  'parameters',
  'strict',
  'properties',
  'required',
  'additionalProperties',
  'response_format',
  'json_schema',
  'schema',
  'temperature',
  'top_p',
  'reasoning_effort',
  'max_num_results',
  'ranking_options',
  'kb',
  'bot',
  'a',
  '__proto__',
  'constructor',
  '$ref',
  '$schema',
  '$id',
  'items',
];
const WORDS = [
  'function',
  'file_search',
  'code_interpreter',
  'static',
  'auto',
  'object',
  'string',
  'gpt-4o',
  'kb',
  'a',
  'bot',
  'docs/a.md',
  'docs/*.md',
  'docs/**',
  '../outside.md',
  '/etc/passwd',
  'data.csv',
  'prompt.md',
  '${env:SET}',
  '${env:UNSET}',
  '${env:UNSET:-x}',
  '${oops}',
  '$${',
  'last_active_at',
  'json_schema',
  '',
  '#/$defs/X',
  'docs/b.pdf',
  'http://json-schema.org/draft-07/schema#',
  '/**/*',
  'docs/{a,b}.md',
  '..data.md',
];

const arbitraries = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...WORDS),
    fc.integer({ min: -10, max: 5000 }),
    fc.double({ noNaN: true }),
    fc.boolean(),
    fc.constant(null),
    fc.string(),
    fc.array(tie('value'), { maxLength: 4 }),
    tie('object'),
  ),
  object: fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 6 })), tie('value'), {
    maxKeys: 5,
  }),
}));
const manifestLike = arbitraries.object;
const manifestValue = arbitraries.value;

describe('validate never throws and always answers', { timeout: 60_000 * SCALE }, () => {
  it('on random text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 200 }), (text) => assertWellBehaved(text)),
      {
        numRuns: 150 * SCALE,
      },
    );
  });

  it('on random YAML-ish text built from YAML syntax', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(yamlToken, { maxLength: 40 }).map((t) => t.join('')),
        (text) => assertWellBehaved(text),
      ),
      { numRuns: 150 * SCALE },
    );
  });

  it('on random objects serialised as YAML', async () => {
    await fc.assert(
      fc.asyncProperty(fc.anything({ maxDepth: 3 }), async (value) => {
        await assertWellBehaved(stringify(value, { aliasDuplicateObjects: false }) ?? '');
      }),
      { numRuns: 100 * SCALE },
    );
  });

  it('on random manifest-shaped documents', async () => {
    const document = fc.record({ version: fc.constantFrom(1, 1, 2), rest: manifestLike });
    await fc.assert(
      fc.asyncProperty(document, async ({ version, rest }) => {
        await assertWellBehaved(stringify({ version, ...rest }, { aliasDuplicateObjects: false }));
      }),
      { numRuns: 300 * SCALE },
    );
  });

  it('on example manifests with random parts deleted, replaced or renamed', async () => {
    const sources = await Promise.all(
      MUTATED.map(async (m) => parse(await readFile(path.join(examples, m), 'utf8'))),
    );
    const mutation = fc.record({
      at: fc.nat(),
      op: fc.constantFrom('delete', 'replace', 'rename'),
      value: manifestValue,
      key: fc.constantFrom(...KEYS),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: MUTATED.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        async (which, mutations) => {
          const doc = structuredClone(sources[which]) as Record<string, unknown>;
          for (const m of mutations) mutate(doc, m);
          await assertWellBehaved(stringify(doc, { aliasDuplicateObjects: false }), MUTATED[which]);
        },
      ),
      { numRuns: 300 * SCALE },
    );
  });
});

/** Every (parent, key) pair in a document, depth first. */
function slots(
  node: unknown,
  out: [Record<string, unknown>, string][] = [],
): [Record<string, unknown>, string][] {
  if (node === null || typeof node !== 'object') return out;
  for (const key of Object.keys(node)) {
    out.push([node as Record<string, unknown>, key]);
    slots((node as Record<string, unknown>)[key], out);
  }
  return out;
}

function mutate(
  doc: Record<string, unknown>,
  m: { at: number; op: string; value: unknown; key: string },
): void {
  const all = slots(doc);
  const slot = all[m.at % all.length];
  if (!slot) return;
  const [parent, key] = slot;
  if (m.op === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
  } else if (m.op === 'replace') parent[key] = m.value;
  else if (!Array.isArray(parent)) {
    parent[m.key] = parent[key];
    if (m.key !== key) delete parent[key];
  }
}
