import { describe, expect, it } from 'vitest';
import type { StaticChunking } from '../../../src/model/attributes.js';
import type { LiveAssistant, LiveFile, LiveMember, LiveVectorStore } from '../../../src/model/live.js';
import { downloadsFor } from '../../../src/plan/generate-downloads.js';
import { type AccountSnapshot, generateStack } from '../../../src/plan/generate-stack.js';
import { resourceKey } from '../../../src/plan/resource-keys.js';
import { renderManifestYaml } from '../../../src/render/manifest-yaml.js';

const LINEAGE = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const OTHER = '11111111-2222-4333-8444-555555555555';

function store(id: string, name: string, extra: Partial<LiveVectorStore> = {}): LiveVectorStore {
  return {
    id,
    createdAt: 100,
    expiresAt: null,
    status: 'completed',
    attributes: { name, expires_after: null, metadata: {} },
    usageBytes: 0,
    ...extra,
  };
}

function member(
  storeId: string,
  fileId: string,
  chunking: StaticChunking | null,
  attributes = {},
): LiveMember {
  return {
    id: fileId,
    status: 'completed',
    lastError: null,
    attributes: { vector_store_id: storeId, file_id: fileId, attributes, chunking_strategy: chunking },
  };
}

function assistant(id: string, attributes: Partial<LiveAssistant['attributes']> = {}): LiveAssistant {
  return {
    id,
    createdAt: 200,
    attributes: {
      model: 'gpt-4o',
      name: null,
      description: null,
      instructions: null,
      tools: [],
      tool_resources: {},
      temperature: 1,
      top_p: 1,
      response_format: 'auto',
      metadata: {},
      ...attributes,
    },
  };
}

function account(parts: {
  stores?: LiveVectorStore[];
  members?: LiveMember[];
  assistants?: LiveAssistant[];
}): AccountSnapshot {
  const members = new Map<string, Map<string, LiveMember>>();
  for (const m of parts.members ?? []) {
    const id = String(m.attributes.vector_store_id);
    members.set(id, (members.get(id) ?? new Map()).set(m.id, m));
  }
  return {
    files: new Map([
      [
        'file-a',
        { id: 'file-a', createdAt: 1, attributes: { filename: 'a.md', purpose: 'assistants', bytes: 3 } },
      ],
    ]),
    vectorStores: new Map((parts.stores ?? []).map((s) => [s.id, s])),
    members,
    assistants: new Map((parts.assistants ?? []).map((a) => [a.id, a])),
  };
}

const AUTO = { max_chunk_size_tokens: 800, chunk_overlap_tokens: 400 };
const SMALL = { max_chunk_size_tokens: 400, chunk_overlap_tokens: 100 };

