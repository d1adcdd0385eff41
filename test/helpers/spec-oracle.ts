import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

/**
 * The test oracle: the spec's response schemas from the vendored bundle in test/fixtures (not the
 * emulator's copy), and the table of the 26 operations with the schema of each 200 response.
 */
const bundle = JSON.parse(
  readFileSync(new URL('../fixtures/openai-api/subset.ajv.schemas.json', import.meta.url), 'utf8'),
) as { $defs: Record<string, { properties?: Record<string, unknown> }> };

/**
 * Where the live API answers null but the spec types a plain value, the oracle takes null too, and
 * only there. The contract notes (api/README.md, "Facts added on 2026-12-06", "Live list bodies"):
 * "empty lists answer `first_id: null, last_id: null`; stores without expiry answer
 * `expires_after: null, expires_at: null`" (`expires_at` is nullable in the spec already).
 */
function allowLiveNulls(defs: typeof bundle.$defs): void {
  const orNull = (schema: unknown) => ({ anyOf: [schema, { type: 'null' }] });
  for (const list of [
    'ListAssistantsResponse',
    'ListFilesResponse',
    'ListVectorStoresResponse',
    'ListVectorStoreFilesResponse',
  ]) {
    const properties = defs[list]?.properties as Record<string, unknown>;
    properties.first_id = orNull(properties.first_id);
    properties.last_id = orNull(properties.last_id);
  }
  const store = defs.VectorStoreObject?.properties as Record<string, unknown>;
  store.expires_after = orNull(store.expires_after);
}
allowLiveNulls(bundle.$defs);

const ajv = new Ajv2020({ discriminator: true, strictTypes: false, allowUnionTypes: true });
(addFormatsModule as unknown as (ajv: Ajv2020) => void)(ajv);
ajv.addFormat('unixtime', { type: 'number', validate: Number.isInteger });
ajv.addSchema(bundle);

export function schemaValidator(name: string): ValidateFunction {
  const validate = ajv.getSchema(`https://openai-subset.local/schemas.json#/$defs/${name}`);
  if (!validate) throw new Error(`no schema ${name}`);
  return validate;
}

/** The properties a schema declares (to catch fields the spec does not have). */
export function declaredProperties(name: string): Set<string> | undefined {
  const properties = bundle.$defs[name]?.properties;
  return properties ? new Set(Object.keys(properties)) : undefined;
}

/** `api/endpoints.md`: method, path template, 200 schema (null: not JSON). */
export const OPERATIONS: readonly [string, string, string | null][] = [
  ['GET', '/assistants', 'ListAssistantsResponse'],
  ['POST', '/assistants', 'AssistantObject'],
  ['GET', '/assistants/{assistant_id}', 'AssistantObject'],
  ['POST', '/assistants/{assistant_id}', 'AssistantObject'],
  ['DELETE', '/assistants/{assistant_id}', 'DeleteAssistantResponse'],
  ['GET', '/files', 'ListFilesResponse'],
  ['POST', '/files', 'OpenAIFile'],
  ['DELETE', '/files/{file_id}', 'DeleteFileResponse'],
  ['GET', '/files/{file_id}', 'OpenAIFile'],
  ['GET', '/files/{file_id}/content', null],
  ['GET', '/vector_stores', 'ListVectorStoresResponse'],
  ['POST', '/vector_stores', 'VectorStoreObject'],
  ['GET', '/vector_stores/{vector_store_id}', 'VectorStoreObject'],
  ['POST', '/vector_stores/{vector_store_id}', 'VectorStoreObject'],
  ['DELETE', '/vector_stores/{vector_store_id}', 'DeleteVectorStoreResponse'],
  ['POST', '/vector_stores/{vector_store_id}/file_batches', 'VectorStoreFileBatchObject'],
  ['GET', '/vector_stores/{vector_store_id}/file_batches/{batch_id}', 'VectorStoreFileBatchObject'],
  ['POST', '/vector_stores/{vector_store_id}/file_batches/{batch_id}/cancel', 'VectorStoreFileBatchObject'],
  ['GET', '/vector_stores/{vector_store_id}/file_batches/{batch_id}/files', 'ListVectorStoreFilesResponse'],
  ['GET', '/vector_stores/{vector_store_id}/files', 'ListVectorStoreFilesResponse'],
  ['POST', '/vector_stores/{vector_store_id}/files', 'VectorStoreFileObject'],
  ['GET', '/vector_stores/{vector_store_id}/files/{file_id}', 'VectorStoreFileObject'],
  ['DELETE', '/vector_stores/{vector_store_id}/files/{file_id}', 'DeleteVectorStoreFileResponse'],
  ['POST', '/vector_stores/{vector_store_id}/files/{file_id}', 'VectorStoreFileObject'],
  ['GET', '/vector_stores/{vector_store_id}/files/{file_id}/content', 'VectorStoreFileContentResponse'],
  ['POST', '/vector_stores/{vector_store_id}/search', 'VectorStoreSearchResultsPage'],
];

const LIST_ITEMS: Record<string, string> = {
  ListAssistantsResponse: 'AssistantObject',
  ListFilesResponse: 'OpenAIFile',
  ListVectorStoresResponse: 'VectorStoreObject',
  ListVectorStoreFilesResponse: 'VectorStoreFileObject',
  SkillListResource: 'SkillResource',
  SkillVersionListResource: 'SkillVersionResource',
};

const compiled = OPERATIONS.map(([method, template, schema]) => ({
  method,
  template,
  schema,
  pattern: new RegExp(`^/v1${template.replace(/\{\w+\}/g, '[^/]+')}$`),
}));

/** The operation a request is for, by method and path. */
export function operationOf(method: string, path: string) {
  return compiled.find((op) => op.method === method && op.pattern.test(path));
}

/** Problems with one response body: schema errors, and fields the schema does not declare. */
export function responseProblems(schema: string, body: unknown): string[] {
  const validate = schemaValidator(schema);
  const problems = validate(body)
    ? []
    : (validate.errors ?? []).map(
        (e) => `${schema}${e.instancePath}: ${e.message} ${JSON.stringify(e.params)}`,
      );
  const extras = (name: string, value: unknown, where: string) => {
    const declared = declaredProperties(name);
    if (!declared || value === null || typeof value !== 'object') return;
    for (const key of Object.keys(value))
      if (!declared.has(key)) problems.push(`${where}: undeclared field '${key}'`);
  };
  extras(schema, body, schema);
  const item = LIST_ITEMS[schema];
  if (item) {
    for (const [index, entry] of ((body as { data?: unknown[] }).data ?? []).entries()) {
      extras(item, entry, `${schema}.data[${index}]`);
    }
  }
  return problems;
}
