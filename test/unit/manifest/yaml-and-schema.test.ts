import { describe, expect, it } from 'vitest';
import { brief, check, onlyError } from '../../helpers/validate.js';
import { yaml } from '../../helpers/workspace.js';

describe('YAML', () => {
  it('reports a syntax error at its line and column', async () => {
    const result = await check(yaml`
      version: 1
      assistants:
        bot:
          model: [gpt-4o
    `);
    const error = onlyError(result);
    expect(error.code).toBe('YAML_SYNTAX');
    expect(error.message).toMatch(/flow sequence/i);
    // The parser finds the missing `]` at the end of input; the report points at the end of the
    // last written line, where the fix goes.
    expect(error.location).toMatchObject({ file: 'assistants.yaml', line: 4, column: 19 });
    expect(error.excerpt).toBe('    model: [gpt-4o');
  });

  it('reports a nested mapping in a compact value where it starts', async () => {
    const result = await check(yaml`
      version: 1
      assistants:
        bot:
          model: gpt-4o: mini
    `);
    expect(brief(onlyError(result))).toBe(
      'assistants.yaml:4:12 YAML_SYNTAX Nested mappings are not allowed in compact mappings',
    );
  });

  it('reports a duplicate key where it is repeated', async () => {
    const result = await check(yaml`
      version: 1
      assistants:
        bot:
          model: gpt-4o
          model: gpt-4o-mini
    `);
    const error = onlyError(result);
    expect(brief(error)).toBe(
      'assistants.yaml:5:5 YAML_DUPLICATE_KEY key "model" appears twice in this mapping',
    );
  });

  it('reads every document of a multi-document file as a partial manifest', async () => {
    const result = await check(
      yaml`
      version: 1
      files:
        a: { path: a.md }
      ---
      version: 1
      vector_stores:
        kb: { files: [a] }
    `,
      { 'a.md': '# A' },
    );
    expect(result.errors).toEqual([]);
    expect(result.value?.memberships.map((m) => m.address)).toEqual(['vector_store_file.kb/a']);
  });

  it('reports an alias bomb instead of expanding it', async () => {
    const lines = ['version: 1', 'x0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++)
      lines.push(
        `x${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    const result = await check(`${lines.join('\n')}\n`);
    // x3 stands for 10 x 1,111 values: its aliases pass 10,000 (1,220 before it) at the ninth.
    expect(brief(onlyError(result))).toBe(
      'assistants.yaml:5:45 YAML_ALIAS aliases expand this document to more than 10,000 values',
    );
  });
});

describe('schema', () => {
  it('reports an unknown key with the nearest known one', async () => {
    const result = await check(yaml`
      version: 1
      assistants:
        bot:
          model: gpt-4o
          instruction: Be brief.
    `);
    const error = onlyError(result);
    expect(brief(error)).toBe(
      'assistants.yaml:5:5 UNKNOWN_KEY unknown key "instruction" in assistant "bot"; did you mean "instructions"?',
    );
    expect(error.hint).toMatch(/^known keys: model, name, description, instructions,/);
  });

  it('reports an unknown top-level key, without a suggestion when none is close', async () => {
    const result = await check(yaml`
      version: 1
      databases: {}
    `);
    expect(brief(onlyError(result))).toBe(
      'assistants.yaml:2:1 UNKNOWN_KEY unknown key "databases" at the top level',
    );
  });

  it('reports a missing required field at the resource', async () => {
    const result = await check(yaml`
      version: 1
      assistants:
        bot:
          name: Bot
    `);
    expect(brief(onlyError(result))).toBe(
      'assistants.yaml:3:3 MISSING_FIELD assistant "bot" is missing the required field "model"',
    );
  });

  it('requires version 1', async () => {
    const result = await check('version: 2\n');
    expect(brief(onlyError(result))).toBe('assistants.yaml:1:10 INVALID_VALUE "version" must be 1, not 2');
  });

  it('suggests quoting a number where a string is expected', async () => {
    const result = await check(yaml`
      version: 1
      vector_stores:
        kb:
          metadata: { release: 2.10 }
    `);
    const error = onlyError(result);
    expect(brief(error)).toBe(
      'assistants.yaml:4:26 TYPE_MISMATCH metadata.release of vector store "kb" must be a string, not a number (2.1)',
    );
    expect(error.hint).toBe('put the value in quotes to make it a string: "2.10"');
  });

  it('reports an empty value as such', async () => {
    const result = await check(yaml`
      version: 1
      assistants:
        bot:
          model:
    `);
    const error = onlyError(result);
    expect(brief(error)).toBe(
      'assistants.yaml:4:5 TYPE_MISMATCH model of assistant "bot" must be a string, not empty (null)',
    );
    expect(error.hint).toMatch(/empty/);
  });

  it('reports a value outside an enum with the nearest allowed one', async () => {
    const result = await check(yaml`
      version: 1
      assistants:
        bot:
          model: gpt-4o
          tools:
            - type: file_serch
    `);
    expect(brief(onlyError(result))).toBe(
      'assistants.yaml:6:15 INVALID_VALUE tools[0].type of assistant "bot" is "file_serch"; expected one of: code_interpreter, file_search, function; did you mean "file_search"?',
    );
  });

  it('reports a resource name that cannot be part of an address', async () => {
    const result = await check(yaml`
      version: 1
      vector_stores:
        "support kb": {}
    `);
    const error = onlyError(result);
    expect(brief(error)).toBe(
      'assistants.yaml:3:3 INVALID_NAME "support kb" is not a valid name in the vector_stores section',
    );
    expect(error.hint).toMatch(/letters, digits/);
  });

  it('reports a member that is neither a name, a file entry nor a glob entry', async () => {
    const result = await check(yaml`
      version: 1
      vector_stores:
        kb:
          files:
            - path: docs/a.md
    `);
    expect(result.errors.map(brief)).toEqual([
      'assistants.yaml:5:9 MISSING_FIELD files[0] of vector store "kb" is missing the required field "file"',
      'assistants.yaml:5:9 UNKNOWN_KEY unknown key "path" in files[0] of vector store "kb"',
    ]);
    expect(result.errors[0]?.hint).toBe(
      'a member is a file name, {file: NAME}, {glob: PATTERN} or {file_id: ID}',
    );
  });

  it('reports every schema error of a document at once and still runs the semantic rules on the rest', async () => {
    const result = await check(yaml`
      version: 1
      assistants:
        bot:
          model: gpt-4o
          temperature: 3
          tool_resources:
            file_search: { vector_stores: [kb] }
          tools: [{ type: file_search }]
    `);
    expect(result.errors.map(brief)).toEqual([
      'assistants.yaml:5:18 OUT_OF_RANGE temperature of assistant "bot" is 3; it must be at most 2',
      'assistants.yaml:7:38 UNDEFINED_REFERENCE assistant "bot" uses vector store "kb", which is not defined under vector_stores:',
    ]);
  });

  it('treats a file of comments as empty, and an empty manifest as valid', async () => {
    const result = await check('# nothing yet\n', { 'more.yaml': 'version: 1\n' }, { args: ['.'] });
    expect(result.errors).toEqual([]);
    expect(result.value?.stack).toBe('default');
  });
});
