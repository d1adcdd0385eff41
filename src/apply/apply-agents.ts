import { isDeepStrictEqual } from 'node:util';
import { AssistantsError } from '../errors/index.js';
import { looksRendered, parseRendered, renderedText, requestOf } from '../model/agent.js';
import { agentDependencies } from '../model/agent-request.js';
import type { AgentAttributes } from '../model/attributes.js';
import type { Desired } from '../model/desired.js';
import type { LiveView } from '../model/live.js';
import type { Change } from '../model/plan.js';
import { desiredAgentAttributes } from '../plan/kinds/agent.js';
import type { StateResource } from '../state/state-document.js';
import type { ApplyRun } from './apply-run.js';
import { inCreateHalf } from './create-half.js';
import { forgetResource } from './remove.js';
import { isRefused, type RenderedFiles } from './rendered-files.js';
import type { StateRecorder } from './state-recorder.js';

/**
 * Agents make no call: apply renders each with the ids made so far, records it in the state and,
 * with `render_to`, writes the file (only when its text changes). An existing file is overwritten
 * only when it is an agent's: a path the state records for an agent, holding what still looks like
 * a rendered request. A file is removed only when it holds exactly what was recorded, and no agent
 * of the manifests renders to it now (a renamed agent keeps its file).
 */

type AgentResource = Extract<StateResource, { kind: 'agent' }>;

/** The version a skill's state entry records as applied (what agents pin). */
function appliedVersion(resource: StateResource | undefined): string | undefined {
  const version = resource?.kind === 'skill' ? resource.attributes.default_version : undefined;
  return typeof version === 'string' ? version : undefined;
}

