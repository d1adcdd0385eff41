import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { ApiError } from './api-error.js';
import { schemaErrorToApiError } from './schema-errors.js';

/** The vendored spec bundle (see its `$comment` for provenance and the two patches). */
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
  | 'VectorStoreSearchRequest'
  | 'CreateResponse'
  | 'CreateSkillBody'
  | 'CreateSkillVersionBody'
  | 'SetDefaultSkillVersionBody';

type Bundle = { $defs: Record<string, Record<string, unknown>> };

/**
 * Tells ajv to pick a `oneOf` branch by its `type`, as the API does, so that an error inside a
 * function tool is reported there instead of as "matches none of three shapes". The bundle drops
 * the spec's own `discriminator` keywords (ajv rejects them where a branch is an `allOf`); these
 * are the places where every branch requires `type` with values of its own, so ajv accepts them.
 * Only how errors are found changes; what is valid stays exactly the spec's.
 */
function dispatchByType(bundle: Bundle): void {
  const byType = (schema: Record<string, unknown> | undefined) => {
    if (schema)
      Object.assign(schema, { type: 'object', required: ['type'], discriminator: { propertyName: 'type' } });
  };
  const property = (name: string, key: string) =>
    (bundle.$defs[name]?.properties as Record<string, Record<string, unknown>> | undefined)?.[key];
  for (const name of ['CreateAssistantRequest', 'ModifyAssistantRequest'])
    byType(property(name, 'tools')?.items as Record<string, unknown> | undefined);
  byType(property('CompoundFilter', 'filters')?.items as Record<string, unknown> | undefined);
  byType(property('VectorStoreSearchRequest', 'filters'));
  byType(bundle.$defs.ChunkingStrategyRequestParam);
  byType(bundle.$defs.Tool);
  // The file_search tool's filters are `anyOf` the same two shapes; their `type`s cannot overlap,
  // so `oneOf` accepts the same and can dispatch.
  const filters = bundle.$defs.Filters;
  if (filters?.anyOf) {
    filters.oneOf = filters.anyOf;
    delete filters.anyOf;
    byType(filters);
  }
}

/**
 * Where the spec's `CreateResponse` is looser or stricter than the API it describes:
 * - it is an `allOf` of three parts, none closed, so it takes any field, and its file_search tool
 *   any key; the API refuses unknown parameters there as everywhere (`unknown_parameter`). Closing
 *   the whole with `unevaluatedProperties` refuses exactly the fields no part declares.
 * - an input item is `oneOf` shapes that overlap: `{role: 'user', content: [{type: 'input_text',
 *   ...}]}`, what the SDK sends, is both an easy message and an input message, so `oneOf` refuses
 *   it. The API takes it; `anyOf` does.
 */
function fitCreateResponse(bundle: Bundle): void {
  const { CreateResponse, FileSearchTool, InputItem } = bundle.$defs;
  if (CreateResponse) CreateResponse.unevaluatedProperties = false;
  if (FileSearchTool) FileSearchTool.additionalProperties = false;
  if (InputItem?.oneOf) {
    InputItem.anyOf = InputItem.oneOf;
    delete InputItem.oneOf;
  }
}

let bundle: Bundle | undefined;

function compileRequestValidators(): (name: RequestSchema) => ValidateFunction {
  bundle = JSON.parse(readFileSync(SPEC_URL, 'utf8')) as Bundle;
  dispatchByType(bundle);
  fitCreateResponse(bundle);
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
