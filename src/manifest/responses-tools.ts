import { readFileSync } from 'node:fs';
import type { Ajv2020, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';

/**
 * The Responses API's tools as the vendored spec defines them (`Tool`: one schema per type), for
 * what the CreateResponse check alone cannot say: which tool type a misspelt one was meant to be,
 * which keys a tool does not have (the spec leaves tools open; the API refuses unknown keys), and
 * the one error of the branch a tool's `type` picks (CreateResponse's `oneOf` reports the first
 * branch's). Read only when an agent needs it: the bundle is 400 KB.
 */

/** The emulator's copy of the spec bundle; at this depth both in src/ and in the bundled dist/. */
const SPEC_URL = new URL('../../schema/openai-api/subset.schemas.json', import.meta.url);
const SPEC_ID = 'https://openai-subset.local/schemas.json';

interface Bundle {
  $defs: Record<string, { properties?: Record<string, { enum?: string[] }>; oneOf?: { $ref: string }[] }>;
}

export interface ToolBranch {
  /** The schema's name in the spec, e.g. WebSearchTool. */
  schema: string;
  /** The keys the tool takes. */
  properties: ReadonlySet<string>;
}

let loaded: { bundle: Bundle; branches: Map<string, ToolBranch> } | undefined;

function load() {
  if (loaded) return loaded;
  const bundle = JSON.parse(readFileSync(SPEC_URL, 'utf8')) as Bundle;
  const branches = new Map<string, ToolBranch>();
  for (const { $ref } of bundle.$defs.Tool?.oneOf ?? []) {
    const schema = $ref.split('/').pop() as string;
    const properties = bundle.$defs[schema]?.properties ?? {};
    for (const type of properties.type?.enum ?? [])
      branches.set(type, { schema, properties: new Set(Object.keys(properties)) });
  }
  loaded = { bundle, branches };
  return loaded;
}

/** Every tool type, with its schema and keys. */
export function toolBranches(): ReadonlyMap<string, ToolBranch> {
  return load().branches;
}

let ajv: Ajv2020 | undefined;
const validators = new Map<string, ValidateFunction>();

/**
 * The first error of `tool` against the schema of its type, if any (the spec's own wording). Only
 * a request that failed gets here: ajv's compiler is loaded then, not by every validate.
 */
export async function toolError(tool: Record<string, unknown>): Promise<ErrorObject | undefined> {
  const branch = toolBranches().get(String(tool.type));
  if (!branch) return undefined;
  let validate = validators.get(branch.schema);
  if (!validate) {
    // ajv is CommonJS: bundled, a dynamic import of it gives its exports under `default`.
    const loaded = (await import('ajv/dist/2020.js')) as {
      Ajv2020?: typeof Ajv2020;
      default?: { Ajv2020?: typeof Ajv2020 };
    };
    const Compiler = (loaded.Ajv2020 ?? loaded.default?.Ajv2020) as typeof Ajv2020;
    ajv ??= new Compiler({ strict: false, allowUnionTypes: true, allErrors: false, validateFormats: false });
    if (!ajv.getSchema(SPEC_ID)) ajv.addSchema(load().bundle as object, SPEC_ID);
    validate = ajv.getSchema(`${SPEC_ID}#/$defs/${branch.schema}`) as ValidateFunction;
    validators.set(branch.schema, validate);
  }
  return validate(tool) ? undefined : (validate.errors ?? [])[0];
}
