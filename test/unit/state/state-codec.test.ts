import { readFile } from 'node:fs/promises';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { AssistantsError } from '../../../src/errors/index.js';
import { UNKNOWN } from '../../../src/model/attributes.js';
import {
  contentText,
  parseState,
  planWrite,
  STATE_SCHEMA_URL,
  serializeState,
  storedVersion,
} from '../../../src/state/state-codec.js';
import { emptyState, type StateDocument } from '../../../src/state/state-document.js';
import { expectEveryFieldDescribed } from '../../helpers/schema-properties.js';
import { LINEAGE, sampleState, stateText } from '../../helpers/state-fixtures.js';

const FILE = '.assistants/state.json';

function parseError(text: string, hint?: string): AssistantsError {
  try {
    parseState(text, { file: FILE, ...(hint ? { hint } : {}) });
  } catch (err) {
    if (err instanceof AssistantsError) return err;
    throw err;
  }
  throw new Error('parseState accepted the text');
}

describe('serializeState and parseState', () => {
  it('round-trip every kind of resource and a pending operation', () => {
    const doc = sampleState({
      pending: [
        {
          id: '0b7d3c1e-2f4a-4b5c-8d9e-0f1a2b3c4d5e',
          address: 'file.handbook',
          kind: 'file',
          operation: 'create',
          started_at: '2026-05-01T10:00:00.000Z',
          match: { filename: 'handbook.pdf', bytes: 2048, sha256: 'a'.repeat(64) },
        },
      ],
    });
    const text = serializeState(doc);
    expect(parseState(text, { file: FILE })).toEqual(doc);
  });

  it('writes resources sorted by address, fields in a fixed order, 2-space indent and a trailing newline', () => {
    const doc = sampleState();
    // Insertion order reversed, fields shuffled: the text must not depend on either.
    const reversed = Object.fromEntries(
      Object.entries(doc.resources)
        .reverse()
        .map(([a, r]) => [
          a,
          {
            attributes: r.attributes,
            dependencies: r.dependencies,
            protect: r.protect,
            id: r.id,
            kind: r.kind,
          },
        ]),
    ) as StateDocument['resources'];
    const text = serializeState({ ...doc, resources: reversed });
    expect(text).toBe(serializeState(doc));
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.split('\n')[1]).toBe('  "format_version": 1,');
    const addresses = [...text.matchAll(/^ {4}"([a-z_]+\.[^"]+)": \{$/gm)].map((m) => m[1]);
    expect(addresses).toEqual([
      'assistant.support-bot',
      'file.handbook',
      'vector_store.support-kb',
      'vector_store_file.support-kb/handbook',
    ]);
    const fileEntry = JSON.parse(text).resources['file.handbook'];
    expect(Object.keys(fileEntry)).toEqual(['kind', 'id', 'protect', 'dependencies', 'attributes']);
  });

  it('refuses to serialise what it could not read back (an UNKNOWN id), as an internal error', () => {
    const doc = sampleState();
    const member = doc.resources['vector_store_file.support-kb/handbook'];
    if (member?.kind !== 'vector_store_file') throw new Error('fixture');
    member.attributes.file_id = UNKNOWN;
    let error: unknown;
    try {
      serializeState(doc, FILE);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(AssistantsError);
    expect(error).toMatchObject({ code: 'STATE_WRITE_FAILED', kind: 'internal' });
    expect((error as Error).message).toContain('is missing "file_id"');
  });

  it('accepts an empty state and a byte-order mark', () => {
    const text = serializeState(emptyState(LINEAGE, 'default'));
    expect(parseState(`\uFEFF${text}`, { file: FILE })).toEqual(emptyState(LINEAGE, 'default'));
  });
});

