import { describe, expect, it } from 'vitest';
import { phaseTotals } from '../../../src/apply/phase-totals.js';
import type { Action } from '../../../src/model/plan.js';
import { change } from '../../helpers/plan-builders.js';

const changes = (list: [string, Action][]) => list.map(([address, action]) => change({ address, action }));

describe('phaseTotals', () => {
  it('counts the calls of each phase by action: attachments by store, old halves of replacements in the delete half', () => {
    const totals = phaseTotals(
      changes([
        ['file.a', 'create'],
        ['file.b', 'create-delete'],
        ['file.c', 'no-op'],
        ['file.gone', 'delete'],
        ['vector_store.kb', 'update'],
        ['vector_store.old', 'delete-create'],
        ['vector_store_file.kb/a', 'create'],
        ['vector_store_file.kb/b', 'create-delete'],
        ['vector_store_file.old/docs/x.md', 'delete-create'],
        ['vector_store_file.kb/gone', 'delete'],
        ['assistant.bot', 'update'],
        ['assistant.old', 'delete'],
      ]),
    );
    expect(totals).toEqual([
      { kind: 'file', phase: 'create', actions: { create: 1, 'create-delete': 1 } },
      { kind: 'file', phase: 'delete', actions: { 'create-delete': 1, delete: 1 } },
      { kind: 'vector_store', phase: 'create', actions: { update: 1, 'delete-create': 1 } },
      {
        kind: 'vector_store_file',
        phase: 'create',
        store: 'vector_store.kb',
        actions: { create: 1, 'create-delete': 1 },
      },
      { kind: 'vector_store_file', phase: 'delete', actions: { 'create-delete': 1, delete: 1 } },
      {
        kind: 'vector_store_file',
        phase: 'create',
        store: 'vector_store.old',
        actions: { 'delete-create': 1 },
      },
      { kind: 'assistant', phase: 'create', actions: { update: 1 } },
      { kind: 'assistant', phase: 'delete', actions: { delete: 1 } },
    ]);
  });

  it('has nothing for a plan without calls', () => {
    expect(phaseTotals(changes([['file.a', 'no-op']]))).toEqual([]);
  });
});
