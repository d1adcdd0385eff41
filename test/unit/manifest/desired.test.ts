import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateManifests } from '../../../src/manifest/validate.js';

const examples = path.resolve(import.meta.dirname, '../../../examples');

describe('the desired model built from a manifest', () => {
  it('resolves names, inlines shared tools, reads instructions and applies defaults', async () => {
    const result = await validateManifests(['support-bot'], { cwd: examples, env: {} });
    expect(result.errors).toEqual([]);
    const desired = result.value;
    expect(desired?.stack).toBe('support');
    expect(desired?.files.map((f) => [f.address, f.relativePath, f.purpose, f.protect])).toEqual([
      ['file.docs/account/locked-account.md', 'docs/account/locked-account.md', 'assistants', false],
      ['file.docs/billing/invoices.md', 'docs/billing/invoices.md', 'assistants', false],
      ['file.docs/billing/payment-methods.md', 'docs/billing/payment-methods.md', 'assistants', false],
      ['file.docs/faq.md', 'docs/faq.md', 'assistants', false],
      ['file.docs/getting-started.md', 'docs/getting-started.md', 'assistants', false],
      ['file.refund-policy', 'policies/refund-policy.md', 'assistants', true],
    ]);
    expect(desired?.vectorStores).toEqual([
      expect.objectContaining({
        address: 'vector_store.support-kb',
        displayName: 'Acme support knowledge base',
        chunking_strategy: {
          type: 'static',
          static: { max_chunk_size_tokens: 800, chunk_overlap_tokens: 400 },
        },
        expires_after: { anchor: 'last_active_at', days: 30 },
        metadata: { team: 'support' },
      }),
    ]);
    const bot = desired?.assistants[0];
    expect(bot?.instructionsFile).toBe('prompts/support.md');
    expect(bot?.instructions).toMatch(/^You are Acme's support assistant\./);
    expect(bot?.tools).toEqual([
      { type: 'file_search', file_search: { max_num_results: 8 } },
      expect.objectContaining({
        type: 'function',
        function: expect.objectContaining({ name: 'escalate_ticket', strict: true }),
      }),
    ]);
    expect(bot?.toolResources).toEqual({
      file_search: { vector_stores: ['support-kb'], vector_store_ids: [] },
    });
    expect(bot?.source).toMatchObject({ file: 'support-bot/assistants.yaml', line: 43, column: 3 });
  });

  it('defaults a store name to its key and the expiry anchor to last_active_at', async () => {
    const result = await validateManifests(['knowledge-base'], { cwd: examples, env: {} });
    const notes = result.value?.vectorStores.find((s) => s.name === 'release-notes');
    expect(notes?.expires_after).toEqual({ anchor: 'last_active_at', days: 90 });
    expect(result.value?.memberships.find((m) => m.file === 'release-2-4')?.attributes).toEqual({
      version: '2.4',
      year: 2026,
      breaking: true,
    });
  });
});
