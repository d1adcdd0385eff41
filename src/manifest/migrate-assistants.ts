import path from 'node:path';
import type { FunctionDefinition, ReasoningEffort } from '../model/desired.js';
import { isReasoningModel } from '../model/models.js';
import type { RawAssistant, RawToolDefinition, RawToolItem } from './manifest-types.js';

/**
 * `assistants migrate`, the pure part: each `assistants:` entry becomes an `agents:` entry (a
 * Responses API request template, DESIGN §3) under the same name. No I/O: the caller reads the
 * manifests (their values as written, `${env:...}` kept) and writes the result.
 */

/** An assistant to migrate, as written in its manifest. */
export interface AssistantToMigrate {
  name: string;
  assistant: RawAssistant;
  /**
   * The folder of the manifest that defines the assistant, relative to the folder of the manifest
   * being written, in POSIX form ('' when they are the same): instruction files are re-based on it.
   */
  base: string;
  /**
   * The model once `${env:...}` is applied, which decides the settings it accepts (see
   * isReasoningModel); the model as written when not given.
   */
  model?: string;
}

/** What migrate is given: the assistants in manifest order, and the shared `tools:` by name. */
export interface MigrateInput {
  assistants: readonly AssistantToMigrate[];
  sharedTools: ReadonlyMap<string, RawToolDefinition>;
}

/** Something of an assistant that its agent does not carry over as it was. */
export interface MigrateDifference {
  /** The agent (and assistant) name. */
  agent: string;
  /** The assistant's field, as a path: `name`, `tools[0].file_search.ranking_options.ranker`. */
  field: string;
  /** What happened to it, for people. */
  message: string;
}

/** A Responses `file_search` tool of an agent: managed stores by name, others by id. */
export interface AgentFileSearchTool {
  type: 'file_search';
  vector_stores?: string[];
  vector_store_ids?: string[];
  max_num_results?: number;
  ranking_options?: { ranker?: 'auto' | 'default-2024-11-15'; score_threshold?: number };
}

/** A Responses `code_interpreter` tool of an agent: managed files by name, others by id. */
export interface AgentCodeInterpreterTool {
  type: 'code_interpreter';
  files?: string[];
  file_ids?: string[];
}

/** A Responses function tool: the flat shape (`name` beside `type`, no `function:` wrapper). */
export interface AgentFunctionTool extends FunctionDefinition {
  type: 'function';
}

/** A tool of an agent: the name of a shared tool, or one written inline. */
export type AgentToolItem = string | AgentFileSearchTool | AgentCodeInterpreterTool | AgentFunctionTool;

/** The output format of an agent (Responses `text.format`). */
export type AgentTextFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | {
      type: 'json_schema';
      name: string;
      description?: string;
      schema: Record<string, unknown>;
      strict?: boolean;
    };

/** An `agents:` entry as migrate writes it; keys in the order they are written. */
export interface MigratedAgent {
  model: string;
  description?: string;
  instructions?: string | { file: string };
  tools?: AgentToolItem[];
  text?: { format: AgentTextFormat };
  reasoning?: { effort: ReasoningEffort };
  temperature?: number;
  top_p?: number;
  metadata?: Record<string, string>;
  protect?: boolean;
}

export interface MigrateResult {
  /** The agents by name, in the order of the assistants. */
  agents: Map<string, MigratedAgent>;
  /** Every difference, in the order of the assistants and of their fields. */
  differences: MigrateDifference[];
}

/** How one field of an assistant is carried over: where it goes, and what may be lost. */
export interface FieldMapping {
  /** The agent's field (or `—` when there is none). */
  to: string;
  /** How the value is carried over, and what is listed as a difference. */
  how: string;
}

/**
 * Every field of RawAssistant and how migrate carries it over (the README's table is made from
 * this). Keyed by every key of RawAssistant, so that a field added there without a line here is a
 * type error: nothing an assistant holds can be forgotten silently.
 */
