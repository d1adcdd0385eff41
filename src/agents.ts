/**
 * `assistants-iac/agents`: what an application needs to use an agent that `assistants apply`
 * rendered (`render_to`, or `assistants output --format responses` saved to a file). The request
 * is typed with the official SDK's own parameters, less `input`, which the application adds:
 *
 *   const agent = await loadAgent('build/agents/support-agent.json');
 *   const response = await client.responses.create({ ...agent, input: question });
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { ResponseCreateParamsNonStreaming } from 'openai/resources/responses/responses';

/** A rendered agent: the body of `POST /v1/responses` without `input` (and without `stream`). */
export type AgentRequest = Omit<ResponseCreateParamsNonStreaming, 'input'>;

/** Reads one rendered agent (a file written by `render_to`). */
export async function loadAgent(file: string | URL): Promise<AgentRequest> {
  return asAgent(await readFile(file, 'utf8'), file);
}

/** Reads one rendered agent, synchronously (for start-up code). */
export function loadAgentSync(file: string | URL): AgentRequest {
  return asAgent(readFileSync(file, 'utf8'), file);
}

/** Reads every agent from the output of `assistants output --format responses`: `{NAME: request}`. */
export async function loadAgents(file: string | URL): Promise<Record<string, AgentRequest>> {
  const parsed = parse(await readFile(file, 'utf8'), file);
  return Object.fromEntries(
    Object.entries(parsed).map(([name, value]) => [name, checked(value, `${String(file)}: agent "${name}"`)]),
  );
}

function asAgent(text: string, file: string | URL): AgentRequest {
  return checked(parse(text, file), String(file));
}

function parse(text: string, file: string | URL): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`${String(file)} is not JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`${String(file)} does not hold a JSON object`);
  return value as Record<string, unknown>;
}

/** A request, as far as an application can check without the API: an object with a model, no input. */
function checked(value: unknown, what: string): AgentRequest {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`${what} is not a request object`);
  const request = value as Record<string, unknown>;
  if (typeof request.model !== 'string' || request.model === '')
    throw new Error(`${what} has no model: it is not a request rendered by assistants-iac`);
  if ('input' in request)
    throw new Error(`${what} already has an input: add it when you call responses.create`);
  return request as AgentRequest;
}
