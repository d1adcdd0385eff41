import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { MANIFEST_SCHEMA_URL } from '../../src/manifest/schema-check.js';
import {
  assistantAddress,
  fileAddress,
  membershipAddress,
  parseAddress,
  vectorStoreAddress,
} from '../../src/model/address.js';
import { extensionOf } from '../../src/model/file-types.js';
import { LIMITS } from '../../src/model/limits.js';
import { defaultSampling, isReasoningModel } from '../../src/model/models.js';
import { STAMP_KEY_PREFIX, STAMP_KEYS } from '../../src/model/stamp.js';

describe('addresses', () => {
  it('round-trip through parseAddress, with slashes in glob file names', () => {
    expect(parseAddress(fileAddress('docs/faq/a.md'))).toEqual({ kind: 'file', name: 'docs/faq/a.md' });
    expect(parseAddress(vectorStoreAddress('kb'))).toEqual({ kind: 'vector_store', name: 'kb' });
    expect(parseAddress(assistantAddress('bot'))).toEqual({ kind: 'assistant', name: 'bot' });
    expect(parseAddress(membershipAddress('kb', 'docs/faq/a.md'))).toEqual({
      kind: 'vector_store_file',
      name: 'kb/docs/faq/a.md',
      store: 'kb',
      file: 'docs/faq/a.md',
    });
  });

  it('rejects what is not an address', () => {
    for (const bad of [
      '',
      'file.',
      'thread.x',
      'vector_store_file.kb',
      'vector_store_file./a',
      'vector_store_file.kb/',
    ]) {
      expect(parseAddress(bad), bad).toBeUndefined();
    }
  });
});

describe('model constants', () => {
  it('the schema leaves room in metadata for the ownership stamp', async () => {
    const schema = JSON.parse(await readFile(MANIFEST_SCHEMA_URL, 'utf8'));
    expect(schema.$defs.Metadata.maxProperties).toBe(LIMITS.metadataPairs - STAMP_KEYS.length);
    for (const key of STAMP_KEYS) expect(key.startsWith(STAMP_KEY_PREFIX)).toBe(true);
  });

  it('the schema carries the instruction limit LIMITS states', async () => {
    const schema = JSON.parse(await readFile(MANIFEST_SCHEMA_URL, 'utf8'));
    expect(schema.$defs.Instructions.then.maxLength).toBe(LIMITS.instructions);
    expect(schema.$defs.ToolResources.properties.code_interpreter.properties.files.maxItems).toBe(
      LIMITS.codeInterpreterFiles,
    );
  });

  it('extensionOf lower-cases and ignores dotfiles and folders', () => {
    expect(extensionOf('docs/Report.PDF')).toBe('.pdf');
    expect(extensionOf('docs.v2/README')).toBe('');
    expect(extensionOf('.env')).toBe('');
  });
});

describe('isReasoningModel', () => {
  it.each([
    'o1',
    'o3-mini',
    'o4-mini-2025-04-16',
    'gpt-5',
    'gpt-5-mini',
    'gpt-5-nano',
    'gpt-5.1',
    'gpt-5-2025-08-07',
    'ft:o4-mini-2025-04-16:acme::abc123',
    'ft:gpt-5-mini:acme:support:abc123',
  ])('%s is a reasoning model: no sampling parameters', (model) => {
    expect(isReasoningModel(model)).toBe(true);
    expect(defaultSampling(model)).toBeNull();
  });

  it.each([
    'gpt-4o',
    'gpt-4.1-mini',
    'gpt-3.5-turbo',
    // The chat variants of gpt-5 are not reasoning models: they take temperature and top_p.
    'gpt-5-chat-latest',
    'gpt-5.1-chat-latest',
    'gpt-5-chat',
    'ft:gpt-5-chat-latest:acme::abc123',
  ])('%s is not a reasoning model: temperature and top_p default to 1', (model) => {
    expect(isReasoningModel(model)).toBe(false);
    expect(defaultSampling(model)).toBe(1);
  });
});
