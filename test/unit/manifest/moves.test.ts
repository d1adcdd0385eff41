import { describe, expect, it } from 'vitest';
import { brief, check, onlyError } from '../../helpers/validate.js';

const docs = { 'guides/a.md': '# A\n', 'guides/b.md': '# B\n', 'handbook.md': '# Handbook\n' };

/** A stack with a store `support-kb` of the globbed guides/ folder, and `moved:` as given. */
function manifest(moved: string): string {
  return `version: 1
files:
  handbook: { path: handbook.md }
vector_stores:
  support-kb:
    files:
      - handbook
      - glob: guides/*.md
moved:
${moved}`;
}

describe('moved: validation', () => {
  it('accepts renames and prefix moves, and gives them to the desired model with their place', async () => {
    const result = await check(
      manifest(
        '  - { from: vector_store.kb, to: vector_store.support-kb }\n  - { from: file.docs/, to: file.guides/ }\n',
      ),
      docs,
    );
    expect(result.errors.map(brief)).toEqual([]);
    expect(result.value?.moves).toMatchObject([
      {
        from: 'vector_store.kb',
        to: 'vector_store.support-kb',
        source: { file: 'assistants.yaml', line: 10, column: 5 },
      },
      { from: 'file.docs/', to: 'file.guides/', source: { file: 'assistants.yaml', line: 11, column: 5 } },
    ]);
  });

  it('follows a chain: only where it ends must be declared', async () => {
    const result = await check(
      manifest(
        '  - { from: vector_store.a, to: vector_store.kb }\n  - { from: vector_store.kb, to: vector_store.support-kb }\n',
      ),
      docs,
    );
    expect(result.errors.map(brief)).toEqual([]);
  });

  it('reports moves between kinds, prefix against address, prefixes of kinds whose names hold no /', async () => {
    const result = await check(
      manifest(
        [
          '  - { from: file.kb, to: vector_store.support-kb }',
          '  - { from: file.docs/, to: file.handbook }',
          '  - { from: vector_store.k/, to: vector_store.s/ }',
          '  - { from: vector_store.support-kb, to: vector_store.support-kb }',
          '',
        ].join('\n'),
      ),
      docs,
    );
    expect(result.errors.map(brief)).toEqual([
      'assistants.yaml:10:5 MOVE_INVALID file.kb and vector_store.support-kb are of different kinds (file, vector_store)',
      'assistants.yaml:11:5 MOVE_INVALID file.docs/ is a prefix (it ends in /) and file.handbook is not: write both as prefixes or neither',
      'assistants.yaml:12:5 MOVE_INVALID vector_store.k/: only file.NAME and vector_store_file.STORE/FILE names hold a /, so a vector_store prefix moves nothing',
      'assistants.yaml:13:5 MOVE_INVALID vector_store.support-kb is moved to itself',
    ]);
  });

  it('reports an address that is not one, by the schema', async () => {
    const result = await check(manifest('  - { from: store.kb, to: vector_store.support-kb }\n'), docs);
    expect(brief(onlyError(result))).toMatch(/^assistants\.yaml:10:13 INVALID_VALUE /);
  });

  it('reports an address moved twice, pointing at the first', async () => {
    const result = await check(
      manifest(
        '  - { from: vector_store.kb, to: vector_store.support-kb }\n  - { from: vector_store.kb, to: vector_store.x }\n',
      ),
      docs,
    );
    const error = onlyError(result);
    expect(brief(error)).toBe('assistants.yaml:11:13 MOVE_INVALID vector_store.kb is moved twice');
    expect(error.related?.[0]?.location).toMatchObject({ line: 10, column: 13 });
  });

  it('reports cycles, and a prefix moved into itself', async () => {
    const result = await check(
      manifest(
        [
          '  - { from: vector_store.a, to: vector_store.b }',
          '  - { from: vector_store.b, to: vector_store.a }',
          '  - { from: file.x/, to: file.x/y/ }',
          '',
        ].join('\n'),
      ),
      docs,
    );
    expect(result.errors.map(brief)).toEqual([
      'assistants.yaml:10:5 MOVE_CYCLE moving vector_store.a to vector_store.b leads back to where it started',
      'assistants.yaml:11:5 MOVE_CYCLE moving vector_store.b to vector_store.a leads back to where it started',
      'assistants.yaml:12:5 MOVE_CYCLE moving file.x/ to file.x/y/ leads back to where it started',
    ]);
  });

  it('reports a move to an address the manifests do not declare, and from one they still declare', async () => {
    const result = await check(
      manifest(
        [
          '  - { from: vector_store.kb, to: vector_store.suport-kb }',
          '  - { from: file.old, to: file.handbook }',
          '  - { from: file.handbook, to: file.manual }',
          '  - { from: file.notes/, to: file.nowhere/ }',
          '  - { from: file.guides/, to: file.docs/ }',
          '',
        ].join('\n'),
      ),
      docs,
    );
    expect(result.errors.map(brief)).toEqual([
      'assistants.yaml:10:34 MOVE_TARGET_UNDECLARED vector_store.suport-kb is not declared in the manifests',
      'assistants.yaml:11:27 MOVE_TARGET_UNDECLARED file.handbook moves on to file.manual, which is not declared in the manifests',
      'assistants.yaml:12:13 MOVE_SOURCE_DECLARED file.handbook is still declared in the manifests',
      'assistants.yaml:12:32 MOVE_TARGET_UNDECLARED file.manual is not declared in the manifests',
      'assistants.yaml:13:30 MOVE_TARGET_UNDECLARED the manifests declare no address under file.nowhere/',
      'assistants.yaml:14:13 MOVE_SOURCE_DECLARED file.guides/a.md is still declared, and file.guides/ moves every address under it',
      'assistants.yaml:14:31 MOVE_TARGET_UNDECLARED the manifests declare no address under file.docs/',
    ]);
  });
});
