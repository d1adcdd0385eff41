import type { AgentToolSpec } from '../../model/desired.js';
import { LIMITS } from '../../model/limits.js';
import { isReasoningModel } from '../../model/models.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { RawAgent, RawAgentSkill } from '../manifest-types.js';
import { type Entry, validEntries } from '../merge.js';
import { resolveAgentTools } from '../resolve-agent-tools.js';
import { MAX_CONTAINER_SKILLS } from '../skill-limits.js';
import type { ValuePath } from '../source-document.js';
import { didYouMeanSuffix } from '../suggest.js';
import type { RuleContext } from './context.js';
import { checkSchemaValue } from './tools.js';

/** Request fields that reasoning models refuse (the API answers 400 "Unsupported parameter"). */
const SAMPLING_FIELDS = ['temperature', 'top_p', 'top_logprobs'] as const;

/** The keys code_interpreter builds its container from. */
const CONTAINER_KEYS = ['files', 'file_ids', 'memory_limit'] as const;

/** The keys shell builds its environment from. */
const SHELL_CONTAINER_KEYS = [...CONTAINER_KEYS, 'skills', 'skill_ids'] as const;

type Filter = { type: string; key?: string; filters?: Filter[] };

/**
 * Agents: references to shared tools, managed stores, files and skills; the API's limits the schema
 * cannot state (files and skills per container, one tool of each built-in type, unique function names); the model
 * rules (sampling settings on reasoning models, reasoning options on others); schemas that compile;
 * and filter keys that no member of the agent's stores carries (a warning with a suggestion).
 */
export function checkAgents(ctx: RuleContext): void {
  for (const agent of validEntries(ctx.merged.agents)) {
    checkAgentReferences(ctx, agent);
    checkAgentTools(ctx, agent);
    checkModelRules(ctx, agent);
  }
}

function checkAgentReferences(ctx: RuleContext, agent: Entry<RawAgent>): void {
  const { merged, report } = ctx;
  const { doc, path, name } = agent;
  const missing = (
    at: ValuePath,
    noun: string,
    used: string,
    section: string,
    names: Iterable<string>,
    hint: string,
  ) =>
    report(
      diagnosticAt(
        doc,
        at,
        'UNDEFINED_REFERENCE',
        `agent "${name}" uses ${noun} "${used}", which is not defined under ${section}:${didYouMeanSuffix(used, names)}`,
        { hint },
      ),
    );
  (agent.value.tools ?? []).forEach((tool, index) => {
    const at = [...path, 'tools', index];
    if (typeof tool === 'string') {
      if (!merged.tools.has(tool))
        missing(
          at,
          'tool',
          tool,
          'tools',
          merged.tools.keys(),
          'other Responses tools are written inline: {type: web_search}',
        );
      return;
    }
    const stores =
      tool.type === 'file_search' && Array.isArray(tool.vector_stores)
        ? (tool.vector_stores as string[])
        : [];
    stores.forEach((store, i) => {
      if (!merged.vector_stores.has(store))
        missing(
          [...at, 'vector_stores', i],
          'vector store',
          store,
          'vector_stores',
          merged.vector_stores.keys(),
          'for a store that assistants-iac does not manage, list its id under vector_store_ids',
        );
    });
    const files =
      (tool.type === 'code_interpreter' || tool.type === 'shell') && Array.isArray(tool.files)
        ? (tool.files as string[])
        : [];
    files.forEach((file, i) => {
      if (!merged.files.has(file))
        missing(
          [...at, 'files', i],
          'file',
          file,
          'files',
          merged.files.keys(),
          'for a file that assistants-iac does not manage, list its id under file_ids',
        );
    });
    const skills =
      tool.type === 'shell' && Array.isArray(tool.skills) ? (tool.skills as RawAgentSkill[]) : [];
    skills.forEach((skill, i) => {
      // Skills in the API's shape are passed through; only names refer to the manifests.
      if (typeof skill === 'string' && !merged.skills.has(skill))
        missing(
          [...at, 'skills', i],
          'skill',
          skill,
          'skills',
          merged.skills.keys(),
          'for a skill that assistants-iac does not manage, list its id under skill_ids',
        );
    });
  });
}

