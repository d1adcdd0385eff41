import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { UNKNOWN } from '../../../src/model/attributes.js';
import { type Action, JSON_ACTIONS } from '../../../src/model/plan.js';
import { planToJson, renderPlanJson, unknownMask } from '../../../src/render/plan-json.js';
import {
  assistantAttrs,
  change,
  drift,
  examplePlan,
  fileAttrs,
  membershipAttrs,
  plan,
  protectedError,
  storageCost,
  storeStorage,
  TEST_DIGEST,
  TEST_LINEAGE,
  vectorStoreAttrs,
} from '../../helpers/plan-builders.js';
import { expectEveryFieldDescribed } from '../../helpers/schema-properties.js';

const SCHEMA_URL = new URL('../../../schema/plan.schema.json', import.meta.url);
const schema = JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as Record<string, unknown>;

function validator(): ValidateFunction {
  const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
  // ajv-formats is CommonJS; its default export arrives wrapped under NodeNext.
  (addFormatsModule as unknown as (ajv: Ajv2020) => void)(ajv);
  return ajv.compile(schema);
}

const validate = validator();

function expectValid(value: unknown): void {
  const ok = validate(value);
  expect(ok ? [] : validate.errors).toEqual([]);
}

describe('schema/plan.schema.json', () => {
  it('is JSON Schema 2020-12 that compiles in strict mode', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(new Ajv2020({ allowUnionTypes: true }).validateSchema(schema)).toBe(true);
  });

  it('describes every field', () => {
    // Properties inside `if`/`then` narrow fields described elsewhere.
    expectEveryFieldDescribed(schema, { skip: /\/(if|then)\//, moreThan: 30 });
  });
});

describe('planToJson', () => {
  it('validates against the schema for plans of every shape', () => {
    const plans = [
      examplePlan(),
      plan(),
      plan({ refreshed: false, serial: 0, targets: ['assistant.bot'] }),
      examplePlan({
        errors: [protectedError('file.pricing')],
        warnings: [{ severity: 'warning', code: 'TARGET_NOT_FOUND', message: 'no such address' }],
      }),
      plan({
        drift: [drift({ address: 'file.a', before: fileAttrs(), after: fileAttrs({ bytes: 1 }) })],
        changes: [change({ address: 'file.a', action: 'no-op', before: fileAttrs() })],
      }),
      examplePlan({ cost: storageCost() }),
      plan({
        refreshed: false,
        cost: storageCost([
          storeStorage({
            address: 'vector_store.kb',
            usageBytes: null,
            estimatedBytes: null,
            attachedBytes: 5,
          }),
        ]),
      }),
    ];
    for (const p of plans) expectValid(JSON.parse(renderPlanJson(p)));
  });

  it('has the top-level fields of the design, with the summary counted as the text plan counts it', () => {
    const json = planToJson(examplePlan());
    expect(Object.keys(json)).toEqual([
      'format_version',
      'stack',
      'workspace',
      'lineage',
      'serial',
      'manifest_digest',
      'refreshed',
      'targets',
      'summary',
      'resource_changes',
      'resource_drift',
      'store_expiry',
      'errors',
      'warnings',
    ]);
    expect(json).toMatchObject({
      format_version: '1.2',
      stack: 'support',
      lineage: TEST_LINEAGE,
      serial: 4,
      manifest_digest: TEST_DIGEST,
      refreshed: true,
      targets: [],
      summary: { add: 6, change: 1, destroy: 4 },
    });
    // No-ops are listed too, so the JSON names every managed resource in scope.
    expect(json.resource_changes.map((c) => [c.address, c.change.actions.join(',')])).toEqual([
      ['file.logo', 'no-op'],
      ['file.handbook', 'create'],
      ['file.pricing', 'create,delete'],
      ['vector_store.kb', 'delete,create'],
      ['vector_store.archive', 'create'],
      ['vector_store_file.kb/handbook', 'create'],
      ['vector_store_file.kb/pricing', 'delete,create'],
      ['assistant.support-bot', 'update'],
      ['vector_store.old', 'delete'],
    ]);
  });

  it('writes the actions of every Action as the design fixes them', () => {
    const actions: Action[] = ['no-op', 'create', 'update', 'delete-create', 'create-delete', 'delete'];
    const json = planToJson(
      plan({
        changes: actions.map((action, i) =>
          change({ address: `file.f${i}`, action, before: fileAttrs(), after: fileAttrs({ bytes: i }) }),
        ),
      }),
    );
    expect(json.resource_changes.map((c) => c.change.actions)).toEqual([
      ['no-op'],
      ['create'],
      ['update'],
      ['delete', 'create'],
      ['create', 'delete'],
      ['delete'],
    ]);
    expect(json.resource_changes.map((c) => c.change.actions)).toEqual(
      actions.map((a) => [...JSON_ACTIONS[a]]),
    );
    expectValid(json);
  });

  it('writes unknowns as null in after, and true at the same place in after_unknown', () => {
    const json = planToJson(examplePlan());
    const byAddress = new Map(json.resource_changes.map((c) => [c.address, c]));
    const member = byAddress.get('vector_store_file.kb/handbook');
    expect(member?.change.after).toEqual({
      vector_store_id: null,
      file_id: null,
      attributes: { region: 'eu' },
      chunking_strategy: { max_chunk_size_tokens: 800, chunk_overlap_tokens: 400 },
    });
    expect(member?.change.after_unknown).toEqual({ vector_store_id: true, file_id: true });
    const bot = byAddress.get('assistant.support-bot');
    expect(bot?.change.after).toMatchObject({
      tool_resources: { file_search: { vector_store_ids: [null] } },
    });
    expect(bot?.change.after_unknown).toEqual({
      tool_resources: { file_search: { vector_store_ids: [true] } },
    });
    // Nothing unknown: an empty object for a value, false for a delete's null.
    expect(byAddress.get('file.handbook')?.change.after_unknown).toEqual({});
    expect(byAddress.get('vector_store.old')?.change.after_unknown).toBe(false);
    expect(byAddress.get('vector_store.old')?.change.after).toBeNull();
    // The rendered text carries no trace of the symbol.
    expect(renderPlanJson(examplePlan())).not.toContain('known after apply');
  });

  it('masks unknowns in nested arrays with false at known elements', () => {
    expect(unknownMask(UNKNOWN)).toBe(true);
    expect(unknownMask('x')).toBe(false);
    expect(unknownMask(['a', 'b'])).toBe(false);
    expect(unknownMask({ a: 1, b: { c: 2 } }, true)).toEqual({});
    expect(unknownMask({ a: 1, b: { c: 2 } })).toBe(false);
    expect(unknownMask({ ids: ['vs_1', UNKNOWN, 'vs_3'], n: 1, deep: [{ x: UNKNOWN }, { x: 1 }] })).toEqual({
      ids: [false, true, false],
      deep: [{ x: true }, false],
    });
  });

  it('keeps ids, reasons, replace paths and dependencies', () => {
    const json = planToJson(examplePlan());
    const pricing = json.resource_changes.find((c) => c.address === 'vector_store_file.kb/pricing');
    expect(pricing).toMatchObject({
      kind: 'vector_store_file',
      id: 'file-pricing',
      action_reason: 'dependency_replaced',
      change: { replace_paths: ['vector_store_id'] },
      dependencies: ['vector_store.kb', 'file.pricing'],
    });
    expect(json.resource_changes.find((c) => c.address === 'file.handbook')).toMatchObject({
      id: null,
      action_reason: 'new',
      change: { before: null },
    });
  });

  it('lists drift with update and delete actions', () => {
    const json = planToJson(examplePlan());
    expect(json.resource_drift).toEqual([
      {
        address: 'assistant.support-bot',
        kind: 'assistant',
        id: 'asst_support_bot',
        change: {
          actions: ['update'],
          before: expect.objectContaining({ temperature: 0.3 }),
          after: expect.objectContaining({ temperature: 0.9 }),
        },
      },
      {
        address: 'vector_store.archive',
        kind: 'vector_store',
        id: 'vs_archive',
        change: { actions: ['delete'], before: vectorStoreAttrs({ name: 'Archive' }), after: null },
      },
    ]);
  });

  it('writes errors and warnings as validate --format json does', () => {
    const json = planToJson(plan({ errors: [protectedError('file.pricing')] }));
    expect(json.errors).toEqual([
      {
        severity: 'error',
        code: 'PROTECTED_RESOURCE',
        message: 'file.pricing is protected and the plan would replace it',
        file: 'assistants.yaml',
        line: 3,
        column: 3,
        end_line: null,
        end_column: null,
        source_line: '  pricing:',
        hint: 'remove `protect: true` first if this is intended',
        related: [],
      },
    ]);
    expect(json.warnings).toEqual([]);
  });

  it('renders two-space JSON ending with a newline', () => {
    const p = plan({ changes: [change({ address: 'assistant.bot', after: assistantAttrs() })] });
    const text = renderPlanJson(p);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toContain('\n  "format_version": "1.2",\n');
    expect(JSON.parse(text)).toEqual(planToJson(p));
  });

  it('is rejected by the schema when it breaks the contract', () => {
    const good = () => JSON.parse(renderPlanJson(examplePlan()));
    const broken: [string, (j: ReturnType<typeof good>) => void][] = [
      ['an unknown top-level field', (j) => Object.assign(j, { extra: 1 })],
      ['an action outside the set', (j) => (j.resource_changes[1].change.actions = ['replace'])],
      ['a create with an id', (j) => (j.resource_changes[1].id = 'file-x')],
      ['a delete with an after', (j) => (j.resource_changes[8].change.after = {})],
      ['a bad address', (j) => (j.resource_changes[1].address = 'thread.x')],
      ['drift with a create', (j) => (j.resource_drift[0].change.actions = ['create'])],
      ['a lineage that is not a UUID', (j) => (j.lineage = 'abc')],
      [
        'a digest without its algorithm',
        (j) => (j.manifest_digest = j.manifest_digest.slice('sha256:'.length)),
      ],
    ];
    for (const [what, breakIt] of broken) {
      const json = good();
      breakIt(json);
      expect(validate(json), what).toBe(false);
    }
  });

  it('accepts memberships whose ids are both unknown', () => {
    const p = plan({
      changes: [
        change({
          address: 'vector_store_file.kb/docs/faq/a.md',
          after: membershipAttrs({ vector_store_id: UNKNOWN, file_id: UNKNOWN }),
        }),
      ],
    });
    expectValid(planToJson(p));
  });

  it("writes each change's effective protection and where the manifests declare it", () => {
    const at = { file: 'stack/assistants.yaml', line: 12, column: 5, endLine: 14, endColumn: 1 };
    const json = planToJson(
      plan({
        changes: [
          change({ address: 'vector_store.kb', after: vectorStoreAttrs(), protect: true, source: at }),
          change({ address: 'file.old', after: null, protect: true }),
          change({ address: 'file.gc' }),
        ],
      }),
    );
    expect(json.resource_changes.map((c) => [c.address, c.protect, c.source])).toEqual([
      ['vector_store.kb', true, { file: 'stack/assistants.yaml', line: 12, column: 5 }],
      // Only the state holds it: no source. A change made outside the planner says false.
      ['file.old', true, null],
      ['file.gc', false, null],
    ]);
    expectValid(json);
  });

  it('writes the storage cost with its prices, totals and stores, rounding dollars to a millionth', () => {
    const json = planToJson(examplePlan({ cost: storageCost() }));
    expect(Object.keys(json)).toContain('cost');
    expect(json.cost).toMatchObject({
      estimate: true,
      currency: 'USD',
      price_per_gb_day: 0.1,
      free_gb: 1,
      bytes_per_gb: 2 ** 30,
      daily_cost: 0.26,
      estimated_daily_cost: 0.36,
      daily_cost_change: 0.1,
    });
    expect(json.cost?.stores[1]).toEqual({
      address: 'vector_store.archive',
      id: null,
      actions: ['create'],
      usage_bytes: 0,
      estimated_bytes: 536_870_912,
      attached_bytes: 536_870_912,
      detached_bytes: 0,
      unsized_files: 0,
    });
    // Without a refresh the numbers that build on the usage now are null, not made up.
    const unknown = planToJson(
      plan({
        refreshed: false,
        cost: storageCost([
          storeStorage({ address: 'vector_store.kb', usageBytes: null, estimatedBytes: null }),
        ]),
      }),
    );
    expect(unknown.cost).toMatchObject({
      usage_bytes: null,
      estimated_bytes: null,
      daily_cost: null,
      estimated_daily_cost: null,
      daily_cost_change: null,
    });
    // A plan that prices nothing (gc's) has no cost block.
    expect(planToJson(plan())).not.toHaveProperty('cost');
  });

  it("is rejected by the schema when the cost or a change's policy fields break the contract", () => {
    const good = () => JSON.parse(renderPlanJson(examplePlan({ cost: storageCost() })));
    const broken: [string, (j: ReturnType<typeof good>) => void][] = [
      ['a cost that is not an estimate', (j) => (j.cost.estimate = false)],
      ['a negative price', (j) => (j.cost.price_per_gb_day = -1)],
      ['a store without its usage', (j) => delete j.cost.stores[0].usage_bytes],
      ['a protect that is not a boolean', (j) => (j.resource_changes[0].protect = 'yes')],
      ['a source without a line', (j) => (j.resource_changes[0].source = { file: 'a.yaml', column: 1 })],
    ];
    for (const [what, breakIt] of broken) {
      const json = good();
      breakIt(json);
      expect(validate(json), what).toBe(false);
    }
  });
});
