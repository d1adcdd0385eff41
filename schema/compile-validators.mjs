#!/usr/bin/env node
// Compiles the manifest and state schemas, and the JSON Schema meta-schema that schemas written in
// manifests are checked against, into standalone validator modules (ajv's standalone code), so
// that the CLI compiles none of them at run time: compiling them took longer than everything else
// `validate` does. `npm run build` runs this first and rewrites a module only when
// its schema gave other code; `node schema/compile-validators.mjs --check` writes nothing and exits 1
// naming the modules that are not what their schemas give (test/unit/schema-validators.test.ts runs
// it, so a schema edited without a build fails the tests instead of validating with old rules).
//
// The ajv options here are the validators' behaviour. Manifest and state: allErrors and verbose (errors carry their
// parentSchema, which holds the `x-hint`/`x-problem` wording and the property names for "did you
// mean"); strict mode, so that a schema with a typo'd keyword does not compile at all.
import { readFileSync, writeFileSync } from 'node:fs';
import { _ } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import standaloneCode from 'ajv/dist/standalone/index.js';
import addFormats from 'ajv-formats';

const root = new URL('../', import.meta.url);

/** Code options: ES modules with a line per statement, so that a schema change reads as a diff. */
const CODE = { source: true, esm: true, lines: true };

/** The meta-schema ajv bundles: a `schema` that names it is compiled from ajv, not read from a file. */
const META_SCHEMA = 'https://json-schema.org/draft/2020-12/schema';

/** Every generated module: the schema it compiles, the ajv instance that compiles it, and its export. */
const VALIDATORS = [
  {
    schema: 'schema/manifest.schema.json',
    module: 'src/manifest/manifest-validator.generated.ts',
    name: 'validateManifest',
    ajv: () => {
      // strictRequired is off: `if: {required: [...]}` is the dispatch idiom.
      const ajv = new Ajv2020({ ...common(), strictRequired: false, allowUnionTypes: true });
      ajv.addKeyword({ keyword: 'x-hint', schemaType: 'string' });
      ajv.addKeyword({ keyword: 'x-alternatives', schemaType: 'array' });
      return ajv;
    },
  },
  {
    schema: 'schema/state.schema.json',
    module: 'src/state/state-validator.generated.ts',
    name: 'validateState',
    ajv: () => {
      // strictRequired is off: `if: {properties: ...}` is the dispatch idiom. discriminator picks a
      // tool's branch by its type, so an error inside a function tool is reported there.
      const ajv = new Ajv2020({
        ...common({ formats: _`require("ajv-formats/dist/formats").fullFormats` }),
        strictRequired: false,
        allowUnionTypes: true,
        discriminator: true,
      });
      ajv.addKeyword({ keyword: 'x-problem', schemaType: 'string' });
      addFormats(ajv);
      return ajv;
    },
  },
  {
    // `assistants show PLANFILE` reads a saved plan whole, so it checks the file against the schema
    // that describes the JSON plan before it renders anything from it.
    schema: 'schema/plan.schema.json',
    module: 'src/workflow/plan-validator.generated.ts',
    name: 'validatePlanDocument',
    ajv: () => {
      const ajv = new Ajv2020({
        ...common({ formats: _`require("ajv-formats/dist/formats").fullFormats` }),
        allowUnionTypes: true,
      });
      addFormats(ajv);
      return ajv;
    },
  },
  {
    // JSON Schemas written in manifests (function parameters, response formats) are checked against
    // the 2020-12 meta-schema first: ajv compiles that meta-schema anew for every instance, which
    // cost more than the rest of a validate. The options are those of compileProblem's instance.
    schema: META_SCHEMA,
    module: 'src/manifest/json-schema-validator.generated.ts',
    name: 'validateJsonSchema',
    ajv: () => new Ajv2020({ strict: false, allErrors: false, validateSchema: false, code: CODE }),
  },
  {
    // Every rendered agent request is checked against the API's own CreateResponse schema (from the
    // vendored spec bundle the emulator also uses). Compiling it takes over a second: too long for
    // each validate, so it is compiled here, and loaded only when the manifests have agents.
    // Tools and filters are picked by their `type`, as the emulator picks them (dispatchByType in
    // src/emulator/spec.ts), so that a tool's error is the one of its own schema; the module also
    // exports each tool type's fields, which the spec leaves open and the API does not.
    schema: 'schema/openai-api/subset.schemas.json',
    ref: 'https://openai-subset.local/schemas.json#/$defs/CreateResponse',
    module: 'src/manifest/create-response-validator.generated.ts',
    name: 'validateCreateResponse',
    prepare: dispatchToolsByType,
    extra: toolFieldsExport,
    ajv: () => {
      const ajv = new Ajv2020({
        strict: false,
        allowUnionTypes: true,
        allErrors: false,
        verbose: true,
        discriminator: true,
        code: { ...CODE, formats: _`require("ajv-formats/dist/formats").fullFormats` },
      });
      addFormats(ajv);
      ajv.addFormat('unixtime', { type: 'number', validate: Number.isInteger });
      ajv.addFormat('binary', true);
      return ajv;
    },
  },
];

