import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../../src/errors/index.js';
import type { Change } from '../../../src/model/plan.js';
import { renderPlanMarkdown } from '../../../src/render/plan-markdown.js';
import {
  assistantAttrs,
  change,
  drift,
  examplePlan,
  fileAttrs,
  plan,
  protectedError,
  vectorStoreAttrs,
} from '../../helpers/plan-builders.js';

/**
 * Checks that every fenced block closes with a fence like the one that opened it (CommonMark: a
 * closing fence is at least as long as the opening one), and that `<details>` tags pair up.
 */
function expectBalanced(markdown: string): void {
  let open: string | undefined;
  for (const line of markdown.split('\n')) {
    const fence = /^(`{3,})(.*)$/.exec(line);
    if (!fence) continue;
    const [, ticks = '', info] = fence;
    if (open === undefined) open = ticks;
    else if (ticks.length >= open.length && info?.trim() === '') open = undefined;
  }
  expect(open, 'an open code fence').toBeUndefined();
  expect(markdown.match(/<details>/g)?.length ?? 0).toBe(markdown.match(/<\/details>/g)?.length ?? 0);
}

/** A plan warning, located in assistants.yaml unless `location: undefined` is given. */
function warning(init: Partial<Diagnostic> = {}): Diagnostic {
  return {
    severity: 'warning',
    code: 'INDEXING_FAILED',
    message: 'docs/scan.pdf failed to index in vector_store.kb: unsupported_file (the file has no text)',
    location: { file: 'assistants.yaml', line: 12, column: 9 },
    ...init,
  };
}

/** An assistant update whose instructions change on every one of `lines` lines. */
function bigChange(i: number, lines: number): Change {
  const text = (word: string) =>
    Array.from({ length: lines }, (_, n) => `${word} line ${n} of the instructions of assistant ${i}.`).join(
      '\n',
    );
  return change({
    address: `assistant.bot-${i}`,
    before: assistantAttrs({ instructions: text('Old') }),
    after: assistantAttrs({ instructions: text('New') }),
  });
}

describe('renderPlanMarkdown', () => {
  it('renders a mixed plan: summary, warning banner, drift, each change folded in a diff block', () => {
    const markdown = renderPlanMarkdown(examplePlan());
    expectBalanced(markdown);
    expect(markdown).toMatchInlineSnapshot(`
      "<!-- assistants-iac plan: stack=support workspace=default -->

      ### Plan: stack \`support\`, workspace \`default\`

      **Plan:** 3 to add, 1 to change, 3 to replace, 1 to destroy.

      > [!WARNING]
      > This plan destroys or replaces 3 resources and detaches or re-attaches 1 file:
      > - \`file.pricing\` must be replaced (content changed)
      > - \`vector_store.kb\` must be replaced (expired)
      > - \`vector_store.old\` will be destroyed (not in the manifests)
      > - 1 file re-attached to <code>vector_store.kb</code>: the store is replaced

      <details><summary>Graph of the changes (6 resources)</summary>

      \`\`\`mermaid
      flowchart LR
        n0("file.handbook")
        n1("file.pricing")
        n2[("vector_store.kb")]
        n3[("vector_store.archive")]
        n4["assistant.support-bot"]
        n5[("vector_store.old")]
        n0 -->|"attach"| n2
        n1 -->|"re-attach"| n2
        n2 --> n4
        classDef create fill:#dafbe1,stroke:#1a7f37,color:#1f2328
        class n0,n3 create
        classDef update fill:#fff8c5,stroke:#9a6700,color:#1f2328
        class n4 update
        classDef replace fill:#ffe2cc,stroke:#bc4c00,color:#1f2328
        class n1,n2 replace
        classDef delete fill:#ffebe9,stroke:#cf222e,color:#1f2328
        class n5 delete
      \`\`\`

      </details>

      #### Changed outside assistants-iac

      <details><summary>~ <code>assistant.support-bot</code> has changed</summary>

      \`\`\`diff
      !   assistant.support-bot (asst_support_bot)
      !       temperature: 0.3 -> 0.9
              (10 unchanged attributes hidden)
      \`\`\`

      </details>

      <details><summary>- <code>vector_store.archive</code> has been deleted</summary>

      \`\`\`diff
      -   vector_store.archive (vs_archive)
      \`\`\`

      </details>

      #### Destroyed

      - <code>vector_store.old</code> (<code>vs_old</code>) will be destroyed (not in the manifests)

      #### Replaced

      <details><summary>-/+ <code>vector_store.kb</code> must be replaced (expired)</summary>

      \`\`\`diff
      -/+ vector_store.kb (vs_kb)
      \`\`\`

      </details>

      #### Agents, assistants and skills

      <details><summary>~ <code>assistant.support-bot</code> will be updated in-place</summary>

      \`\`\`diff
      !   assistant.support-bot (asst_support_bot)
      !       instructions:
                @@ -1,5 +1,5 @@
                  You are the support assistant for Acme.
                  Answer from the handbook.
      -           Be brief.
      +           Be thorough.
                  Cite the page you used.
                  Never promise refunds.
      !       tools[2].function.parameters:
      !           properties.reason.type: "string" -> "integer"
      +           properties.urgent: {"type":"boolean"}
      !       tool_resources.file_search.vector_store_ids:
      !           [0]: "vs_kb" -> (known after apply)
      !       temperature: 0.9 -> 0.3
      !       metadata:
      !           team: "support" -> "helpdesk"
      +           tier: "gold"
              (6 unchanged attributes hidden)
      \`\`\`

      </details>

      #### Vector stores

      <details><summary>+ <code>vector_store.archive</code> will be created (deleted outside assistants-iac)</summary>

      \`\`\`diff
      +   vector_store.archive
      +       name: "Archive"
      +       id:   (known after apply)
              (2 attributes at their defaults hidden)
      \`\`\`

      </details>

      #### Files in vector stores

      | Store | Files | Change |
      | --- | ---: | --- |
      | <code>vector_store.kb</code> | 1 | + attached |
      | <code>vector_store.kb</code> | 1 | -/+ re-attached: the store is replaced |

      <details><summary>The 1 file attached (<code>vector_store.kb</code>)</summary>

      \`\`\`text
      handbook
      \`\`\`

      </details>

      <details><summary>The 1 file re-attached (<code>vector_store.kb</code>)</summary>

      \`\`\`text
      pricing
      \`\`\`

      </details>

      #### Files

      <details><summary>+/- <code>file.pricing</code> must be replaced (content changed)</summary>

      \`\`\`diff
      +/- file.pricing (file-pricing)
      !       bytes:  2048 -> 2310
      !       sha256: "758036303e2b…" -> "8a6e99ff58af…" # forces replacement
              (3 unchanged attributes hidden)
      \`\`\`

      </details>

      #### New files

      | File | Path | Bytes |
      | --- | --- | ---: |
      | <code>file.handbook</code> | <code>docs/handbook.pdf</code> | 48,213 |
      "
    `);
  });

  it('is the marker, the heading and one line when nothing changes', () => {
    expect(renderPlanMarkdown(plan())).toBe(
      '<!-- assistants-iac plan: stack=support workspace=default -->\n\n### Plan: stack `support`, workspace `default`\n\n**Plan:** no changes. The live resources match the manifests.\n',
    );
    expect(
      renderPlanMarkdown(plan({ refreshed: false }))
        .split('\n\n')
        .slice(2, 3),
    ).toEqual(['**Plan:** no changes. The state matches the manifests.']);
  });

  it('is no longer one line when a plan without changes has warnings: they follow the summary', () => {
    const markdown = renderPlanMarkdown(
      plan({
        warnings: [
          warning(),
          warning({
            code: 'TARGET_NOT_FOUND',
            message: '--target assistant.gone: neither the manifests nor the state hold it',
            location: undefined,
          }),
        ],
      }),
    );
    expectBalanced(markdown);
    expect(markdown).toMatchInlineSnapshot(`
      "<!-- assistants-iac plan: stack=support workspace=default -->

      ### Plan: stack \`support\`, workspace \`default\`

      **Plan:** no changes. The live resources match the manifests.

      > [!WARNING]
      > This plan has 2 warnings:
      > - \`INDEXING_FAILED\` docs/scan.pdf failed to index in vector_store.kb: unsupported_file (the file has no text) (assistants.yaml:12:9)
      > - \`TARGET_NOT_FOUND\` --target assistant.gone: neither the manifests nor the state hold it
      "
    `);
  });

  it('lists warnings after errors and before the destroy banner, escaped and on one line each', () => {
    const markdown = renderPlanMarkdown(
      plan({
        errors: [protectedError('file.pricing')],
        warnings: [
          warning({
            code: 'PENDING_OPERATIONS',
            message: 'an earlier apply stopped during\n  create of <file.new>',
            location: undefined,
          }),
        ],
        changes: [change({ address: 'file.pricing', before: fileAttrs(), after: null })],
      }),
    );
    expectBalanced(markdown);
    expect(markdown.split('\n\n').slice(2, 6)).toMatchInlineSnapshot(`
      [
        "**Plan:** 0 to add, 0 to change, 0 to replace, 1 to destroy.",
        "> [!CAUTION]
      > This plan has 1 error, and apply refuses it:
      > - \`PROTECTED_RESOURCE\` file.pricing is protected and the plan would replace it (assistants.yaml:3:3)",
        "> [!WARNING]
      > This plan has 1 warning:
      > - \`PENDING_OPERATIONS\` an earlier apply stopped during create of &lt;file.new&gt;",
        "> [!WARNING]
      > This plan destroys or replaces 1 resource:
      > - \`file.pricing\` will be destroyed (not in the manifests)",
      ]
    `);
  });

  it('keeps within maxChars with many long warnings: the banner is capped and long messages cut', () => {
    const warnings = Array.from({ length: 45 }, (_, i) =>
      warning({
        message: `w${i} ${'x'.repeat(2_000)}`,
        location: { file: 'kb.yaml', line: i + 1, column: 3 },
      }),
    );
    const changes = Array.from({ length: 60 }, (_, i) => bigChange(i, 40));
    const markdown = renderPlanMarkdown(plan({ changes, warnings }));
    expect(markdown.length).toBeLessThanOrEqual(65_000);
    expectBalanced(markdown);
    expect(markdown).toContain('> This plan has 45 warnings:');
    expect(markdown).toContain('> - … and 15 more\n');
    expect(markdown).not.toContain('w30 ');
    // Each message is cut to 300 characters, its location kept.
    expect(markdown).toContain(`> - \`INDEXING_FAILED\` w0 ${'x'.repeat(296)}… (kb.yaml:1:3)\n`);
    // Every change stays; those whose diff does not fit are shown on one line.
    const folded = markdown.match(/<details><summary>~ <code>assistant/g)?.length ?? 0;
    const lines = markdown.match(/^- ~ <code>assistant\.bot-\d+<\/code>/gm)?.length ?? 0;
    expect(folded).toBeGreaterThan(5);
    expect(folded + lines).toBe(60);
    expect(markdown).toContain(`${60 - folded} changes are shown without their diff`);

    // A comment too small for even the warnings still honours maxChars.
    const tiny = renderPlanMarkdown(plan({ warnings }), { maxChars: 2_000 });
    expect(tiny.length).toBeLessThanOrEqual(2_000);
    expect(tiny).toContain('**Plan:** no changes.');
  });

  it('shows drift alone when only drift was found', () => {
    const markdown = renderPlanMarkdown(
      plan({
        drift: [
          drift({
            address: 'vector_store.kb',
            before: vectorStoreAttrs({ name: 'KB' }),
            after: vectorStoreAttrs({ name: 'Knowledge base' }),
          }),
        ],
      }),
    );
    expectBalanced(markdown);
    expect(markdown).toMatchInlineSnapshot(`
      "<!-- assistants-iac plan: stack=support workspace=default -->

      ### Plan: stack \`support\`, workspace \`default\`

      **Plan:** no changes; 1 resource changed outside assistants-iac.

      #### Changed outside assistants-iac

      <details><summary>~ <code>vector_store.kb</code> has changed</summary>

      \`\`\`diff
      !   vector_store.kb (vs_kb)
      !       name: "KB" -> "Knowledge base"
              (2 unchanged attributes hidden)
      \`\`\`

      </details>

      Apply changes nothing: it only records the changes above in the state.
      "
    `);
  });

  it('puts errors, --refresh=false and --target in alerts', () => {
    const markdown = renderPlanMarkdown(
      plan({
        refreshed: false,
        targets: ['assistant.bot'],
        errors: [protectedError('file.pricing')],
        changes: [
          change({ address: 'file.pricing', action: 'create-delete', before: fileAttrs(), replacePaths: [] }),
          change({
            address: 'assistant.bot',
            before: assistantAttrs(),
            after: assistantAttrs({ top_p: 0.5 }),
          }),
        ],
      }),
    );
    expectBalanced(markdown);
    expect(markdown).toMatchInlineSnapshot(`
      "<!-- assistants-iac plan: stack=support workspace=default -->

      ### Plan: stack \`support\`, workspace \`default\`

      **Plan:** 0 to add, 1 to change, 1 to replace, 0 to destroy.

      > [!CAUTION]
      > This plan has 1 error, and apply refuses it:
      > - \`PROTECTED_RESOURCE\` file.pricing is protected and the plan would replace it (assistants.yaml:3:3)

      > [!WARNING]
      > This plan destroys or replaces 1 resource:
      > - \`file.pricing\` must be replaced (content changed)

      > [!NOTE]
      > The API was not read (\`--refresh=false\`): this plan compares the manifests with the state alone and cannot see changes made outside assistants-iac.

      > [!IMPORTANT]
      > Resource targeting is in effect: this plan covers only \`assistant.bot\` (\`--target\`) and what it depends on, so it may not show every change the manifests ask for.

      <details><summary>Graph of the changes (2 resources)</summary>

      \`\`\`mermaid
      flowchart LR
        n0("file.pricing")
        n1["assistant.bot"]
        classDef update fill:#fff8c5,stroke:#9a6700,color:#1f2328
        class n1 update
        classDef replace fill:#ffe2cc,stroke:#bc4c00,color:#1f2328
        class n0 replace
      \`\`\`

      </details>

      #### Agents, assistants and skills

      <details><summary>~ <code>assistant.bot</code> will be updated in-place</summary>

      \`\`\`diff
      !   assistant.bot (asst_bot)
      !       top_p: 1 -> 0.5
              (10 unchanged attributes hidden)
      \`\`\`

      </details>

      #### Files

      <details><summary>+/- <code>file.pricing</code> must be replaced (content changed)</summary>

      \`\`\`diff
      +/- file.pricing (file-pricing)
      \`\`\`

      </details>
      "
    `);
  });

  it('widens the fence when the content holds backticks, and escapes HTML in summaries', () => {
    const markdown = renderPlanMarkdown(
      plan({
        changes: [
          change({
            address: 'assistant.bot',
            before: assistantAttrs({ instructions: 'Answer in JSON:\n```json\n{}\n```\n' }),
            after: assistantAttrs({ instructions: 'Answer in YAML:\n```yaml\n{}\n```\n' }),
          }),
          change({ address: 'file.docs/<b>.md', after: fileAttrs({ path: 'docs/<b>.md' }) }),
          change({ address: 'file.docs/odd\nname.md', before: fileAttrs(), after: null }),
        ],
      }),
    );
    expect(markdown).toContain('<code>file.docs/odd\\u000aname.md</code>');
    expect(markdown).toContain('> - `file.docs/odd\\u000aname.md` will be destroyed');
    expectBalanced(markdown);
    expect(markdown).toContain('````diff\n');
    expect(markdown).toContain('<code>file.docs/&lt;b&gt;.md</code>');
    // Inside the fenced block `<b>` is literal text; in the summary it would be markup.
    expect(markdown).not.toMatch(/<summary>[^\n]*<b>/);
  });

  it('stays under 65,000 characters: every change is kept, those that do not fit without their diff', () => {
    const changes = Array.from({ length: 60 }, (_, i) => bigChange(i, 40));
    const markdown = renderPlanMarkdown(plan({ changes }));
    expect(markdown.length).toBeLessThanOrEqual(65_000);
    expectBalanced(markdown);
    const folded = markdown.match(/<details><summary>~ <code>assistant/g)?.length ?? 0;
    expect(folded).toBeGreaterThan(5);
    expect(folded).toBeLessThan(60);
    expect(markdown).toContain(
      `> [!NOTE]\n> This comment is cut to stay within 65,000 characters: the graph is not shown and ${60 - folded} changes are shown without their diff. Run \`assistants plan\` for the full plan.\n`,
    );
    // The first changes keep their diff, the others are one line each; none is left out.
    expect(markdown).toContain('+           New line 39 of the instructions of assistant 0.');
    for (let i = folded; i < 60; i++)
      expect(markdown).toContain(`\n- ~ <code>assistant.bot-${i}</code> will be updated in-place\n`);
    // The summary still counts every change.
    expect(markdown).toContain('**Plan:** 0 to add, 60 to change, 0 to replace, 0 to destroy.');
  });

  it('honours maxChars, and shows a change too large for any comment in part', () => {
    const changes = [bigChange(0, 2_000), bigChange(1, 3)];
    const markdown = renderPlanMarkdown(plan({ changes }), { maxChars: 20_000 });
    expect(markdown.length).toBeLessThanOrEqual(20_000);
    expectBalanced(markdown);
    expect(markdown).toMatch(/… \d+ more lines not shown\n```\n\n<\/details>/);
    expect(markdown).toContain('one change is shown in part.');
    // The second change is kept, on one line if its diff does not fit.
    expect(markdown).toContain('<code>assistant.bot-1</code> will be updated in-place');

    const small = renderPlanMarkdown(plan({ changes: [bigChange(0, 3), bigChange(1, 3)] }), {
      maxChars: 1_200,
    });
    expect(small.length).toBeLessThanOrEqual(1_200);
    expectBalanced(small);
    expect(small).toContain('<code>assistant.bot-1</code> will be updated in-place');
  });

  it('caps the list of destroyed resources in the banner', () => {
    const changes = Array.from({ length: 45 }, (_, i) =>
      change({ address: `file.f${i}`, before: fileAttrs(), after: null }),
    );
    const markdown = renderPlanMarkdown(plan({ changes }));
    expect(markdown).toContain('> This plan destroys or replaces 45 resources:');
    expect(markdown).toContain(
      '> - `file.f29` will be destroyed (not in the manifests)\n> - … and 15 more\n',
    );
    expect(markdown).not.toContain('> - `file.f30`');
  });
});
