import { describe, expect, it } from 'vitest';
import { UNKNOWN } from '../../../src/model/attributes.js';
import type { Change } from '../../../src/model/plan.js';
import { renderPlanText } from '../../../src/render/plan-text.js';
import { createStyle } from '../../../src/render/style.js';
import {
  assistantAttrs,
  change,
  drift,
  escalateTool,
  examplePlan,
  fileAttrs,
  membershipAttrs,
  plan,
  sha256,
  storageCost,
  storeStorage,
  vectorStoreAttrs,
} from '../../helpers/plan-builders.js';

const plain = createStyle(false);
const text = (changes: Change[], extra: Parameters<typeof plan>[0] = {}) =>
  renderPlanText(plan({ changes, ...extra }), plain);

/** The `# ADDRESS …` comment lines only. */
const headers = (output: string) =>
  output
    .split('\n')
    .filter((line) => line.startsWith('  # '))
    .join('\n');

describe('renderPlanText', () => {
  it('renders a mixed plan: drift, every action, unknowns, line and structured diffs', () => {
    expect(renderPlanText(examplePlan(), plain)).toMatchInlineSnapshot(`
      "Note: Objects have changed outside assistants-iac

      assistants-iac detected the following changes made outside assistants-iac since the last apply:

        # assistant.support-bot has changed
        ~ assistant.support-bot (asst_support_bot)
            ~ temperature: 0.3 -> 0.9
              (10 unchanged attributes hidden)

        # vector_store.archive has been deleted
        - vector_store.archive (vs_archive)

      Unless you have made equivalent changes to your manifests, the plan below undoes them.

      Resource actions are indicated with the following symbols:
        + create
        ~ update in-place
      -/+ destroy and then create replacement
      +/- create replacement and then destroy
        - destroy

      assistants-iac will perform the following actions:

        # file.handbook will be created
        + file.handbook
            + path:     "docs/handbook.pdf"
            + filename: "handbook.pdf"
            + purpose:  "assistants"
            + bytes:    48213
            + sha256:   "600ac16c91ba…"
            + id:       (known after apply)

        # file.pricing must be replaced (content changed)
      +/- file.pricing (file-pricing)
            ~ bytes:  2048 -> 2310
            ~ sha256: "758036303e2b…" -> "8a6e99ff58af…" # forces replacement
              (3 unchanged attributes hidden)

        # vector_store.kb must be replaced (expired)
      -/+ vector_store.kb (vs_kb)

        # vector_store.archive will be created (deleted outside assistants-iac)
        + vector_store.archive
            + name:          "Archive"
            + expires_after: null
            + metadata:      {}
            + id:            (known after apply)

        # vector_store_file.kb/handbook will be created
        + vector_store_file.kb/handbook
            + vector_store_id:   (known after apply)
            + file_id:           (known after apply)
            + attributes:        {"region":"eu"}
            + chunking_strategy: {"max_chunk_size_tokens":800,"chunk_overlap_tokens":400}

        # vector_store_file.kb/pricing must be replaced (file.pricing and vector_store.kb are replaced)
      -/+ vector_store_file.kb/pricing (file-pricing)
            ~ vector_store_id: "vs_kb" -> (known after apply) # forces replacement
            ~ file_id:         "file-pricing" -> (known after apply)
              (2 unchanged attributes hidden)

        # assistant.support-bot will be updated in-place
        ~ assistant.support-bot (asst_support_bot)
            ~ instructions:
                @@ -1,5 +1,5 @@
                  You are the support assistant for Acme.
                  Answer from the handbook.
                - Be brief.
                + Be thorough.
                  Cite the page you used.
                  Never promise refunds.
            ~ tools[2].function.parameters:
                ~ properties.reason.type: "string" -> "integer"
                + properties.urgent: {"type":"boolean"}
            ~ tool_resources.file_search.vector_store_ids:
                ~ [0]: "vs_kb" -> (known after apply)
            ~ temperature: 0.9 -> 0.3
            ~ metadata:
                ~ team: "support" -> "helpdesk"
                + tier: "gold"
              (6 unchanged attributes hidden)

        # vector_store.old will be destroyed (not in the manifests)
        - vector_store.old (vs_old)

      Plan: 6 to add, 1 to change, 4 to destroy.
      "
    `);
  });

  it('words every action and reason in the change headers', () => {
    const replaced = change({ address: 'file.pricing', action: 'create-delete', before: fileAttrs() });
    const output = text([
      change({ address: 'file.a', after: fileAttrs(), reason: 'new' }),
      change({ address: 'file.b', after: fileAttrs(), reason: 'deleted_outside' }),
      change({
        address: 'vector_store.kb',
        action: 'delete-create',
        reason: 'expired',
        before: vectorStoreAttrs(),
      }),
      replaced,
      change({
        address: 'file.c',
        action: 'create-delete',
        reason: 'cannot_update',
        before: fileAttrs({ purpose: 'assistants' }),
        after: fileAttrs({ purpose: 'user_data' }),
        replacePaths: ['purpose'],
      }),
      change({
        address: 'vector_store_file.kb/x',
        action: 'delete-create',
        reason: 'cannot_update',
        before: membershipAttrs(),
        after: membershipAttrs({
          chunking_strategy: { max_chunk_size_tokens: 400, chunk_overlap_tokens: 200 },
        }),
        replacePaths: ['chunking_strategy', 'attributes'],
      }),
      change({
        address: 'vector_store_file.kb/pricing',
        action: 'create-delete',
        reason: 'dependency_replaced',
        before: membershipAttrs(),
        after: membershipAttrs({ file_id: UNKNOWN }),
        replacePaths: ['file_id'],
        dependencies: ['vector_store.kb', 'file.pricing'],
      }),
      change({
        address: 'vector_store_file.other/pricing',
        action: 'create-delete',
        reason: 'dependency_replaced',
        before: membershipAttrs(),
        after: membershipAttrs({ file_id: UNKNOWN }),
        replacePaths: ['file_id'],
      }),
      change({ address: 'assistant.bot', before: assistantAttrs(), after: assistantAttrs({ top_p: 0.5 }) }),
      change({ address: 'vector_store.old', before: vectorStoreAttrs(), after: null }),
    ]);
    expect(headers(output)).toMatchInlineSnapshot(`
      "  # file.a will be created
        # file.b will be created (deleted outside assistants-iac)
        # vector_store.kb must be replaced (expired)
        # file.pricing must be replaced (content changed)
        # file.c must be replaced (purpose cannot be updated in place)
        # vector_store_file.kb/x must be replaced (chunking_strategy and attributes cannot be updated in place)
        # vector_store_file.kb/pricing must be replaced (vector_store.kb and file.pricing are replaced)
        # vector_store_file.other/pricing must be replaced (a dependency is replaced)
        # assistant.bot will be updated in-place
        # vector_store.old will be destroyed (not in the manifests)"
    `);
  });

  it('does not list no-op changes', () => {
    const output = text([
      change({ address: 'file.same', action: 'no-op', before: fileAttrs() }),
      change({
        address: 'assistant.bot',
        before: assistantAttrs(),
        after: assistantAttrs({ model: 'gpt-4.1' }),
      }),
    ]);
    expect(output).not.toContain('file.same');
    expect(output).toMatchInlineSnapshot(`
      "Resource actions are indicated with the following symbols:
        ~ update in-place

      assistants-iac will perform the following actions:

        # assistant.bot will be updated in-place
        ~ assistant.bot (asst_bot)
            ~ model: "gpt-4o" -> "gpt-4.1"
              (10 unchanged attributes hidden)

      Plan: 0 to add, 1 to change, 0 to destroy.
      "
    `);
  });

  it('lists every attribute of a create, multi-line instructions as a heredoc, long values as blocks', () => {
    const output = text([
      change({
        address: 'assistant.bot',
        after: assistantAttrs({
          description: 'Answers product questions',
          instructions: 'You are helpful.\n\nBe brief.\n',
          tools: [{ type: 'file_search' }, escalateTool()],
          tool_resources: { file_search: { vector_store_ids: [UNKNOWN] } },
          metadata: { team: 'support' },
        }),
      }),
    ]);
    expect(output).toMatchInlineSnapshot(`
      "Resource actions are indicated with the following symbols:
        + create

      assistants-iac will perform the following actions:

        # assistant.bot will be created
        + assistant.bot
            + model:            "gpt-4o"
            + name:             "Support Bot"
            + description:      "Answers product questions"
            + instructions:     <<EOT
                You are helpful.

                Be brief.
              EOT
            + tools:            [
                {
                  "type": "file_search"
                },
                {
                  "type": "function",
                  "function": {
                    "name": "escalate_ticket",
                    "description": "Hand the conversation to a person",
                    "parameters": {
                      "type": "object",
                      "properties": {
                        "reason": {
                          "type": "string",
                          "description": "Why a person is needed"
                        }
                      },
                      "required": [
                        "reason"
                      ]
                    }
                  }
                }
              ]
            + tool_resources:   {"file_search":{"vector_store_ids":[(known after apply)]}}
            + temperature:      1
            + top_p:            1
            + response_format:  "auto"
            + reasoning_effort: null
            + metadata:         {"team":"support"}
            + id:               (known after apply)

      Plan: 1 to add, 0 to change, 0 to destroy.
      "
    `);
  });

  it('shows long single-line strings as a line diff, null transitions with + and -', () => {
    const long = (word: string) =>
      `Answers questions about ${word} for customers of Acme in Europe, in their own language.`;
    const output = text([
      change({
        address: 'assistant.bot',
        before: assistantAttrs({ description: long('billing'), name: 'Bot', temperature: null }),
        after: assistantAttrs({ description: long('shipping'), name: null, temperature: 0.2 }),
      }),
    ]);
    expect(output).toMatchInlineSnapshot(`
      "Resource actions are indicated with the following symbols:
        ~ update in-place

      assistants-iac will perform the following actions:

        # assistant.bot will be updated in-place
        ~ assistant.bot (asst_bot)
            - name:        "Bot" -> null
            ~ description:
                @@ -1,1 +1,1 @@
                - Answers questions about billing for customers of Acme in Europe, in their own language.
                + Answers questions about shipping for customers of Acme in Europe, in their own language.
            + temperature: 0.2
              (8 unchanged attributes hidden)

      Plan: 0 to add, 1 to change, 0 to destroy.
      "
    `);
  });

  it('matches array elements, lists unmatched ones whole, and shows a type change as - and + blocks', () => {
    const output = text([
      change({
        address: 'assistant.grows',
        before: assistantAttrs({ tools: [{ type: 'code_interpreter' }, escalateTool('string')] }),
        after: assistantAttrs({
          tools: [{ type: 'code_interpreter' }, escalateTool('integer'), { type: 'file_search' }],
        }),
      }),
      change({
        address: 'assistant.bot',
        before: assistantAttrs({ tools: [{ type: 'code_interpreter' }, { type: 'file_search' }] }),
        after: assistantAttrs({
          tools: [{ type: 'file_search' }, escalateTool()],
          response_format: {
            type: 'json_schema',
            json_schema: {
              name: 'answer',
              schema: { type: 'object', properties: { text: { type: 'string' } } },
            },
          },
        }),
      }),
    ]);
    expect(output).toMatchInlineSnapshot(`
      "Resource actions are indicated with the following symbols:
        ~ update in-place

      assistants-iac will perform the following actions:

        # assistant.grows will be updated in-place
        ~ assistant.grows (asst_grows)
            ~ tools:
                ~ [1].function.parameters.properties.reason.type: "string" -> "integer"
                + [2]: {"type":"file_search"}
              (10 unchanged attributes hidden)

        # assistant.bot will be updated in-place
        ~ assistant.bot (asst_bot)
            ~ tools:
                - [0]: {"type":"code_interpreter"}
                + [1]: {
                    "type": "function",
                    "function": {
                      "name": "escalate_ticket",
                      "description": "Hand the conversation to a person",
                      "parameters": {
                        "type": "object",
                        "properties": {
                          "reason": {
                            "type": "string",
                            "description": "Why a person is needed"
                          }
                        },
                        "required": [
                          "reason"
                        ]
                      }
                    }
                  }
            ~ response_format:
                - "auto"
                + {
                    "type": "json_schema",
                    "json_schema": {
                      "name": "answer",
                      "schema": {
                        "type": "object",
                        "properties": {
                          "text": {
                            "type": "string"
                          }
                        }
                      }
                    }
                  }
              (9 unchanged attributes hidden)

      Plan: 0 to add, 2 to change, 0 to destroy.
      "
    `);
  });

  it('diffs a response schema from its root and metadata key by key', () => {
    const format = (type: string) => ({
      type: 'json_schema' as const,
      json_schema: {
        name: 'answer',
        strict: true,
        schema: { type: 'object', properties: { text: { type } } },
      },
    });
    const output = text([
      change({
        address: 'assistant.bot',
        before: assistantAttrs({ response_format: format('string'), metadata: { a: '1', 'team.name': 'x' } }),
        after: assistantAttrs({ response_format: format('number'), metadata: { 'team.name': 'y' } }),
      }),
    ]);
    expect(output).toMatchInlineSnapshot(`
      "Resource actions are indicated with the following symbols:
        ~ update in-place

      assistants-iac will perform the following actions:

        # assistant.bot will be updated in-place
        ~ assistant.bot (asst_bot)
            ~ response_format.json_schema.schema:
                ~ properties.text.type: "string" -> "number"
            ~ metadata:
                ~ ["team.name"]: "x" -> "y"
                - a: "1"
              (9 unchanged attributes hidden)

      Plan: 0 to add, 1 to change, 0 to destroy.
      "
    `);
  });

  it('escapes control characters and says when only the final newline changes', () => {
    const output = text([
      change({
        address: 'assistant.bot',
        before: assistantAttrs({ instructions: 'Line one.\nLine two.' }),
        after: assistantAttrs({ instructions: 'Line one.\nLine two.\n' }),
      }),
      change({
        address: 'assistant.evil',
        before: assistantAttrs({ name: 'Bot' }),
        after: assistantAttrs({ name: 'Bot\u001b[2J\u202e' }),
      }),
      change({ address: 'file.docs/odd\nname.md', after: fileAttrs({ path: 'docs/odd\nname.md' }) }),
    ]);
    expect(output).not.toMatch(/^name\.md/m);
    expect(output).not.toContain('\u001b');
    expect(output).not.toContain('\u202e');
    expect(output).toMatchInlineSnapshot(`
      "Resource actions are indicated with the following symbols:
        + create
        ~ update in-place

      assistants-iac will perform the following actions:

        # assistant.bot will be updated in-place
        ~ assistant.bot (asst_bot)
            ~ instructions:
                (newline at end of text added)
              (10 unchanged attributes hidden)

        # assistant.evil will be updated in-place
        ~ assistant.evil (asst_evil)
            ~ name: "Bot" -> "Bot\\u001b[2J\\u202e"
              (10 unchanged attributes hidden)

        # file.docs/odd\\u000aname.md will be created
        + file.docs/odd\\u000aname.md
            + path:     <<EOT
                docs/odd
                name.md
              EOT
            + filename: <<EOT
                odd
                name.md
              EOT
            + purpose:  "assistants"
            + bytes:    48213
            + sha256:   "8ddb03c9fcfb…"
            + id:       (known after apply)

      Plan: 1 to add, 2 to change, 0 to destroy.
      "
    `);
  });

  it('says when there is nothing to do', () => {
    expect(text([])).toBe('No changes. The live resources match the manifests.\n');
    expect(text([change({ address: 'file.a', action: 'no-op', before: fileAttrs() })])).toBe(
      'No changes. The live resources match the manifests.\n',
    );
  });

  it('with drift and no changes, says that apply only records the drift', () => {
    const output = renderPlanText(
      plan({
        drift: [
          drift({
            address: 'vector_store.kb',
            before: vectorStoreAttrs({ metadata: { team: 'a' } }),
            after: vectorStoreAttrs({ metadata: { team: 'b' } }),
          }),
        ],
      }),
      plain,
    );
    expect(output).toMatchInlineSnapshot(`
      "Note: Objects have changed outside assistants-iac

      assistants-iac detected the following changes made outside assistants-iac since the last apply:

        # vector_store.kb has changed
        ~ vector_store.kb (vs_kb)
            ~ metadata:
                ~ team: "a" -> "b"
              (2 unchanged attributes hidden)

      No changes. The resources already match the manifests: apply changes nothing and only records the changes above in the state.
      "
    `);
  });

  it('notes --refresh=false and warns about --target', () => {
    const output = text(
      [change({ address: 'file.a', after: fileAttrs({ path: 'a.md', sha256: sha256('a') }) })],
      {
        refreshed: false,
        targets: ['file.a', 'assistant.bot'],
      },
    );
    expect(output).toMatchInlineSnapshot(`
      "Note: the API was not read (--refresh=false).
      This plan compares the manifests with the state alone: it cannot see changes made outside
      assistants-iac, and apply may fail where the live resources differ from the state.

      Warning: Resource targeting is in effect

      This plan covers only file.a, assistant.bot (--target) and what they depend on,
      so it may not show every change the manifests ask for. --target is meant for exceptional cases,
      such as recovering from a mistake; run a full plan before relying on the result.

      Resource actions are indicated with the following symbols:
        + create

      assistants-iac will perform the following actions:

        # file.a will be created
        + file.a
            + path:     "a.md"
            + filename: "a.md"
            + purpose:  "assistants"
            + bytes:    48213
            + sha256:   "ca978112ca1b…"
            + id:       (known after apply)

      Plan: 1 to add, 0 to change, 0 to destroy.
      "
    `);
    expect(text([], { refreshed: false })).toMatchInlineSnapshot(`
      "Note: the API was not read (--refresh=false).
      This plan compares the manifests with the state alone: it cannot see changes made outside
      assistants-iac, and apply may fail where the live resources differ from the state.

      No changes. The state matches the manifests.
      "
    `);
  });

  it('does not print the plan errors and warnings (the CLI prints them as diagnostics)', () => {
    const output = renderPlanText(
      examplePlan({
        errors: [{ severity: 'error', code: 'PROTECTED_RESOURCE', message: 'file.pricing is protected' }],
      }),
      plain,
    );
    expect(output).not.toContain('PROTECTED_RESOURCE');
    expect(output).not.toContain('is protected');
  });

  it('colours markers, addresses and notes only when the style has colour', () => {
    const coloured = renderPlanText(examplePlan(), createStyle(true));
    expect(coloured).toContain('\u001b[32m+\u001b[39m'); // green +
    expect(coloured).toContain('\u001b[33m~\u001b[39m'); // yellow ~
    expect(coloured).toContain('\u001b[31m-\u001b[39m'); // red -
    expect(coloured).toContain('\u001b[31m-\u001b[39m/\u001b[32m+\u001b[39m'); // -/+ in both
    expect(coloured).toContain('\u001b[1mfile.handbook\u001b[22m'); // bold address
    expect(coloured).toContain('\u001b[2m(3 unchanged attributes hidden)\u001b[22m'); // dim count
    expect(coloured).toContain('\u001b[31m# forces replacement\u001b[39m');
    const uncoloured = renderPlanText(examplePlan(), plain);
    expect(uncoloured).not.toContain('\u001b');
    // Colour changes nothing but the escape codes.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping escape codes
    expect(coloured.replace(/\u001b\[\d+m/g, '')).toBe(uncoloured);
  });
});

describe('renderPlanText: storage cost', () => {
  const lastBlocks = (output: string) => output.slice(output.indexOf('Plan: '));

  it('follows the summary with each store that holds something, and the daily cost before and after', () => {
    expect(lastBlocks(renderPlanText(examplePlan({ cost: storageCost() }), plain))).toMatchInlineSnapshot(`
      "Plan: 6 to add, 1 to change, 4 to destroy.

      Vector-store storage (estimate: $0.10 per GB per day, the first 1 GB free):
        vector_store.kb       1.60 GB → 4.10 GB  (+3.00 GB attached, -512 MB detached)
        vector_store.archive  0 B → 512 MB  (new, +512 MB attached)
        vector_store.old      2.00 GB → 0 B  (deleted)
        Daily cost            $0.26 → $0.36 per day (+$0.10)
      Sizes after apply are estimated from the files' byte sizes; the API bills its own count (usage_bytes).
      "
    `);
  });

  it('says the usage is unknown without a refresh rather than inventing it', () => {
    const cost = storageCost([
      storeStorage({
        address: 'vector_store.kb',
        usageBytes: null,
        estimatedBytes: null,
        attachedBytes: 2048,
      }),
    ]);
    const output = renderPlanText(examplePlan({ cost, refreshed: false }), plain);
    expect(output).toContain('vector_store.kb  unknown → unknown  (+2.00 KB attached)');
    expect(output).toContain(
      'Daily cost       unknown → unknown per day (the API was not read: --refresh=false)',
    );
  });

  it('shows what is stored when nothing changes, and nothing when no store holds anything', () => {
    const held = storageCost([
      storeStorage({ address: 'vector_store.kb', usageBytes: 3e9, estimatedBytes: 3e9 }),
    ]);
    const output = renderPlanText(plan({ cost: held }), plain);
    expect(output).toContain('No changes.');
    expect(output).toContain('Daily cost       $0.18 → $0.18 per day (±$0.00)');
    const empty = storageCost([storeStorage({ address: 'vector_store.kb' })]);
    expect(renderPlanText(plan({ cost: empty }), plain)).not.toContain('storage');
    expect(renderPlanText(examplePlan({ cost: empty }), plain)).not.toContain('storage');
  });

  it('writes costs below a cent as such, and the prices it was given', () => {
    const cost = storageCost(
      [
        storeStorage({
          address: 'vector_store.kb',
          usageBytes: 0,
          estimatedBytes: 10_000,
          attachedBytes: 10_000,
        }),
      ],
      { perGbDay: 0.25, freeGb: 0 },
    );
    const output = renderPlanText(examplePlan({ cost }), plain);
    expect(output).toContain('(estimate: $0.25 per GB per day, no free GB)');
    expect(output).toContain('$0.00 → <$0.01 per day (+<$0.01)');
  });
});
