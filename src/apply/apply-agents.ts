import { isDeepStrictEqual } from 'node:util';
import { AssistantsError } from '../errors/index.js';
import { parseRendered, renderedText, requestOf } from '../model/agent.js';
import { agentDependencies } from '../model/agent-request.js';
import type { AgentAttributes } from '../model/attributes.js';
import type { Change } from '../model/plan.js';
import { desiredAgentAttributes } from '../plan/kinds/agent.js';
import type { StateResource } from '../state/state-document.js';
import type { ApplyRun } from './apply-run.js';
import { inCreateHalf } from './create-half.js';
import { forgetResource } from './remove.js';

/**
 * Agents make no call: apply renders each with the ids made so far, records it in the state and,
 * with `render_to`, writes the file (only when its text changes). A file is overwritten or removed
 * only when it is this agent's: recorded at that path in the state, or already holding exactly what
 * would be written; a file edited since apply wrote it is not removed.
 */

type AgentResource = Extract<StateResource, { kind: 'agent' }>;

export async function createAgents(run: ApplyRun, changes: readonly Change[]): Promise<void> {
  const agents = new Map(run.input.desired.agents.map((agent) => [agent.address, agent]));
  const files = run.input.renderedFiles;
  await run.each(
    changes.filter((c) => inCreateHalf(c, 'agent')),
    async (change) => {
      const agent = agents.get(change.address);
      if (!agent) return;
      await run.step(change, 'create', async () => {
        const attributes = desiredAgentAttributes(agent, (address) => {
          const id = run.idOf(address);
          if (!id) throw new AssistantsError('APPLY_FAILED', `${address} has no id: it was not made`);
          return id;
        });
        const current = run.resource(change.address) as AgentResource | undefined;
        const target = attributes.render_to;
        if (target !== null) {
          const text = renderedText(requestOf(attributes));
          const onDisk = await files.read(target);
          const ours = current?.attributes.render_to === target;
          if (onDisk.status === 'found' && onDisk.text !== text) {
            if (!ours)
              throw new AssistantsError(
                'RENDER_TARGET_EXISTS',
                `render_to ${target} exists and was not written by assistants-iac for ${change.address}`,
                { hint: 'move the file away, or choose another render_to' },
              );
            await files.write(target, text);
          } else if (onDisk.status === 'missing') await files.write(target, text);
        }
        const previous = current?.attributes.render_to ?? null;
        if (current && previous !== null && previous !== target) await removeRendered(run, change, current);
        await run.input.recorder.mutate((doc) => {
          doc.resources[change.address] = {
            kind: 'agent',
            id: target ?? '',
            attributes,
            dependencies: agentDependencies(agent),
            protect: agent.protect,
          };
        });
        return target ?? undefined;
      });
    },
  );
}

export async function deleteAgents(run: ApplyRun, changes: readonly Change[]): Promise<void> {
  const doomed = changes.filter((c) => c.kind === 'agent' && c.action === 'delete');
  await run.each(doomed, async (change) => {
    const resource = run.resource(change.address) as AgentResource | undefined;
    if (!resource) return;
    await run.step(change, 'delete', async () => {
      await removeRendered(run, change, resource);
      await run.input.recorder.mutate((doc) => forgetResource(doc, change.address, 'agent', resource.id));
      return undefined;
    });
  });
}

/**
 * Removes the file an agent was rendered to, when it still holds what apply wrote (or is gone);
 * an edited file is left in place with a warning: it may hold someone's work.
 */
async function removeRendered(run: ApplyRun, change: Change, resource: AgentResource): Promise<void> {
  const target = resource.attributes.render_to;
  if (target === null) return;
  const files = run.input.renderedFiles;
  const onDisk = await files.read(target);
  if (onDisk.status === 'missing') return;
  if (!writtenBy(onDisk.text, resource.attributes)) {
    run.warnings.push({
      severity: 'warning',
      code: 'RENDERED_FILE_LEFT',
      message: `${change.address}: ${target} is left in place: it was edited since apply wrote it`,
      hint: 'delete it by hand if it is no longer needed',
    });
    return;
  }
  await files.remove(target);
}

/** True when `text` holds the request recorded in `attributes` (as written, or reformatted). */
function writtenBy(text: string, attributes: AgentAttributes): boolean {
  const request = requestOf(attributes);
  return text === renderedText(request) || isDeepStrictEqual(parseRendered(text), request);
}