function checkAgentTools(ctx: RuleContext, agent: Entry<RawAgent>): void {
  const { report } = ctx;
  const { doc, path, name } = agent;
  const functions = new Map<string, ValuePath>();
  const builtins = new Map<string, ValuePath>();
  for (const tool of resolveAgentTools(agent, ctx.merged.tools)) {
    const spec = tool.definition;
    const written = tool.shared ? undefined : tool.path;
    if (spec.type === 'function') {
      const fn = String(spec.name);
      const first = functions.get(fn);
      if (first)
        report(
          diagnosticAt(
            doc,
            tool.path,
            'DUPLICATE_FUNCTION_NAME',
            `agent "${name}" has two functions named "${fn}"`,
            {
              related: [{ message: 'first one here', location: doc.locate(first) }],
            },
          ),
        );
      else functions.set(fn, tool.path);
      if (written && spec.parameters !== undefined)
        checkSchemaValue(
          ctx,
          doc,
          [...written, 'parameters'],
          spec.parameters as Record<string, unknown>,
          spec.strict === true,
          `parameters of function "${fn}"`,
        );
      continue;
    }
    const first = builtins.get(spec.type);
    if (first && spec.type !== 'mcp' && spec.type !== 'custom') {
      report(
        diagnosticAt(doc, tool.path, 'DUPLICATE_TOOL', `agent "${name}" lists the ${spec.type} tool twice`, {
          related: [{ message: 'first one here', location: doc.locate(first) }],
        }),
      );
    } else builtins.set(spec.type, tool.path);
    if (tool.shared && spec.type === 'file_search')
      report(
        diagnosticAt(
          doc,
          tool.path,
          'MISSING_FIELD',
          `agent "${name}" uses the shared file_search tool "${tool.shared.name}", which names no vector store`,
          {
            hint: 'write file_search inline on the agent, with vector_stores: [NAME]',
          },
        ),
      );
    if (written) checkContainerFiles(ctx, agent, spec, written);
    if (written && spec.type === 'file_search' && spec.filters !== undefined)
      checkFilterKeys(ctx, agent, spec, [...written, 'filters']);
  }
  checkToolChoice(ctx, agent, functions, builtins);
  const format = (
    agent.value.text as
      | { format?: { type: string; schema?: Record<string, unknown>; strict?: boolean } }
      | undefined
  )?.format;
  if (format?.type === 'json_schema' && format.schema)
    checkSchemaValue(
      ctx,
      doc,
      [...path, 'text', 'format', 'schema'],
      format.schema,
      format.strict === true,
      `text.format.schema of agent "${name}"`,
    );
}

/** A tool_choice that names a function or a tool type must name one the agent has. */
function checkToolChoice(
  ctx: RuleContext,
  agent: Entry<RawAgent>,
  functions: ReadonlyMap<string, ValuePath>,
  builtins: ReadonlyMap<string, ValuePath>,
): void {
  const choice = agent.value.tool_choice;
  if (typeof choice !== 'object' || choice === null) return;
  const { type, name } = choice as { type?: unknown; name?: unknown };
  const at = [...agent.path, 'tool_choice'];
  // allowed_tools, mcp and custom choices name tools by other keys; the API checks those.
  const other = type === 'allowed_tools' || type === 'mcp' || type === 'custom';
  if (type === 'function' && typeof name === 'string' && !functions.has(name))
    ctx.report(
      diagnosticAt(
        agent.doc,
        [...at, 'name'],
        'UNDEFINED_REFERENCE',
        `agent "${agent.name}" chooses function "${name}", which is not among its tools${didYouMeanSuffix(name, functions.keys())}`,
      ),
    );
  else if (typeof type === 'string' && type !== 'function' && !other && !builtins.has(type))
    ctx.report(
      diagnosticAt(
        agent.doc,
        [...at, 'type'],
        'UNDEFINED_REFERENCE',
        `agent "${agent.name}" chooses the ${type} tool, which is not among its tools`,
      ),
    );
}

