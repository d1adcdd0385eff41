import { describe, expect, it } from 'vitest';
import { brief, check, onlyError } from '../../helpers/validate.js';
import { yaml } from '../../helpers/workspace.js';

const docs = { 'docs/handbook.md': '# Handbook\n', 'docs/pricing.md': '# Pricing\n' };

describe('references', () => {
  it('reports a store member naming an undefined file, with the nearest name', async () => {
    const result = await check(
      yaml`
      version: 1
      files:
        handbook: { path: docs/handbook.md }
      vector_stores:
        kb:
          files: [handbok]
    `,
      docs,
    );
    expect(brief(onlyError(result))).toBe(
      'assistants.yaml:6:13 UNDEFINED_REFERENCE vector store "kb" lists file "handbok", which is not defined under files:; did you mean "handbook"?',
    );
  });

  it('reports a {file: NAME} member naming an undefined file', async () => {
    const result = await check(yaml`
      version: 1
      vector_stores:
        kb:
          files:
            - file: pricing
              attributes: { region: eu }
    `);
    expect(brief(onlyError(result))).toBe(
      'assistants.yaml:5:15 UNDEFINED_REFERENCE vector store "kb" lists file "pricing", which is not defined under files:',
    );
  });

  it('reports an assistant naming an undefined vector store', async () => {
    const result = await check(yaml`
      version: 1
      vector_stores:
        support-kb: {}
      assistants:
        bot:
          model: gpt-4o
          tools: [{ type: file_search }]
          tool_resources:
            file_search: { vector_stores: [support-bk] }
    `);
    const error = onlyError(result);
    expect(brief(error)).toBe(
      'assistants.yaml:9:38 UNDEFINED_REFERENCE assistant "bot" uses vector store "support-bk", which is not defined under vector_stores:; did you mean "support-kb"?',
    );
    expect(error.hint).toMatch(/vector_store_ids/);
  });

  it('reports an assistant naming an undefined file for code_interpreter', async () => {
    const result = await check(yaml`
      version: 1
      assistants:
        bot:
          model: gpt-4o
          tools: [{ type: code_interpreter }]
          tool_resources:
            code_interpreter: { files: [sales] }
    `);
    expect(brief(onlyError(result))).toBe(
      'assistants.yaml:7:35 UNDEFINED_REFERENCE assistant "bot" uses file "sales", which is not defined under files:',
    );
  });

  it('reports an assistant naming an undefined shared tool', async () => {
    const result = await check(yaml`
      version: 1
      tools:
        escalate: { type: function, function: { name: escalate_ticket } }
      assistants:
        bot:
          model: gpt-4o
          tools: [escalte]
    `);
    expect(brief(onlyError(result))).toBe(
      'assistants.yaml:7:13 UNDEFINED_REFERENCE assistant "bot" uses tool "escalte", which is not defined under tools:; did you mean "escalate"?',
    );
  });

  it('does not report references to a resource that failed the schema, only the failure', async () => {
    const result = await check(yaml`
      version: 1
      files:
        handbook: { path: 42 }
      vector_stores:
        kb: { files: [handbook] }
    `);
    expect(result.errors.map((e) => e.code)).toEqual(['TYPE_MISMATCH']);
  });
});

