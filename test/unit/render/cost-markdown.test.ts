import { describe, expect, it } from 'vitest';
import { renderCostMarkdown } from '../../../src/render/cost-markdown.js';
import { storageCost, storeStorage } from '../../helpers/plan-builders.js';

describe('renderCostMarkdown', () => {
  it('tables each store that holds something and the daily cost before and after, as an estimate', () => {
    expect(renderCostMarkdown({ cost: storageCost() })).toMatchInlineSnapshot(`
      "#### Vector-store storage (estimate)

      | Vector store | Now | After apply | Change |
      | --- | ---: | ---: | --- |
      | \`vector_store.kb\` | 1.60 GB | 4.10 GB | +3.00 GB attached, -512 MB detached |
      | \`vector_store.archive\` | 0 B | 512 MB | new, +512 MB attached |
      | \`vector_store.old\` | 2.00 GB | 0 B | deleted |
      | **Daily cost** | $0.26 | $0.36 | +$0.10 |

      Priced at $0.10 per GB per day, the first 1 GB free. Sizes after apply are estimated from the files' byte sizes; the API bills its own count (usage_bytes).
      "
    `);
  });

  it('says the usage is unknown without a refresh', () => {
    const cost = storageCost([
      storeStorage({
        address: 'vector_store.kb',
        usageBytes: null,
        estimatedBytes: null,
        attachedBytes: 4096,
      }),
    ]);
    const markdown = renderCostMarkdown({ cost });
    expect(markdown).toContain('| `vector_store.kb` | unknown | unknown | +4.00 KB attached |');
    expect(markdown).toContain(
      '| **Daily cost** | unknown | unknown | the API was not read: --refresh=false |',
    );
  });

  it('is empty when no store holds or will hold anything, and when the plan prices nothing', () => {
    expect(renderCostMarkdown({ cost: storageCost([storeStorage({ address: 'vector_store.kb' })]) })).toBe(
      '',
    );
    expect(renderCostMarkdown({})).toBe('');
  });

  it('keeps an address with a pipe or backticks inside its cell', () => {
    const cost = storageCost([
      storeStorage({ address: 'vector_store.a|b`c', usageBytes: 10, estimatedBytes: 10 }),
    ]);
    expect(renderCostMarkdown({ cost })).toContain('| `` vector_store.a\\|b`c `` | 10 B | 10 B |  |');
  });
});
