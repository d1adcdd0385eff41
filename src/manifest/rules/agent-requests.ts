import type { ErrorObject } from 'ajv/dist/2020.js';
import type { Diagnostic } from '../../errors/index.js';
import { renderAgentRequest } from '../../model/agent-request.js';
import type { Desired, DesiredAgent } from '../../model/desired.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { RawAgent } from '../manifest-types.js';
import type { Entry, MergedManifest } from '../merge.js';
import type { SourceDocument, ValuePath } from '../source-document.js';
import { didYouMeanSuffix } from '../suggest.js';

/** Ids that stand in for managed resources while checking: any string is a valid id to the schema. */
const PLACEHOLDER_ID = 'id-known-after-apply';
/** A managed skill's version stands in for the one apply will pin (a positive integer, as the API writes it). */
const PLACEHOLDER_VERSION = '1';

/** Tools whose shape the manifest schema already fixes: the spec's tool schemas are not consulted. */
const SHAPED = new Set(['file_search', 'code_interpreter', 'shell', 'function']);

const HINT =
  "the request is checked against the API's CreateResponse schema; see the API reference for this field";

/**
 * Every agent's rendered request checked as the API would check it: each tool passed through has
 * a type the API knows and only keys that type takes (the spec leaves tools open, the API does
 * not), and the whole request is valid against `CreateResponse`, a tool's error found in the schema
 * its type picks. So a tool in the wrong shape is found here, not by the application's first
 * request. The CreateResponse validator (over 1 MB of generated code) loads only when there are agents.
 */
export async function checkAgentRequests(merged: MergedManifest, desired: Desired): Promise<Diagnostic[]> {
  if (desired.agents.length === 0) return [];
  const { validateCreateResponse, responsesToolFields } = await import(
    '../create-response-validator.generated.js'
  );
  const found: Diagnostic[] = [];
  for (const agent of desired.agents) {
    const entry = merged.agents.get(agent.name);
    if (!entry) continue;
    const request = renderAgentRequest(
      agent,
      () => PLACEHOLDER_ID,
      () => PLACEHOLDER_VERSION,
    );
    const problems = passthroughProblems(entry, agent, responsesToolFields);
    if (problems.length === 0 && !validateCreateResponse(request)) {
      const error = validateCreateResponse.errors?.[0];
      if (error) problems.push(requestProblem(entry, error));
    }
    found.push(...problems);
  }
  return found;
}

/** Passed-through tools of an unknown type, or with keys their type does not take. */
function passthroughProblems(
  entry: Entry<RawAgent>,
  agent: DesiredAgent,
  toolFields: Readonly<Record<string, readonly string[]>>,
): Diagnostic[] {
  const types = Object.keys(toolFields);
  const problems: Diagnostic[] = [];
  (entry.value.tools ?? []).forEach((item, index) => {
    if (typeof item === 'string' || SHAPED.has(item.type)) return;
    const at = [...entry.path, 'tools', index];
    const fields = toolFields[item.type];
    if (!fields) {
      problems.push(
        diagnosticAt(
          entry.doc,
          [...at, 'type'],
          'INVALID_VALUE',
          `agent "${agent.name}": the Responses API has no tool of type "${item.type}"${didYouMeanSuffix(item.type, types)}`,
          { hint: `its tools are: ${[...types].sort().join(', ')}` },
        ),
      );
      return;
    }
    for (const key of Object.keys(item))
      if (!fields.includes(key))
        problems.push(
          diagnosticAt(
            entry.doc,
            [...at, key],
            'UNKNOWN_KEY',
            `agent "${agent.name}": the ${item.type} tool has no field "${key}"${didYouMeanSuffix(key, fields)}`,
            { at: 'key', hint: `its fields are: ${[...fields].sort().join(', ')}` },
          ),
        );
  });
  return problems;
}

/** The request's error, located in the manifest (a tool's lies in the schema its type picks). */
function requestProblem(entry: Entry<RawAgent>, error: ErrorObject): Diagnostic {
  const where = pointerPath(error.instancePath);
  return diagnosticAt(
    entry.doc,
    nearestWritten(entry.doc, [...entry.path, ...where]),
    'INVALID_VALUE',
    `agent "${entry.name}": the rendered request is not valid for the Responses API: ${describe(where, error)}`,
    { hint: HINT },
  );
}

function pointerPath(pointer: string): ValuePath {
  return pointer
    .split('/')
    .slice(1)
    .map((step) => step.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((step) => (/^\d+$/.test(step) ? Number(step) : step));
}

/** The longest prefix of `path` that the manifest writes (a rendered key may have no source). */
function nearestWritten(doc: SourceDocument, path: ValuePath): ValuePath {
  for (let end = path.length; end > 0; end--)
    if (doc.sourceText(path.slice(0, end)) !== undefined) return path.slice(0, end);
  return path;
}

function describe(where: ValuePath, error: ErrorObject): string {
  const at =
    where.length === 0
      ? 'the request'
      : where
          .map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`))
          .join('')
          .replace(/^\./, '');
  const allowed = (error.params as { allowedValues?: unknown[] }).allowedValues;
  return `${at} ${error.message ?? 'is invalid'}${allowed ? ` (${allowed.map((v) => JSON.stringify(v)).join(', ')})` : ''}`;
}
