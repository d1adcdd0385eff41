import { describe, expect, it } from 'vitest';
import { brief, check, onlyError } from '../../helpers/validate.js';
import { yaml } from '../../helpers/workspace.js';

/** An assistant with one extra field line (indented under the assistant). */
const assistant = (field: string) => `version: 1\nassistants:\n  bot:\n    model: gpt-4o\n    ${field}\n`;

describe('API limits on assistants', () => {
  it('name: at most 256 characters', async () => {
    const result = await check(assistant(`name: ${'n'.repeat(257)}`));
    expect(brief(onlyError(result))).toBe(
      'assistants.yaml:5:11 OUT_OF_RANGE name of assistant "bot" is 257 characters long; the limit is 256',
    );
  });

  it('description: at most 512 characters', async () => {
    const result = await check(assistant(`description: ${'d'.repeat(513)}`));
    expect(brief(onlyError(result))).toBe(
      'assistants.yaml:5:18 OUT_OF_RANGE description of assistant "bot" is 513 characters long; the limit is 512',
    );
  });

  it('instructions written inline: at most 256,000 characters', async () => {
    const result = await check(assistant(`instructions: ${'i'.repeat(256_001)}`));
    expect(brief(onlyError(result))).toBe(
      'assistants.yaml:5:19 OUT_OF_RANGE instructions of assistant "bot" is 256,001 characters long; the limit is 256,000',
    );
  });

  it('instructions read from a file: at most 256,000 characters, counted as characters not bytes', async () => {
    // 128,001 two-byte characters: 256,002 bytes but 128,001 characters, so within the limit.
    const ok = await check(assistant('instructions: { file: prompt.md }'), {
      'prompt.md': 'é'.repeat(128_001),
    });
    expect(ok.errors).toEqual([]);
    expect(ok.value?.assistants[0]?.instructions).toHaveLength(128_001);

    const result = await check(assistant('instructions: { file: prompt.md }'), {
      'prompt.md': 'x'.repeat(256_001),
    });
    expect(brief(onlyError(result))).toBe(
      'assistants.yaml:5:27 OUT_OF_RANGE instructions of assistant "bot" read from "prompt.md" are 256,001 characters long; the limit is 256,000',
    );
  });

  it('tools: at most 128', async () => {
    const tools = Array(129).fill('{ type: function, function: { name: f } }').join(', ');
    const result = await check(assistant(`tools: [${tools}]`));
    expect(brief(onlyError(result))).toBe(
      'assistants.yaml:5:12 OUT_OF_RANGE tools of assistant "bot" has 129 items; at most 128 allowed',
    );
  });

  it('file_search: at most one vector store, managed and raw ids together', async () => {
    const result = await check(yaml`
      version: 1
      vector_stores:
        kb: {}
      assistants:
        bot:
          model: gpt-4o
          tools: [{ type: file_search }]
          tool_resources:
            file_search: { vector_stores: [kb], vector_store_ids: [vs_abc123] }
    `);
    const error = onlyError(result);
    expect(brief(error)).toBe(
      'assistants.yaml:9:7 OUT_OF_RANGE assistant "bot" has 2 vector stores for file_search; the API allows 1',
    );
  });

  it('code_interpreter: at most 20 files, managed and raw ids together', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `f${i}`);
    const files = Object.fromEntries(names.map((n) => [`${n}.csv`, 'a,b\n1,2\n']));
    const result = await check(
      [
        'version: 1',
        'files:',
        ...names.map((n) => `  ${n}: { path: ${n}.csv }`),
        'assistants:',
        '  bot:',
        '    model: gpt-4o',
        '    tools: [{ type: code_interpreter }]',
        '    tool_resources:',
        `      code_interpreter: { files: [${names.join(', ')}], file_ids: [${Array(9).fill('file-x').join(', ')}] }`,
        '',
      ].join('\n'),
      files,
    );
    expect(brief(onlyError(result))).toBe(
      'assistants.yaml:20:7 OUT_OF_RANGE assistant "bot" has 21 code_interpreter files (files and file_ids together); the API allows 20',
    );
  });

  it('temperature 0 to 2 and top_p 0 to 1', async () => {
    const result = await check(assistant('temperature: -0.5\n    top_p: 1.5'));
    expect(result.errors.map(brief)).toEqual([
      'assistants.yaml:5:18 OUT_OF_RANGE temperature of assistant "bot" is -0.5; it must be at least 0',
      'assistants.yaml:6:12 OUT_OF_RANGE top_p of assistant "bot" is 1.5; it must be at most 1',
    ]);
  });
});

