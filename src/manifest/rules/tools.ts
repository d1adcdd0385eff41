import type { DiagnosticOptions } from '../diagnostic-at.js';
import { diagnosticAt } from '../diagnostic-at.js';
import { compileProblem, strictProblems } from '../json-schema-check.js';
import type { RawToolDefinition } from '../manifest-types.js';
import { validEntries } from '../merge.js';
import { resolveTools } from '../resolve-tools.js';
import type { SourceDocument, ValuePath } from '../source-document.js';
import type { RuleContext } from './context.js';

/** At most this many strict-mode findings per schema: the first few say what to fix. */
const MAX_STRICT_PROBLEMS = 5;

/**
 * Tools: function names unique within an assistant, parameters and response schemas that compile
 * (and keep the rules of strict mode when `strict: true`), built-in tools listed once, and
 * tool_resources only for tools the assistant has. Each definition is checked once, where it is
 * written, however many assistants share it.
 */
export function checkTools(ctx: RuleContext): void {
  const { merged, report } = ctx;

  for (const tool of validEntries(merged.tools)) checkDefinition(ctx, tool.value, tool.doc, tool.path);

  for (const assistant of validEntries(merged.assistants)) {
    const { value, doc, path, name } = assistant;
    const tools = resolveTools(assistant, merged.tools);
    for (const tool of tools) if (!tool.shared) checkDefinition(ctx, tool.definition, tool.doc, tool.path);

    const functions = new Map<string, (typeof tools)[number]>();
    const builtins = new Map<string, (typeof tools)[number]>();
    for (const tool of tools) {
      const def = tool.definition;
      if (def.type === 'function') {
        const first = functions.get(def.function.name);
        if (first) {
          const at = tool.shared ? tool.path : [...tool.path, 'function', 'name'];
          report(
            diagnosticAt(
              doc,
              at,
              'DUPLICATE_FUNCTION_NAME',
              `assistant "${name}" has two functions named "${def.function.name}"`,
              { related: [{ message: 'first one here', location: first.doc.locate(first.path) }] },
            ),
          );
        } else functions.set(def.function.name, tool);
      } else {
        const first = builtins.get(def.type);
        if (first) {
          report(
            diagnosticAt(
              doc,
              tool.path,
              'DUPLICATE_TOOL',
              `assistant "${name}" lists the ${def.type} tool twice`,
              {
                related: [{ message: 'first one here', location: first.doc.locate(first.path) }],
              },
            ),
          );
        } else builtins.set(def.type, tool);
      }
    }

    const format = value.response_format;
    if (typeof format === 'object' && format.type === 'json_schema' && format.json_schema.schema) {
      checkSchemaValue(
        ctx,
        doc,
        [...path, 'response_format', 'json_schema', 'schema'],
        format.json_schema.schema,
        format.json_schema.strict === true,
        `response_format.json_schema.schema of assistant "${name}"`,
      );
    }

    // Only complete tool lists say which tools the assistant lacks; a dangling name is reported elsewhere.
    const complete = tools.length === (value.tools ?? []).length;
    for (const kind of ['file_search', 'code_interpreter'] as const) {
      if (!complete || value.tool_resources?.[kind] === undefined || builtins.has(kind)) continue;
      report(
        diagnosticAt(
          doc,
          [...path, 'tool_resources', kind],
          'TOOL_RESOURCE_WITHOUT_TOOL',
          `assistant "${name}" has tool_resources.${kind} but no ${kind} tool, so the resources go unused`,
          {
            severity: 'warning',
            at: 'key',
            hint: `add {type: ${kind}} to its tools, or remove tool_resources.${kind}`,
          },
        ),
      );
    }
  }
}

function checkDefinition(
  ctx: RuleContext,
  def: RawToolDefinition,
  doc: SourceDocument,
  path: ValuePath,
): void {
  if (def.type !== 'function' || def.function.parameters === undefined) return;
  checkSchemaValue(
    ctx,
    doc,
    [...path, 'function', 'parameters'],
    def.function.parameters,
    def.function.strict === true,
    `parameters of function "${def.function.name}"`,
  );
}

export function checkSchemaValue(
  ctx: RuleContext,
  doc: SourceDocument,
  path: ValuePath,
  schema: Record<string, unknown>,
  strict: boolean,
  what: string,
): void {
  const problem = compileProblem(schema);
  if (problem) {
    ctx.report(
      diagnosticAt(
        doc,
        [...path, ...problem.path],
        'INVALID_JSON_SCHEMA',
        `${what}: not a valid JSON Schema: ${problem.message}`,
      ),
    );
    return;
  }
  if (!strict) return;
  const options: DiagnosticOptions = {
    hint: 'strict mode accepts a subset of JSON Schema; see the Structured Outputs guide',
  };
  for (const found of strictProblems(schema).slice(0, MAX_STRICT_PROBLEMS)) {
    ctx.report(
      diagnosticAt(
        doc,
        [...path, ...found.path],
        'STRICT_SCHEMA_INVALID',
        `${what}, strict mode, at ${found.path.length === 0 ? 'the root' : `/${found.path.join('/')}`}: ${found.message}`,
        options,
      ),
    );
  }
}