/** Tools and filters dispatched by `type` (see the CreateResponse entry above). */
function dispatchToolsByType(bundle) {
  const byType = (schema) => {
    if (schema)
      Object.assign(schema, { type: 'object', required: ['type'], discriminator: { propertyName: 'type' } });
  };
  byType(bundle.$defs.Tool);
  byType(bundle.$defs.CompoundFilter?.properties?.filters?.items);
  // Filters are `anyOf` two shapes whose `type`s cannot overlap: `oneOf` accepts the same and can dispatch.
  const filters = bundle.$defs.Filters;
  if (filters?.anyOf) {
    filters.oneOf = filters.anyOf;
    delete filters.anyOf;
    byType(filters);
  }
}

/** `responsesToolFields`: each Responses tool type and the fields its schema declares. */
function toolFieldsExport(bundle) {
  const fields = {};
  for (const { $ref } of bundle.$defs.Tool.oneOf) {
    const properties = bundle.$defs[$ref.split('/').pop()].properties ?? {};
    for (const type of properties.type?.enum ?? []) fields[type] = Object.keys(properties);
  }
  return [
    '/** Each tool type of the Responses API and the fields its schema declares (the spec leaves tools open; the API does not). */',
    `export const responsesToolFields: Readonly<Record<string, readonly string[]>> = ${JSON.stringify(fields)};`,
  ];
}

function common(code = {}) {
  return {
    allErrors: true,
    verbose: true,
    strict: true,
    code: { source: true, esm: true, lines: true, ...code },
  };
}

/** The text of one generated module. */
function moduleText({ schema, ref, name, prepare, extra, ajv: make }) {
  const ajv = make();
  let validate;
  let bundle;
  if (schema === META_SCHEMA) validate = ajv.getSchema(META_SCHEMA);
  else if (ref) {
    bundle = JSON.parse(readFileSync(new URL(schema, root), 'utf8'));
    prepare?.(bundle);
    ajv.addSchema(bundle);
    validate = ajv.getSchema(ref);
  } else validate = ajv.compile(JSON.parse(readFileSync(new URL(schema, root), 'utf8')));
  const code = standaloneCode(ajv, validate);
  // ajv's ESM output still `require`s its runtime helpers (and the format checks): a require made
  // for the module serves them, as CommonJS would (an import's default differs between Node and
  // bundlers for these modules, which set __esModule).
  const requires = /\brequire\(/.test(code);
  const exported = /^"use strict";\nexport const validate = (\w+);\nexport default \1;\n/.exec(code);
  if (!exported) throw new Error(`${schema}: ajv's standalone code does not start as expected`);
  return [
    `// Generated by schema/compile-validators.mjs from ${ref ?? schema} (npm run build): do not edit.`,
    '// @ts-nocheck',
    "import type { ErrorObject } from 'ajv/dist/2020.js';",
    ...(requires
      ? [
          "import { createRequire } from 'node:module';",
          '',
          'const require = createRequire(import.meta.url);',
        ]
      : []),
    '',
    `/** Validates a value against ${ref ?? schema}; on false, \`${name}.errors\` holds what failed. */`,
    `export const ${name}: ((data: unknown) => boolean) & { errors?: ErrorObject[] | null } = ${exported[1]};`,
    ...(extra ? ['', ...extra(bundle)] : []),
    code.slice(exported[0].length),
  ].join('\n');
}

function current(file) {
  try {
    return readFileSync(new URL(file, root), 'utf8');
  } catch {
    return undefined;
  }
}

const check = process.argv.includes('--check');
const stale = [];
for (const validator of VALIDATORS) {
  const text = moduleText(validator);
  if (current(validator.module) === text) continue;
  stale.push(validator);
  if (!check) writeFileSync(new URL(validator.module, root), text);
}
for (const { module, schema } of stale) {
  console.error(
    check
      ? `${module} is stale: it is not what ${schema} gives; run npm run build (it regenerates it)`
      : `compiled ${schema} into ${module}`,
  );
}
if (check && stale.length > 0) process.exitCode = 1;
