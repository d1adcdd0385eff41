import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { Change } from '../../../src/model/plan.js';
import { planToJson } from '../../../src/render/plan-json.js';
import { renderPlanText } from '../../../src/render/plan-text.js';
import { createStyle } from '../../../src/render/style.js';
import { change, plan, vectorStoreAttrs } from '../../helpers/plan-builders.js';

const plain = createStyle(false);

/** A store renamed with its name changed too, and its membership that only moved. */
function movedChanges(): Change[] {
  const before = vectorStoreAttrs();
  return [
    {
      ...change({ address: 'vector_store.support-kb', before, after: { ...before, name: 'Support KB' } }),
      previousAddress: 'vector_store.kb',
    },
    {
      ...change({ address: 'vector_store_file.support-kb/faq', action: 'no-op' }),
      previousAddress: 'vector_store_file.kb/faq',
    },
  ];
}

const moves = [
  { from: 'vector_store.kb', to: 'vector_store.support-kb' },
  { from: 'vector_store_file.kb/faq', to: 'vector_store_file.support-kb/faq' },
];

describe('plans with moves', () => {
  it('text: a move alone is "has moved to", a move with changes says where it moved from beneath its header', () => {
    const text = renderPlanText(plan({ changes: movedChanges(), moves }), plain);
    expect(text).toContain(
      [
        '  # vector_store.support-kb will be updated in-place',
        '  # (moved from vector_store.kb)',
        '  ~ vector_store.support-kb (vs_support_kb)',
      ].join('\n'),
    );
    expect(text).toContain(
      [
        '  # vector_store_file.kb/faq has moved to vector_store_file.support-kb/faq',
        '    vector_store_file.support-kb/faq (file-faq)',
      ].join('\n'),
    );
    expect(text).toContain('Plan: 0 to add, 1 to change, 0 to destroy.');
  });

  it('text: a plan of moves alone lists them, and counts nothing to add, change or destroy', () => {
    const only = movedChanges().slice(1);
    const text = renderPlanText(plan({ changes: only, moves: moves.slice(1) }), plain);
    expect(text).not.toContain('No changes.');
    expect(text).not.toContain('Resource actions are indicated');
    expect(text).toContain('# vector_store_file.kb/faq has moved to vector_store_file.support-kb/faq');
    expect(text).toContain('Plan: 0 to add, 0 to change, 0 to destroy.');
  });

  it('JSON: previous_address on moved changes only, valid against schema/plan.schema.json', () => {
    const json = planToJson(plan({ changes: movedChanges(), moves }));
    expect(json.resource_changes.map((c) => [c.address, c.previous_address])).toEqual([
      ['vector_store.support-kb', 'vector_store.kb'],
      ['vector_store_file.support-kb/faq', 'vector_store_file.kb/faq'],
    ]);
    const schema = JSON.parse(
      readFileSync(new URL('../../../schema/plan.schema.json', import.meta.url), 'utf8'),
    );
    const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
    (addFormatsModule as unknown as (ajv: Ajv2020) => void)(ajv);
    const validate = ajv.compile(schema);
    expect(validate(json) ? [] : validate.errors).toEqual([]);
  });
});