export const ASSISTANT_FIELDS: { readonly [K in keyof Required<RawAssistant>]: FieldMapping } = {
  model: { to: 'model', how: 'kept' },
  name: {
    to: '—',
    how: 'Responses has no display name: kept as a YAML comment on the agent, and listed',
  },
  description: { to: 'description', how: 'kept (for people; not sent)' },
  instructions: {
    to: 'instructions',
    how: 'kept, inline or `{file: ...}`; a file path is re-based on the folder of the new manifest',
  },
  tools: {
    to: 'tools',
    how:
      'a shared tool name stays a name (a shared function without `strict` is listed: unset means false to assistants, true to Responses; ' +
      'a shared file_search or code_interpreter tool is written inline, and listed); ' +
      'an inline function `{type: function, function: {...}}` becomes the flat `{type: function, name, description, parameters, strict}` ' +
      '(`strict: false` written out when unset: the assistants default, while Responses defaults to strict); ' +
      '`file_search.max_num_results` and `file_search.ranking_options` move onto the tool ' +
      '(ranker `default_2024_08_21` has no Responses equivalent: `auto`, listed); ' +
      'a file_search tool without any vector store is left out (Responses requires vector_store_ids), listed',
  },
  tool_resources: {
    to: 'tools[]',
    how:
      '`file_search.vector_stores` / `vector_store_ids` go onto the file_search tool, ' +
      '`code_interpreter.files` / `file_ids` onto the code_interpreter tool; resources of a tool the assistant does not have are listed',
  },
  temperature: {
    to: 'temperature',
    how: 'kept; on a reasoning model (o-series, gpt-5), which Responses refuses it for, left out and listed',
  },
  top_p: {
    to: 'top_p',
    how: 'kept; on a reasoning model (o-series, gpt-5), which Responses refuses it for, left out and listed',
  },
  response_format: {
    to: 'text.format',
    how:
      '`auto` → left out (the default); `{type: text}` and `{type: json_object}` → `text.format` of that type; ' +
      '`{type: json_schema, json_schema: {name, description, schema, strict}}` → `text.format: {type: json_schema, name, description, schema, strict}` ' +
      '(without a schema: `schema: {}`, listed, as Responses requires one)',
  },
  reasoning_effort: {
    to: 'reasoning.effort',
    how: 'kept; on a model that is not a reasoning model, which Responses refuses it for, left out and listed',
  },
  metadata: { to: 'metadata', how: 'kept' },
  protect: { to: 'protect', how: 'kept' },
};

/** The assistants' file_search rankers and the Responses ranker each becomes. */
const RANKERS: Record<string, 'auto' | 'default-2024-11-15'> = {
  auto: 'auto',
  default_2024_08_21: 'auto',
};

/**
 * Turns every assistant into an agent of the same name. Every field of an assistant is either
 * carried over as it means (see ASSISTANT_FIELDS) or listed in `differences`; nothing is dropped
 * silently. Strings are copied as written, so `${env:...}` stays for the new manifest to interpolate.
 */
export function migrateAssistants(input: MigrateInput): MigrateResult {
  const agents = new Map<string, MigratedAgent>();
  const differences: MigrateDifference[] = [];
  for (const { name, assistant, base, model } of input.assistants) {
    const differ = (field: string, message: string) => differences.push({ agent: name, field, message });
    agents.set(name, migrateOne(assistant, base, model ?? assistant.model, input.sharedTools, differ));
  }
  return { agents, differences };
}

type Differ = (field: string, message: string) => void;