describe('parseState on corrupt JSON', () => {
  it('gives STATE_CORRUPT at the line and column JSON.parse reports, with the line as excerpt', () => {
    const text = '{\n  "format_version": 1,\n  "lineage": "x",,\n  "serial": 1\n}\n';
    const error = parseError(text, 'the previous version is in .assistants/state.json.backup');
    expect(error.code).toBe('STATE_CORRUPT');
    expect(error.message).toBe(
      '.assistants/state.json is not valid JSON: expected double-quoted property name',
    );
    expect(error.location).toEqual({ file: FILE, line: 3, column: 18 });
    expect(error.hint).toBe('the previous version is in .assistants/state.json.backup');
    expect(error.toDiagnostics()).toEqual([
      {
        severity: 'error',
        code: 'STATE_CORRUPT',
        message: error.message,
        location: { file: FILE, line: 3, column: 18 },
        excerpt: '  "lineage": "x",,',
        hint: 'the previous version is in .assistants/state.json.backup',
      },
    ]);
  });

  it('locates errors JSON.parse gives no position for (an unquoted word)', () => {
    const error = parseError('{\n  "format_version": 1,\n  "serial": tru\n}\n');
    expect(error.message).toBe('.assistants/state.json is not valid JSON: unexpected "tru"');
    expect(error.location).toEqual({ file: FILE, line: 3, column: 13 });
  });

  it('says so for an empty file and a cut-off one, and never suggests deleting', () => {
    const empty = parseError('');
    expect(empty.message).toBe('.assistants/state.json is not valid JSON: the file is empty');
    expect(empty.location).toMatchObject({ line: 1, column: 1 });
    const cut = parseError('{\n  "format_version": 1,\n  "lin');
    expect(cut.message).toContain('not valid JSON');
    expect(cut.location).toMatchObject({ line: 3 });
    for (const e of [empty, cut]) expect(`${e.message} ${e.hint}`).not.toMatch(/delete|rm /i);
  });
});

describe('parseState on a document of the wrong shape', () => {
  it('reports every problem, each at its value, as STATE_CORRUPT', () => {
    // Hand edits: a quoted number, a kind that is not the address's, a key that is no address, and
    // a required field gone (the store is the only resource with protect: true).
    const text = stateText(sampleState())
      .replace('"bytes": 2048', '"bytes": "2048"')
      .replace('"kind": "assistant"', '"kind": "file"')
      .replace('"resources": {', '"resources": {\n    "notes.txt": {},')
      .replace(/\n\s+"protect": true,/, '');
    const lines = text.split('\n');
    /** The line of the first `needle` after the line holding `after`. */
    const lineOf = (needle: string, after = '') => {
      const from = lines.findIndex((l) => l.includes(after));
      return lines.findIndex((l, i) => i >= from && l.includes(needle)) + 1;
    };

    const error = parseError(text);
    expect(error.code).toBe('STATE_CORRUPT');
    expect(error.message).toBe(
      '.assistants/state.json is not a valid state document: "notes.txt" is not a resource address (file.NAME, vector_store.NAME, vector_store_file.STORE/FILE, assistant.NAME, skill.NAME or agent.NAME) (and 3 more problems)',
    );
    // Top to bottom of the file, each at its own line.
    expect(error.toDiagnostics().map((d) => [d.message, d.location?.line])).toEqual([
      [
        '"notes.txt" is not a resource address (file.NAME, vector_store.NAME, vector_store_file.STORE/FILE, assistant.NAME, skill.NAME or agent.NAME)',
        lineOf('"notes.txt"'),
      ],
      [
        'resources["file.handbook"].attributes.bytes must be an integer, not a string ("2048")',
        lineOf('"2048"'),
      ],
      ['resources["vector_store.support-kb"] is missing "protect"', lineOf('"vector_store.support-kb": {')],
      [
        'resources["assistant.support-bot"].kind must be "assistant", not "file"',
        lineOf('"kind": "file"', '"assistant.support-bot"'),
      ],
    ]);
    expect(error.location).toEqual({ file: FILE, line: lineOf('"notes.txt"'), column: 5 });
    // The advice comes once, after the last problem.
    expect(error.toDiagnostics().filter((d) => d.hint)).toHaveLength(1);
  });

  it('checks the journal: an entry whose address is not of its kind', () => {
    const text = stateText(
      sampleState({
        pending: [
          {
            id: 'p1',
            address: 'file.handbook',
            kind: 'assistant',
            operation: 'update',
            started_at: '2026-05-01T10:00:00Z',
          },
        ],
      }),
    );
    const error = parseError(text);
    expect(error.message).toContain(
      'pending[0].address "file.handbook" is not an address of the kind the entry gives',
    );
  });

  it('refuses a top level that is not an object, and missing top-level fields', () => {
    expect(parseError('[]\n').message).toContain('the document must be an object, not an array');
    expect(
      parseError('{"format_version": 1}')
        .toDiagnostics()
        .map((d) => d.message),
    ).toEqual([
      'the document is missing "lineage"',
      'the document is missing "serial"',
      'the document is missing "stack"',
      'the document is missing "resources"',
      'the document is missing "pending"',
    ]);
  });
});

