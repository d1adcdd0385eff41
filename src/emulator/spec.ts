import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { ApiError } from './api-error.js';
import { schemaErrorToApiError } from './schema-errors.js';

/** The vendored spec bundle (see its `$comment` for provenance and the one patch). */
const SPEC_URL = new URL('../../schema/openai-api/subset.schemas.json', import.meta.url);
const SPEC_ID = 'https://openai-subset.local/schemas.json';

/** The request bodies the emulator checks against the spec before it touches any state. */
export type RequestSchema =
  | 'CreateAssistantRequest'
  | 'ModifyAssistantRequest'
  | 'CreateFileRequest'
  | 'CreateVectorStoreRequest'
  | 'UpdateVectorStoreRequest'
  | 'CreateVectorStoreFileRequest'
  | 'CreateVectorStoreFileBatchRequest'
  | 'UpdateVectorStoreFileAttributesRequest'
  | 'VectorStoreSearchRequest';

type Bundle = { $defs: Record<string, Record<string, unknown>> };

/**
 * Tells ajv to pick the tool branch by its `type`, as the API does, so that an error inside a
 * function tool is reported there instead of as "matches none of three shapes". Only how errors are
 * found changes; what is valid stays exactly the spec's.
 */
function dispatchToolsByType(bundle: Bundle): void {
  for (const name of ['CreateAssistantRequest', 'ModifyAssistantRequest']) {
    const properties = bundle.$defs[name]?.properties as
      | Record<string, { items: Record<string, unknown> }>
      | undefined;
    const tools = properties?.tools;
    if (tools)
      Object.assign(tools.items, {
        type: 'object',
        required: ['type'],
        discriminator: { propertyName: 'type' },
      });
  }
}

let bundle: Bundle | undefined;

function compileRequestValidators(): (name: RequestSchema) => ValidateFunction {
  bundle = JSON.parse(readFileSync(SPEC_URL, 'utf8')) as Bundle;
  dispatchToolsByType(bundle);
  // verbose: errors carry their schema, so a limit on a `number` field is worded "decimal" even
  // when the value sent happens to be whole.
  const ajv = new Ajv2020({
    discriminator: true,
    strictTypes: false,
    allowUnionTypes: true,
    allErrors: false,
    verbose: true,
  });
  // ajv-formats is CommonJS; its default export arrives wrapped under NodeNext.
  const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;
  addFormats(ajv);
  ajv.addFormat('unixtime', { type: 'number', validate: Number.isInteger });
  ajv.addFormat('binary', true);
  ajv.addSchema(bundle);
  const cache = new Map<RequestSchema, ValidateFunction>();
  return (name) => {
    let validate = cache.get(name);
    if (!validate) {
      validate = ajv.getSchema(`${SPEC_ID}#/$defs/${name}`);
      if (!validate) throw new Error(`schema ${name} missing from the vendored spec`);
      cache.set(name, validate);
    }
    return validate;
  };
}

let validators: ((name: RequestSchema) => ValidateFunction) | undefined;

/** Checks `body` against the spec's request schema; throws the 400 the API would give. */
export function checkRequest(name: RequestSchema, body: unknown): void {
  validators ??= compileRequestValidators();
  const validate = validators(name);
  if (validate(body)) return;
  const errors = (validate.errors ?? []) as ErrorObject[];
  const resolveRef = (ref: string) => bundle?.$defs[ref.replace('#/$defs/', '')];
  throw schemaErrorToApiError(errors, body, resolveRef) ?? new ApiError(400, 'Invalid request.');
}
