import { describe, expect, it } from 'vitest';
import { brief, check, onlyError } from '../../helpers/validate.js';
import { yaml } from '../../helpers/workspace.js';

describe('function tools', () => {
  it('names are unique within an assistant, shared or inline', async () => {
    const result = await check(yaml`
      version: 1
      tools:
        lookup: { type: function, function: { name: lookup_order } }
      assistants:
        bot:
          model: gpt-4o
          tools:
            - lookup
            - type: function
              function: { name: lookup_order, description: Same name again }
    `);
    const error = onlyError(result);
    expect(brief(error)).toBe(
      'assistants.yaml:10:27 DUPLICATE_FUNCTION_NAME assistant "bot" has two functions named "lookup_order"',
    );
    expect(error.related?.[0]?.location).toMatchObject({ line: 8, column: 9 });
  });

  it('the same function name in two assistants is fine', async () => {
    const result = await check(yaml`
      version: 1
      tools:
        lookup: { type: function, function: { name: lookup_order } }
      assistants:
        a: { model: gpt-4o, tools: [lookup] }
        b: { model: gpt-4o, tools: [lookup] }
    `);
    expect(result.errors).toEqual([]);
  });

  it('names match ^[a-zA-Z0-9_-]{1,64}$', async () => {
    const result = await check(yaml`
      version: 1
      tools:
        lookup: { type: function, function: { name: lookup order } }
    `);
    const error = onlyError(result);
    expect(brief(error)).toBe(
      'assistants.yaml:3:47 INVALID_VALUE function.name of tool "lookup" "lookup order" is not of the allowed form',
    );
    expect(error.hint).toBe("a function name is 1 to 64 of a-z, A-Z, 0-9, '_' and '-'");
  });

  it('parameters must compile as a JSON Schema; the error points inside them', async () => {
    const result = await check(yaml`
      version: 1
      assistants:
        bot:
          model: gpt-4o
          tools:
            - type: function
              function:
                name: lookup_order
                parameters:
                  type: object
                  properties:
                    order: { type: text }
    `);
    expect(brief(onlyError(result))).toBe(
      'assistants.yaml:12:30 INVALID_JSON_SCHEMA parameters of function "lookup_order": not a valid JSON Schema: /properties/order/type must be equal to one of the allowed values (array, boolean, integer, null, number, object, string)',
    );
  });

  it('parameters with a $ref that resolves nowhere are reported', async () => {
    const result = await check(yaml`
      version: 1
      tools:
        lookup:
          type: function
          function:
            name: lookup_order
            parameters: { type: object, properties: { order: { $ref: "#/$defs/Order" } } }
    `);
    const error = onlyError(result);
    expect(error.code).toBe('INVALID_JSON_SCHEMA');
    expect(error.message).toMatch(
      /^parameters of function "lookup_order": not a valid JSON Schema: can't resolve reference #\/\$defs\/Order/,
    );
    expect(error.location).toMatchObject({ line: 7, column: 19 });
  });

  it('strict parameters must close every object and require every property', async () => {
    const result = await check(yaml`
      version: 1
      tools:
        lookup:
          type: function
          function:
            name: lookup_order
            strict: true
            parameters:
              type: object
              properties:
                order: { type: string }
                note: { type: string }
              required: [order]
    `);
    expect(result.errors.map(brief)).toEqual([
      'assistants.yaml:9:9 STRICT_SCHEMA_INVALID parameters of function "lookup_order", strict mode, at the root: an object schema must set additionalProperties: false',
      'assistants.yaml:9:9 STRICT_SCHEMA_INVALID parameters of function "lookup_order", strict mode, at the root: every property must be required (use a null type for optional ones); not required: note',
    ]);
  });

  it('a strict response schema follows the same rules, down nested objects', async () => {
    const result = await check(yaml`
      version: 1
      assistants:
        bot:
          model: gpt-4o
          response_format:
            type: json_schema
            json_schema:
              name: reply
              strict: true
              schema:
                type: object
                properties:
                  answer: { type: object, properties: { text: { type: string } }, required: [text] }
                required: [answer]
                additionalProperties: false
    `);
    expect(brief(onlyError(result))).toBe(
      'assistants.yaml:13:21 STRICT_SCHEMA_INVALID response_format.json_schema.schema of assistant "bot", strict mode, at /properties/answer: an object schema must set additionalProperties: false',
    );
  });

  it('a built-in tool listed twice is an error', async () => {
    const result = await check(yaml`
      version: 1
      assistants:
        bot:
          model: gpt-4o
          tools: [{ type: code_interpreter }, { type: code_interpreter }]
    `);
    expect(brief(onlyError(result))).toBe(
      'assistants.yaml:5:41 DUPLICATE_TOOL assistant "bot" lists the code_interpreter tool twice',
    );
  });
});

describe('tool resources without their tool', () => {
  it('warns (exit 0) when file_search resources are set without the file_search tool', async () => {
    const result = await check(yaml`
      version: 1
      vector_stores:
        kb: {}
      assistants:
        bot:
          model: gpt-4o
          tools: [{ type: code_interpreter }]
          tool_resources:
            file_search: { vector_stores: [kb] }
    `);
    expect(result.errors).toEqual([]);
    expect(result.value).toBeDefined();
    expect(result.warnings.map(brief)).toEqual([
      'assistants.yaml:9:7 TOOL_RESOURCE_WITHOUT_TOOL assistant "bot" has tool_resources.file_search but no file_search tool, so the resources go unused',
    ]);
  });

  it('warns likewise for code_interpreter, and counts shared tools', async () => {
    const result = await check(
      yaml`
      version: 1
      files:
        sales: { path: sales.csv }
      tools:
        search: { type: file_search }
      assistants:
        bot:
          model: gpt-4o
          tools: [search]
          tool_resources:
            code_interpreter: { files: [sales] }
    `,
      { 'sales.csv': 'a,b\n' },
    );
    expect(result.warnings.map(brief)).toEqual([
      'assistants.yaml:11:7 TOOL_RESOURCE_WITHOUT_TOOL assistant "bot" has tool_resources.code_interpreter but no code_interpreter tool, so the resources go unused',
    ]);
  });
});