describe('metadata', () => {
  it('at most 14 pairs: 16 in the API, 2 taken by the ownership stamp', async () => {
    const pairs = Array.from({ length: 15 }, (_, i) => `k${i}: v`).join(', ');
    const result = await check(assistant(`metadata: { ${pairs} }`));
    const error = onlyError(result);
    expect(brief(error)).toBe(
      'assistants.yaml:5:15 OUT_OF_RANGE metadata of assistant "bot" has 15 entries; at most 14 allowed',
    );
    expect(error.hint).toMatch(/16 metadata pairs.*uses 2 for its ownership stamp/);
  });

  it('14 pairs are accepted', async () => {
    const pairs = Array.from({ length: 14 }, (_, i) => `k${i}: v`).join(', ');
    const result = await check(assistant(`metadata: { ${pairs} }`));
    expect(result.errors).toEqual([]);
  });

  it('keys at most 64 characters, values at most 512', async () => {
    const result = await check(
      yaml`
      version: 1
      vector_stores:
        kb:
          metadata:
            ${'k'.repeat(65)}: v
            owner: ${'v'.repeat(513)}
    `,
    );
    expect(result.errors.map(brief)).toEqual([
      `assistants.yaml:5:7 OUT_OF_RANGE key "${'k'.repeat(65)}" in metadata of vector store "kb" is 65 characters long; keys may be at most 64`,
      'assistants.yaml:6:14 OUT_OF_RANGE metadata.owner of vector store "kb" is 513 characters long; the limit is 512',
    ]);
  });

  it('keys of the ownership stamp are reserved', async () => {
    const result = await check(assistant('metadata: { assistants_iac_address: x }'));
    expect(brief(onlyError(result))).toBe(
      'assistants.yaml:5:17 RESERVED_METADATA_KEY metadata key "assistants_iac_address" of assistant "bot" is reserved: keys starting with "assistants_iac_" hold the ownership stamp',
    );
  });
});

describe('vector stores', () => {
  const store = (field: string) => `version: 1\nvector_stores:\n  kb:\n    ${field}\n`;

  it('chunk size 100 to 4096', async () => {
    const result = await check(
      store(
        'chunking_strategy: { type: static, static: { max_chunk_size_tokens: 5000, chunk_overlap_tokens: 0 } }',
      ),
    );
    expect(brief(onlyError(result))).toBe(
      'assistants.yaml:4:73 OUT_OF_RANGE chunking_strategy.static.max_chunk_size_tokens of vector store "kb" is 5000; it must be at most 4096',
    );
  });

  it('chunk overlap at most half the chunk size', async () => {
    const result = await check(
      store(
        'chunking_strategy: { type: static, static: { max_chunk_size_tokens: 800, chunk_overlap_tokens: 401 } }',
      ),
    );
    expect(brief(onlyError(result))).toBe(
      'assistants.yaml:4:100 OUT_OF_RANGE chunk_overlap_tokens of vector store "kb" is 401; it must not exceed half of max_chunk_size_tokens (400)',
    );
  });

  it('expires_after.days 1 to 365', async () => {
    const zero = await check(store('expires_after: { days: 0 }'));
    expect(brief(onlyError(zero))).toBe(
      'assistants.yaml:4:28 OUT_OF_RANGE expires_after.days of vector store "kb" is 0; it must be at least 1',
    );
    const long = await check(store('expires_after: { anchor: last_active_at, days: 366 }'));
    expect(brief(onlyError(long))).toBe(
      'assistants.yaml:4:52 OUT_OF_RANGE expires_after.days of vector store "kb" is 366; it must be at most 365',
    );
  });

  it('file attributes: at most 16, keys at most 64, strings at most 512, scalars only', async () => {
    const many = Array.from({ length: 17 }, (_, i) => `a${i}: ${i}`).join(', ');
    const result = await check(
      yaml`
      version: 1
      files:
        a: { path: a.md }
        b: { path: b.md }
        c: { path: c.md }
      vector_stores:
        kb:
          files:
            - file: a
              attributes: { ${many} }
            - file: b
              attributes: { ${'k'.repeat(65)}: true, note: ${'n'.repeat(513)} }
            - file: c
              attributes: { tags: [x, y] }
    `,
      { 'a.md': 'a', 'b.md': 'b', 'c.md': 'c' },
    );
    expect(result.errors.map(brief)).toEqual([
      'assistants.yaml:10:21 OUT_OF_RANGE files[0].attributes of vector store "kb" has 17 entries; at most 16 allowed',
      `assistants.yaml:12:23 OUT_OF_RANGE key "${'k'.repeat(65)}" in files[1].attributes of vector store "kb" is 65 characters long; keys may be at most 64`,
      'assistants.yaml:12:102 OUT_OF_RANGE files[1].attributes.note of vector store "kb" is 513 characters long; the limit is 512',
      'assistants.yaml:14:29 TYPE_MISMATCH files[2].attributes.tags of vector store "kb" must be a string, a number or a boolean, not a list',
    ]);
  });
});