function checkContainerFiles(
  ctx: RuleContext,
  agent: Entry<RawAgent>,
  spec: AgentToolSpec,
  at: ValuePath,
): void {
  if (spec.type !== 'code_interpreter' && spec.type !== 'shell') return;
  const count =
    (Array.isArray(spec.files) ? spec.files.length : 0) +
    (Array.isArray(spec.file_ids) ? spec.file_ids.length : 0);
  if (count > LIMITS.containerFiles)
    ctx.report(
      diagnosticAt(
        agent.doc,
        at,
        'OUT_OF_RANGE',
        `agent "${agent.name}" puts ${count} files in its ${spec.type} container (files and file_ids together); the API allows ${LIMITS.containerFiles}`,
      ),
    );
  const skills =
    (Array.isArray(spec.skills) ? spec.skills.length : 0) +
    (Array.isArray(spec.skill_ids) ? spec.skill_ids.length : 0);
  if (skills > MAX_CONTAINER_SKILLS)
    ctx.report(
      diagnosticAt(
        agent.doc,
        at,
        'OUT_OF_RANGE',
        `agent "${agent.name}" puts ${skills} skills in its ${spec.type} container (skills and skill_ids together); the API allows ${MAX_CONTAINER_SKILLS}`,
      ),
    );
  // The keys that build the container; `container` or `environment` written whole replaces them.
  const built = spec.type === 'shell' ? SHELL_CONTAINER_KEYS : CONTAINER_KEYS;
  const other = spec.type === 'code_interpreter' ? 'container' : 'environment';
  if (built.some((key) => spec[key] !== undefined) && spec[other] !== undefined)
    ctx.report(
      diagnosticAt(
        agent.doc,
        [...at, other],
        'INVALID_VALUE',
        `agent "${agent.name}": ${spec.type} takes either ${other} or ${built.join('/')}, not both`,
        { at: 'key' },
      ),
    );
}

/**
 * Filter keys that no member of the agent's managed stores has among its attributes: a warning, as
 * files attached by id (or stores named by id) may carry attributes the manifests do not show.
 */
function checkFilterKeys(ctx: RuleContext, agent: Entry<RawAgent>, spec: AgentToolSpec, at: ValuePath): void {
  const stores = Array.isArray(spec.vector_stores) ? (spec.vector_stores as string[]) : [];
  if (stores.length === 0 || (Array.isArray(spec.vector_store_ids) && spec.vector_store_ids.length > 0))
    return;
  const keys = new Set<string>();
  for (const store of stores)
    for (const member of ctx.merged.vector_stores.get(store)?.value.files ?? [])
      if (typeof member === 'object') for (const key of Object.keys(member.attributes ?? {})) keys.add(key);
  const visit = (filter: Filter, path: ValuePath): void => {
    if (Array.isArray(filter.filters)) {
      filter.filters.forEach((inner, i) => {
        visit(inner, [...path, 'filters', i]);
      });
      return;
    }
    if (filter.key === undefined || keys.has(filter.key)) return;
    ctx.report(
      diagnosticAt(
        agent.doc,
        [...path, 'key'],
        'UNDEFINED_REFERENCE',
        `agent "${agent.name}" filters on attribute "${filter.key}", which no file of ${stores.map((s) => `"${s}"`).join(', ')} has${didYouMeanSuffix(filter.key, keys)}`,
        {
          severity: 'warning',
          hint:
            keys.size > 0
              ? `the members' attributes are: ${[...keys].sort().join(', ')}`
              : 'give the store members attributes: {KEY: VALUE}',
        },
      ),
    );
  };
  visit(spec.filters as Filter, at);
}

/** Settings the model refuses: sampling on reasoning models, reasoning options on the others. */
function checkModelRules(ctx: RuleContext, agent: Entry<RawAgent>): void {
  const { value, doc, path, name } = agent;
  const reasoning = isReasoningModel(value.model);
  if (reasoning) {
    for (const field of SAMPLING_FIELDS) {
      if (value[field] === undefined) continue;
      ctx.report(
        diagnosticAt(
          doc,
          [...path, field],
          'INVALID_VALUE',
          `agent "${name}" sets ${field}, which ${value.model} (a reasoning model) does not accept`,
          {
            at: 'key',
            hint: 'remove it, or use reasoning.effort to trade speed for depth',
          },
        ),
      );
    }
  } else if (value.reasoning !== undefined) {
    ctx.report(
      diagnosticAt(
        doc,
        [...path, 'reasoning'],
        'INVALID_VALUE',
        `agent "${name}" sets reasoning, which ${value.model} (not a reasoning model) does not accept`,
        {
          at: 'key',
          hint: 'reasoning options are for gpt-5 and o-series models',
        },
      ),
    );
  }
}