function migrateOne(
  assistant: RawAssistant,
  base: string,
  model: string,
  shared: ReadonlyMap<string, RawToolDefinition>,
  differ: Differ,
): MigratedAgent {
  const agent: MigratedAgent = { model: assistant.model };
  if (assistant.name !== undefined)
    differ('name', `${JSON.stringify(assistant.name)} has no Responses field; kept as a comment, not sent`);
  if (assistant.description !== undefined) agent.description = assistant.description;
  if (assistant.instructions !== undefined)
    agent.instructions =
      typeof assistant.instructions === 'string'
        ? assistant.instructions
        : { file: rebase(base, assistant.instructions.file) };
  const tools = migrateTools(assistant, shared, differ);
  if (tools.length > 0) agent.tools = tools;
  const format = textFormat(assistant.response_format, differ);
  if (format) agent.text = { format };
  // The Responses API refuses reasoning options on other models, and sampling on reasoning ones
  // (400 "Unsupported parameter"), and so does validation of agents.
  const reasoning = isReasoningModel(model);
  const shown = model === assistant.model ? model : `${model} (what ${assistant.model} gives now)`;
  if (assistant.reasoning_effort !== undefined) {
    if (reasoning) agent.reasoning = { effort: assistant.reasoning_effort };
    else
      differ(
        'reasoning_effort',
        `${shown} is not a reasoning model, and Responses refuses reasoning options for it; ${assistant.reasoning_effort} is left out`,
      );
  }
  for (const field of ['temperature', 'top_p'] as const) {
    const value = assistant[field];
    if (value === undefined) continue;
    if (!reasoning) agent[field] = value;
    else
      differ(
        field,
        `${shown} is a reasoning model, and Responses refuses ${field} for it; ${value} is left out`,
      );
  }
  if (assistant.metadata !== undefined) agent.metadata = assistant.metadata;
  if (assistant.protect !== undefined) agent.protect = assistant.protect;
  return agent;
}

/**
 * A path written relative to the assistant's manifest, made relative to the new manifest. An
 * absolute path stays; one holding `${...}` is prefixed without being normalised, since the
 * variable's value is not known here.
 */
export function rebase(base: string, file: string): string {
  if (base === '' || path.posix.isAbsolute(file) || path.win32.isAbsolute(file)) return file;
  if (file.includes('${')) return `${base}/${file}`;
  return path.posix.normalize(path.posix.join(base, file));
}

/** The assistant's tools as agent tools, its tool_resources moved onto the tools that read them. */
function migrateTools(
  assistant: RawAssistant,
  shared: ReadonlyMap<string, RawToolDefinition>,
  differ: Differ,
): AgentToolItem[] {
  const resources = assistant.tool_resources ?? {};
  const used = { file_search: false, code_interpreter: false };
  const tools: AgentToolItem[] = [];
  (assistant.tools ?? []).forEach((item: RawToolItem, index) => {
    const at = `tools[${index}]`;
    let definition: RawToolDefinition;
    if (typeof item === 'string') {
      const sharedDefinition = shared.get(item);
      // A shared function stays a name: the agents renderer flattens shared functions itself.
      if (sharedDefinition === undefined || sharedDefinition.type === 'function') {
        tools.push(item);
        if (sharedDefinition?.type === 'function' && sharedDefinition.function.strict === undefined)
          differ(
            at,
            `shared function "${item}" sets no strict: assistants take that as false, Responses as true; add strict: false to the shared tool to keep its behaviour`,
          );
        return;
      }
      definition = sharedDefinition;
      differ(
        at,
        `shared tool "${item}" is a ${definition.type} tool; it is written inline, since an agent's ${definition.type} tool carries its own ${definition.type === 'file_search' ? 'vector stores' : 'files'}`,
      );
    } else {
      definition = item;
    }
    switch (definition.type) {
      case 'function':
        tools.push(functionTool(definition.function));
        return;
      case 'file_search': {
        used.file_search = true;
        const tool = fileSearchTool(definition, resources.file_search, `${at}.file_search`, differ);
        if (tool) tools.push(tool);
        else
          differ(
            at,
            'file_search has no vector store (tool_resources.file_search names none); Responses requires vector_store_ids, so the tool is left out',
          );
        return;
      }
      case 'code_interpreter': {
        used.code_interpreter = true;
        const files = resources.code_interpreter;
        tools.push({
          type: 'code_interpreter',
          ...nonEmpty('files', files?.files),
          ...nonEmpty('file_ids', files?.file_ids),
        });
        return;
      }
    }
  });
  const fileSearch = resources.file_search;
  if (fileSearch !== undefined && !used.file_search)
    differ(
      'tool_resources.file_search',
      `the assistant has no file_search tool, so its vector stores are not carried over${listedIds(fileSearch.vector_stores, fileSearch.vector_store_ids)}`,
    );
  const codeInterpreter = resources.code_interpreter;
  if (codeInterpreter !== undefined && !used.code_interpreter)
    differ(
      'tool_resources.code_interpreter',
      `the assistant has no code_interpreter tool, so its files are not carried over${listedIds(codeInterpreter.files, codeInterpreter.file_ids)}`,
    );
  return tools;
}