describe('parseState on a newer format', () => {
  it('gives STATE_VERSION_UNSUPPORTED naming both versions, located at format_version', () => {
    const text = stateText({ ...sampleState(), format_version: 5, something_new: true });
    const error = parseError(text);
    expect(error.code).toBe('STATE_VERSION_UNSUPPORTED');
    expect(error.message).toBe(
      '.assistants/state.json has state format_version 5; this assistants-iac reads format_version 4 and older',
    );
    expect(error.location).toEqual({ file: FILE, line: 2, column: 21 });
    expect(error.hint).toMatch(/upgrade/);
  });
});

describe('planWrite: the serial rule', () => {
  const storedDoc = JSON.parse(serializeState(sampleState({ serial: 7 }))) as StateDocument;
  const stored = storedVersion(storedDoc);

  it('writes nothing when only serial differs', () => {
    const plan = planWrite(stored, { ...sampleState(), serial: 99 }, FILE);
    expect(plan.changed).toBe(false);
  });

  it('ignores key order and undefined fields when comparing content', () => {
    const doc = sampleState();
    const reordered = {
      pending: [],
      resources: doc.resources,
      stack: doc.stack,
      serial: 0,
      lineage: LINEAGE,
      format_version: 1,
    } as StateDocument;
    const withUndefined = { ...doc, extra: undefined } as StateDocument;
    expect(planWrite(stored, reordered, FILE).changed).toBe(false);
    expect(planWrite(stored, withUndefined, FILE).changed).toBe(false);
    expect(contentText({ ...doc, serial: 1 })).toBe(stored.content);
  });

  it('bumps serial by one on a change, whatever serial the writer passed', () => {
    const plan = planWrite(stored, { ...sampleState({ stack: 'other' }), serial: 0 }, FILE);
    expect(plan.changed).toBe(true);
    if (!plan.changed) throw new Error('expected a change');
    expect(plan.doc.serial).toBe(8);
    expect(JSON.parse(plan.text)).toEqual(plan.doc);
  });

  it('gives serial 1 to a first write', () => {
    const plan = planWrite(undefined, { ...emptyState(LINEAGE, 'default'), serial: 41 }, FILE);
    expect(plan).toMatchObject({ changed: true, doc: { serial: 1 } });
  });

  it('refuses a document of another lineage', () => {
    expect(() => planWrite(stored, sampleState({ lineage: 'another' }), FILE)).toThrow(
      expect.objectContaining({ code: 'STATE_WRITE_FAILED', message: expect.stringContaining('lineage') }),
    );
  });
});

describe('schema/state.schema.json', () => {
  async function loadSchema(): Promise<Record<string, unknown>> {
    return JSON.parse(await readFile(STATE_SCHEMA_URL, 'utf8')) as Record<string, unknown>;
  }

  // That it compiles in strict mode is checked where it is compiled (schema-validators.test.ts).
  it('is JSON Schema 2020-12', async () => {
    const schema = await loadSchema();
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const ajv = new Ajv2020({ strict: false });
    ajv.addKeyword('x-problem');
    expect(ajv.validateSchema(schema)).toBe(true);
  });

  it('describes every field', async () => {
    // Properties inside `if` and `then` are conditions and refinements of a field described elsewhere.
    expectEveryFieldDescribed(await loadSchema(), { skip: /\/(if|then)\//, moreThan: 50 });
  });
});