describe('merging', () => {
  it('reports a name defined in two files, naming both places', async () => {
    const result = await check(
      yaml`
      version: 1
      files:
        handbook: { path: docs/handbook.md }
    `,
      { ...docs, 'more.yaml': 'version: 1\nfiles:\n  handbook: { path: docs/pricing.md }\n' },
      { args: ['.'] },
    );
    const error = onlyError(result);
    expect(brief(error)).toBe('more.yaml:3:3 DUPLICATE_NAME file "handbook" is defined twice');
    expect(error.related).toEqual([
      {
        message: 'first defined here',
        location: expect.objectContaining({ file: 'assistants.yaml', line: 3, column: 3 }),
      },
    ]);
  });

  it('merges sections from several files and folders given with -f', async () => {
    const result = await check(
      yaml`
      version: 1
      stack: support
      files:
        handbook: { path: docs/handbook.md }
    `,
      {
        ...docs,
        'stores/kb.yml': 'version: 1\nstack: support\nvector_stores:\n  kb: { files: [handbook] }\n',
      },
      { args: ['assistants.yaml', 'stores'] },
    );
    expect(result.errors).toEqual([]);
    expect(result.manifests).toEqual(['assistants.yaml', 'stores/kb.yml']);
    expect(result.value?.stack).toBe('support');
    expect(result.value?.memberships.map((m) => m.address)).toEqual(['vector_store_file.kb/handbook']);
  });

  it('reports files that name different stacks', async () => {
    const result = await check(
      'version: 1\nstack: support\n',
      { 'b.yaml': 'version: 1\nstack: sales\n' },
      { args: ['.'] },
    );
    const error = onlyError(result);
    expect(brief(error)).toBe('b.yaml:2:8 STACK_CONFLICT stack "sales" differs from stack "support"');
  });

  it('reports a file listed twice in one store, also when a glob brings it in again', async () => {
    const result = await check(
      yaml`
      version: 1
      files:
        handbook: { path: docs/handbook.md }
      vector_stores:
        kb:
          files:
            - handbook
            - glob: docs/*.md
    `,
      docs,
    );
    const error = onlyError(result);
    expect(brief(error)).toBe(
      'assistants.yaml:8:15 DUPLICATE_MEMBER vector store "kb" lists file "handbook" twice',
    );
    expect(error.related?.[0]?.location).toMatchObject({ line: 7, column: 9 });
  });

  it('reports a missing -f path and a folder without manifests', async () => {
    const result = await check('version: 1\n', { 'empty/readme.md': 'x' }, { args: ['nope.yaml', 'empty'] });
    expect(result.errors.map(brief)).toEqual([
      'MANIFEST_NOT_FOUND manifest path "nope.yaml" does not exist',
      'NO_MANIFESTS no manifest in folder "empty": a manifest is a YAML document with a top-level `version:` and at least one of stack, files, tools, vector_stores, assistants, skills, agents, moved (or `version: 1` alone)',
    ]);
  });
});

describe('members attached by id', () => {
  it('takes a {file_id: ID} member as a file that is not managed', async () => {
    const result = await check(yaml`
      version: 1
      vector_stores:
        kb:
          files:
            - file_id: file-abc123
              attributes: { region: eu }
    `);
    expect(result.errors).toEqual([]);
    expect(result.value?.files).toEqual([]);
    expect(result.value?.memberships).toEqual([
      expect.objectContaining({
        address: 'vector_store_file.kb/file-abc123',
        file: 'file-abc123',
        fileId: 'file-abc123',
        attributes: { region: 'eu' },
      }),
    ]);
  });

  it('reports the same id listed twice in one store, and a misspelt key with the forms a member takes', async () => {
    const twice = await check(yaml`
      version: 1
      vector_stores:
        kb:
          files:
            - file_id: file-abc123
            - file_id: file-abc123
    `);
    expect(brief(onlyError(twice))).toBe(
      'assistants.yaml:6:18 DUPLICATE_MEMBER vector store "kb" lists file "file-abc123" twice',
    );
    const misspelt = await check(yaml`
      version: 1
      vector_stores:
        kb:
          files:
            - fileid: file-abc123
    `);
    expect(misspelt.errors.map((e) => [e.code, e.message, e.hint])).toEqual([
      [
        'MISSING_FIELD',
        'files[0] of vector store "kb" is missing the required field "file"',
        'a member is a file name, {file: NAME}, {glob: PATTERN} or {file_id: ID}',
      ],
      [
        'UNKNOWN_KEY',
        'unknown key "fileid" in files[0] of vector store "kb"; did you mean "file_id"?',
        expect.any(String),
      ],
    ]);
  });
});
