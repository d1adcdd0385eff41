import type { ErrorObject } from 'ajv/dist/2020.js';
import type { Diagnostic } from '../../errors/index.js';
import { renderAgentRequest } from '../../model/agent-request.js';
import type { Desired } from '../../model/desired.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { MergedManifest } from '../merge.js';
import type { ValuePath } from '../source-document.js';

/** Ids that stand in for managed resources while checking: any string is a valid id to the schema. */
const PLACEHOLDER_ID = 'id-known-after-apply';

/**
 * Every agent's rendered request checked against the API's `CreateResponse` schema, as the API
 * would check it: a tool passed through in the wrong shape is found here, not by the application's
 * first request. The validator (over 1 MB of generated code) is loaded only when there are agents.
 */
export async function checkAgentRequests(merged: MergedManifest, desired: Desired): Promise<Diagnostic[]> {
  if (desired.agents.length === 0) return [];
  const { validateCreateResponse } = await import('../create-response-validator.generated.js');
  const found: Diagnostic[] = [];
  for (const agent of desired.agents) {
    const request = renderAgentRequest(agent, () => PLACEHOLDER_ID);
    if (validateCreateResponse(request)) continue;
    const entry = merged.agents.get(agent.name);
    const error = validateCreateResponse.errors?.[0];
    if (!entry || !error) continue;
    const where = pointerPath(error.instancePath);
    found.push(
      diagnosticAt(
        entry.doc,
        nearestWritten(entry.doc, [...entry.path, ...where]),
        'INVALID_VALUE',
        `agent "${agent.name}": the rendered request is not valid for the Responses API: ${describe(where, error)}`,
        {
          hint: "the request is checked against the API's CreateResponse schema; see the API reference for this field",
        },
      ),
    );
  }
  return found;
}

function pointerPath(pointer: string): ValuePath {
  return pointer
    .split('/')
    .slice(1)
    .map((step) => step.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((step) => (/^\d+$/.test(step) ? Number(step) : step));
}

/** The longest prefix of `path` that the manifest writes (a rendered key may have no source). */
function nearestWritten(
  doc: { sourceText(path: ValuePath): string | undefined },
  path: ValuePath,
): ValuePath {
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