export async function createAgents(run: ApplyRun, changes: readonly Change[]): Promise<void> {
  const agents = new Map(run.input.desired.agents.map((agent) => [agent.address, agent]));
  const work = changes.filter((c) => inCreateHalf(c, 'agent'));
  if (work.length === 0) return;
  const wanted = await wantedFiles(run);
  await run.each(work, async (change) => {
    const agent = agents.get(change.address);
    if (!agent) return;
    await run.step(change, 'create', async () => {
      const attributes = desiredAgentAttributes(
        agent,
        (address) => {
          const id = run.idOf(address);
          if (!id) throw new AssistantsError('APPLY_FAILED', `${address} has no id: it was not made`);
          return id;
        },
        (address) => {
          const version = appliedVersion(run.resource(address));
          if (!version)
            throw new AssistantsError('APPLY_FAILED', `${address} has no version: it was not made`);
          return version;
        },
      );
      const current = run.resource(change.address) as AgentResource | undefined;
      const target = attributes.render_to;
      if (target !== null)
        await writeRendered(run, change.address, target, renderedText(requestOf(attributes)));
      const previous = current?.attributes.render_to ?? null;
      // The old file goes unless an agent renders to it now (under this name or another).
      if (
        current &&
        previous !== null &&
        previous !== target &&
        !wanted.has((await whereOf(run, previous)) ?? '')
      )
        await removeRendered(run, change, current);
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
  });
}

export async function deleteAgents(run: ApplyRun, changes: readonly Change[]): Promise<void> {
  const doomed = changes.filter((c) => c.kind === 'agent' && c.action === 'delete');
  if (doomed.length === 0) return;
  const wanted = await wantedFiles(run);
  await run.each(doomed, async (change) => {
    const resource = run.resource(change.address) as AgentResource | undefined;
    if (!resource) return;
    await run.step(change, 'delete', async () => {
      const target = resource.attributes.render_to;
      const taker = target === null ? undefined : wanted.get((await whereOf(run, target)) ?? '');
      if (taker === undefined) await removeRendered(run, change, resource);
      else if (run.resource(taker) === undefined)
        // A renamed agent takes the file over once it is recorded; until then this record keeps it.
        throw new AssistantsError(
          'DEPENDENCY_FAILED',
          `kept: ${taker}, which renders to ${target} now, was not made yet; the next apply hands the file over`,
        );
      await run.input.recorder.mutate((doc) => forgetResource(doc, change.address, 'agent', resource.id));
      return undefined;
    });
  });
}

/** What one run learned of where rendered files are: asked once per path, not once per agent. */
interface RunFiles {
  where: Map<string, Promise<string | undefined>>;
  wanted?: Promise<Map<string, string>>;
}

const perRun = new WeakMap<ApplyRun, RunFiles>();

function filesOf(run: ApplyRun): RunFiles {
  let files = perRun.get(run);
  if (!files) {
    files = { where: new Map() };
    perRun.set(run, files);
  }
  return files;
}

/** Where the manifests' agents render now, each file once however it is named, with its agent. */
function wantedFiles(run: ApplyRun): Promise<Map<string, string>> {
  const files = filesOf(run);
  files.wanted ??= (async () => {
    const wanted = new Map<string, string>();
    for (const agent of run.input.desired.agents) {
      const file = agent.renderTo === undefined ? undefined : await whereOf(run, agent.renderTo);
      if (file !== undefined) wanted.set(file, agent.address);
    }
    return wanted;
  })();
  return files.wanted;
}

/**
 * Where a rendered file is, links followed; undefined where no agent may be written. Only for
 * telling files apart: every write and removal checks its path again just before (RenderedFiles).
 */
function whereOf(run: ApplyRun, target: string): Promise<string | undefined> {
  const { where } = filesOf(run);
  let found = where.get(target);
  if (!found) {
    found = run.input.renderedFiles.where(target).catch(() => undefined);
    where.set(target, found);
  }
  return found;
}

/** Writes `text` to `target` unless it holds it already; refuses a file that is not an agent's. */
async function writeRendered(run: ApplyRun, address: string, target: string, text: string): Promise<void> {
  const files = run.input.renderedFiles;
  const onDisk = await files.read(target);
  if (onDisk.status === 'found' && onDisk.text === text) return;
  if (onDisk.status === 'found') {
    const recorded = await recordedAt(run, target);
    if (!recorded || onDisk.text === null || !looksRendered(parseRendered(onDisk.text)))
      throw new AssistantsError(
        'RENDER_TARGET_EXISTS',
        recorded
          ? `render_to ${target} of ${address} now holds something other than a rendered request; it is not overwritten`
          : `render_to ${target} of ${address} exists, and no agent in the state records it (written by something else, or forgotten with state rm)`,
        { hint: 'move the file away, or choose another render_to' },
      );
  }
  await files.write(target, text);
}

/** The state's agent rendered to `target`, by any name of it (a renamed agent takes over its file). */
async function recordedAt(run: ApplyRun, target: string): Promise<string | undefined> {
  const file = await whereOf(run, target);
  if (file === undefined) return undefined;
  for (const [address, resource] of Object.entries(run.state.resources))
    if (
      resource.kind === 'agent' &&
      resource.attributes.render_to !== null &&
      (resource.attributes.render_to === target ||
        (await whereOf(run, resource.attributes.render_to)) === file)
    )
      return address;
  return undefined;
}

/**
 * Removes the file an agent was rendered to, when it still holds what apply wrote (or is gone);
 * an edited file is left in place with a warning: it may hold someone's work.
 */
async function removeRendered(run: ApplyRun, change: Change, resource: AgentResource): Promise<void> {
  const target = resource.attributes.render_to;
  if (target === null) return;
  const files = run.input.renderedFiles;
  const left = (why: string, hint: string): void => {
    run.warnings.push({
      severity: 'warning',
      code: 'RENDERED_FILE_LEFT',
      message: `${change.address}: ${target} is left in place: ${why}`,
      hint,
    });
  };
  let onDisk: Awaited<ReturnType<RenderedFiles['read']>>;
  try {
    onDisk = await files.read(target);
  } catch (err) {
    // A path the state names outside where agents are written (or one of the state's own files) is
    // not touched: only the record goes.
    if (!isRefused(err)) throw err;
    return left(
      err.message,
      'run it from the folder apply ran in, with the same -f, or delete the file by hand',
    );
  }
  if (onDisk.status === 'missing') return;
  if (onDisk.text === null || !writtenBy(onDisk.text, resource.attributes))
    return left('it was edited since apply wrote it', 'delete it by hand if it is no longer needed');
  await files.remove(target);
}

/** True when `text` holds the request recorded in `attributes` (as written, or reformatted). */
function writtenBy(text: string, attributes: AgentAttributes): boolean {
  const request = requestOf(attributes);
  return text === renderedText(request) || isDeepStrictEqual(parseRendered(text), request);
}

/**
 * Agents whose rendered file already holds what the manifests render now, while the state records
 * something else (a run stopped between writing the file and recording it, or a file edited to
 * match a manifest edit): the state takes what the file holds, which no plan would otherwise do.
 */
export async function recordRenderedAgents(
  recorder: StateRecorder,
  desired: Desired,
  live: LiveView | undefined,
): Promise<void> {
  const seen = live?.renderedFiles;
  if (!seen) return;
  const doc = recorder.doc;
  const settled: [string, AgentAttributes][] = [];
  for (const agent of desired.agents) {
    const resource = doc.resources[agent.address];
    if (resource?.kind !== 'agent' || agent.renderTo === undefined) continue;
    const file = seen.get(agent.renderTo);
    if (file?.status !== 'found' || !file.request) continue;
    let complete = true;
    const attributes = desiredAgentAttributes(
      agent,
      (address) => {
        const id = doc.resources[address]?.id;
        if (!id) complete = false;
        return id ?? '';
      },
      (address) => {
        const version = appliedVersion(doc.resources[address]);
        if (!version) complete = false;
        return version ?? '';
      },
    );
    if (!complete || isDeepStrictEqual(resource.attributes, attributes)) continue;
    if (isDeepStrictEqual(file.request, requestOf(attributes))) settled.push([agent.address, attributes]);
  }
  if (settled.length === 0) return;
  await recorder.mutate((state) => {
    for (const [address, attributes] of settled) {
      const resource = state.resources[address];
      if (resource?.kind === 'agent')
        state.resources[address] = { ...resource, id: attributes.render_to ?? '', attributes };
    }
  });
}