/** `: a, b` naming what is not carried over, or nothing when there is nothing. */
function listedIds(names: readonly string[] | undefined, ids: readonly string[] | undefined): string {
  const all = [...(names ?? []), ...(ids ?? [])];
  return all.length > 0 ? `: ${all.join(', ')}` : '';
}

/** `{key: list}` when the list has items, else nothing (an empty list says nothing to Responses). */
function nonEmpty<K extends string>(key: K, list: readonly string[] | undefined): { [P in K]?: string[] } {
  return list && list.length > 0 ? ({ [key]: [...list] } as { [P in K]: string[] }) : {};
}

/**
 * A function in the flat Responses shape. `strict` is written out when the assistant leaves it
 * unset: assistants default to false, Responses to true, and a schema written for the one may not
 * keep the rules of the other.
 */
function functionTool(fn: FunctionDefinition): AgentFunctionTool {
  return {
    type: 'function',
    name: fn.name,
    ...(fn.description !== undefined ? { description: fn.description } : {}),
    ...(fn.parameters !== undefined ? { parameters: fn.parameters } : {}),
    strict: fn.strict ?? false,
  };
}

/** A file_search tool with the assistant's stores and options; undefined when it has no store. */
function fileSearchTool(
  definition: Extract<RawToolDefinition, { type: 'file_search' }>,
  stores: NonNullable<RawAssistant['tool_resources']>['file_search'],
  at: string,
  differ: Differ,
): AgentFileSearchTool | undefined {
  const names = nonEmpty('vector_stores', stores?.vector_stores);
  const ids = nonEmpty('vector_store_ids', stores?.vector_store_ids);
  if (!names.vector_stores && !ids.vector_store_ids) return undefined;
  const options = (definition.file_search ?? {}) as {
    max_num_results?: number;
    ranking_options?: { ranker?: string; score_threshold?: number };
  };
  const tool: AgentFileSearchTool = { type: 'file_search', ...names, ...ids };
  if (options.max_num_results !== undefined) tool.max_num_results = options.max_num_results;
  const ranking = options.ranking_options;
  if (ranking !== undefined) {
    const ranked: NonNullable<AgentFileSearchTool['ranking_options']> = {};
    if (ranking.ranker !== undefined) {
      ranked.ranker = RANKERS[ranking.ranker] ?? 'auto';
      if (ranking.ranker !== ranked.ranker)
        differ(
          `${at}.ranking_options.ranker`,
          `ranker ${ranking.ranker} has no Responses equivalent (Responses has auto and default-2024-11-15); written as ${ranked.ranker}`,
        );
    }
    if (ranking.score_threshold !== undefined) ranked.score_threshold = ranking.score_threshold;
    tool.ranking_options = ranked;
  }
  return tool;
}

/** The agent's `text.format` for an assistant's response_format; undefined for none or `auto`. */
function textFormat(format: RawAssistant['response_format'], differ: Differ): AgentTextFormat | undefined {
  if (format === undefined || format === 'auto') return undefined;
  if (format.type !== 'json_schema') return { type: format.type };
  const { name, description, schema, strict } = format.json_schema;
  if (schema === undefined)
    differ(
      'response_format.json_schema.schema',
      'the assistant gives no schema and Responses requires one; written as {} (any JSON), which is what no schema meant',
    );
  return {
    type: 'json_schema',
    name,
    ...(description !== undefined ? { description } : {}),
    schema: schema ?? {},
    ...(strict !== undefined ? { strict } : {}),
  };
}