describe('generateStack', () => {
  it('names resources from their names, unique, and falls back to the id as it is', () => {
    const taken = new Set<string>();
    expect(resourceKey('Acme Support KB!', 'vs_1', taken)).toBe('acme-support-kb');
    expect(resourceKey('Acme support KB', 'vs_2', taken)).toBe('acme-support-kb-2');
    expect(resourceKey('Ünïcode café', 'vs_3', taken)).toBe('unicode-cafe');
    expect(resourceKey(null, 'asst_AbC123', taken)).toBe('asst_AbC123');
    expect(resourceKey('***', 'asst_XyZ', taken)).toBe('asst_XyZ');
    expect(resourceKey('x'.repeat(80), 'vs_4', taken)).toHaveLength(64);
  });

  it('skips stores and assistants another state owns and expired stores, and lists them', () => {
    const out = generateStack(
      account({
        stores: [
          store('vs_mine', 'Mine'),
          store('vs_theirs', 'Theirs', {
            attributes: {
              name: 'Theirs',
              expires_after: null,
              metadata: { assistants_iac_lineage: OTHER, assistants_iac_address: 'vector_store.x' },
            },
          }),
          store('vs_old', 'Old', { status: 'expired' }),
        ],
        assistants: [assistant('asst_1', { metadata: { assistants_iac_lineage: OTHER } })],
      }),
      { stack: 's', lineage: LINEAGE },
    );
    expect(Object.keys(out.manifest.vector_stores ?? {})).toEqual(['mine']);
    expect(out.manifest.assistants).toBeUndefined();
    expect(out.skipped.map((s) => [s.id, s.reason, s.owner?.address])).toEqual([
      ['vs_old', 'expired', undefined],
      ['vs_theirs', 'owned_elsewhere', 'vector_store.x'],
      ['asst_1', 'owned_elsewhere', undefined],
    ]);
  });

  it('sets the most common chunking, leaves auto out, and warns about the files that differ', () => {
    const out = generateStack(
      account({
        stores: [store('vs_1', 'One'), store('vs_2', 'Two')],
        members: [
          member('vs_1', 'file-a', SMALL, { lang: 'en' }),
          member('vs_1', 'file-b', SMALL),
          member('vs_1', 'file-c', AUTO),
          member('vs_2', 'file-d', AUTO),
        ],
      }),
      { stack: 's', lineage: LINEAGE },
    );
    expect(out.manifest.vector_stores?.one).toEqual({
      name: 'One',
      files: [
        { file_id: 'file-a', attributes: { lang: 'en' } },
        { file_id: 'file-b' },
        { file_id: 'file-c' },
      ],
      chunking_strategy: { type: 'static', static: SMALL },
    });
    expect(out.manifest.vector_stores?.two).toEqual({ name: 'Two', files: [{ file_id: 'file-d' }] });
    expect(out.warnings).toEqual([
      'vector_store.one: 1 of its 3 files were attached with other chunking than the most common one, which the manifest sets; the next plan attaches them again with it',
    ]);
    expect(out.resources['vector_store_file.one/file-c']).toMatchObject({
      id: 'file-c',
      attributes: { chunking_strategy: AUTO },
      dependencies: ['vector_store.one'],
    });
  });

  it('writes assistants without server defaults, refers to adopted stores by name and others by id', () => {
    const out = generateStack(
      account({
        stores: [store('vs_1', 'KB')],
        assistants: [
          assistant('asst_1', {
            name: 'Bot',
            instructions: 'Use ${env:HOME} literally',
            tools: [
              {
                type: 'file_search',
                file_search: { ranking_options: { ranker: 'default_2024_08_21', score_threshold: 0 } },
              },
              { type: 'function', function: { name: 'f', strict: false } },
            ],
            tool_resources: {
              file_search: { vector_store_ids: ['vs_1'] },
              code_interpreter: { file_ids: ['file-x'] },
            },
            metadata: { owner: 'me' },
          }),
          assistant('asst_2', {
            model: 'o3-mini',
            temperature: null,
            top_p: null,
            tool_resources: { file_search: { vector_store_ids: ['vs_gone'] } },
          }),
        ],
      }),
      { stack: 's', lineage: LINEAGE },
    );
    expect(out.manifest.assistants).toEqual({
      bot: {
        model: 'gpt-4o',
        name: 'Bot',
        instructions: 'Use $${env:HOME} literally',
        tools: [{ type: 'file_search' }, { type: 'function', function: { name: 'f' } }],
        tool_resources: {
          file_search: { vector_stores: ['kb'] },
          code_interpreter: { file_ids: ['file-x'] },
        },
        metadata: { owner: 'me' },
      },
      asst_2: { model: 'o3-mini', tool_resources: { file_search: { vector_store_ids: ['vs_gone'] } } },
    });
    expect(out.resources['assistant.bot']).toMatchObject({
      dependencies: ['vector_store.kb'],
      attributes: {
        reasoning_effort: null,
        metadata: { owner: 'me', assistants_iac_lineage: LINEAGE, assistants_iac_address: 'assistant.bot' },
      },
    });
    expect(out.stamps.map((s) => s.id)).toEqual(['vs_1', 'asst_1', 'asst_2']);
  });

  it('warns that a store without a name gets its key as name, and renders ids with their filenames', () => {
    const out = generateStack(
      account({
        stores: [store('vs_1', '')],
        members: [member('vs_1', 'file-a', AUTO), member('vs_1', 'file-z', AUTO)],
      }),
      { stack: 's', lineage: LINEAGE },
    );
    expect(out.warnings).toEqual([
      'vector_store.vs_1 (vs_1) has no name; the manifest names it "vs_1", which apply sets',
    ]);
    const text = renderManifestYaml(out, '2026-11-22');
    expect(text).toContain(
      '      - file_id: file-a # a.md\n      - file_id: file-z # (not in the files list)\n',
    );
    expect(text).toMatch(/^# Generated by `assistants import --generate` on 2026-11-22/);
  });

  it('downloads only files the API hands back, with plain names and types their users read', () => {
    const snapshot = account({
      stores: [store('vs_1', 'KB')],
      members: ['file-a', 'file-b', 'file-c', 'file-d', 'file-e'].map((id) => member('vs_1', id, AUTO)),
      assistants: [
        assistant('asst_1', { tool_resources: { code_interpreter: { file_ids: ['file-f', 'file-a'] } } }),
      ],
    });
    const files = snapshot.files as Map<string, LiveFile>;
    const add = (id: string, filename: string, purpose: LiveFile['attributes']['purpose']) =>
      files.set(id, { id, createdAt: 1, attributes: { filename, purpose, bytes: 1 } });
    add('file-a', 'a.md', 'assistants'); // the API keeps the content of files uploaded for assistants
    add('file-b', 'notes.md', 'user_data');
    add('file-c', 'notes.md', 'user_data');
    add('file-d', '../escape.md', 'user_data');
    add('file-e', 'data.bin', 'user_data'); // file_search cannot read it
    add('file-f', 'data.bin', 'user_data'); // code_interpreter only: fine
    expect(downloadsFor(snapshot, LINEAGE)).toEqual([
      { id: 'file-b', relativePath: 'files/file-b/notes.md' },
      { id: 'file-c', relativePath: 'files/file-c/notes.md' },
      { id: 'file-f', relativePath: 'files/data.bin' },
    ]);
    // A name that differs only in case shares a folder entry on some systems; a .yaml would be read
    // as a manifest; a name Windows refuses, or an id that is not a plain name, stays listed by id.
    add('file-c', 'NOTES.md', 'user_data');
    add('file-b', 'notes.md', 'user_data');
    add('file-f', 'config.yaml', 'user_data');
    add('file-e', 'con.md', 'user_data');
    expect(downloadsFor(snapshot, LINEAGE)).toEqual([
      { id: 'file-b', relativePath: 'files/file-b/notes.md' },
      { id: 'file-c', relativePath: 'files/file-c/NOTES.md' },
    ]);
  });
});
