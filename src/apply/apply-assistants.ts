import { AssistantsError } from '../errors/index.js';
import type { AssistantAttributes } from '../model/attributes.js';
import type { Change } from '../model/plan.js';
import { assistantDependencies, desiredAssistantAttributes } from '../plan/kinds/assistant.js';
import type { AssistantBody } from '../provider/api-writer.js';
import type { ApplyRun } from './apply-run.js';
import { inCreateHalf } from './create-half.js';
import { withJournalEntry } from './journal.js';

/**
 * The request body: every field, nulls included (they clear), reasoning_effort only when set. Tool
 * resources hold only non-empty lists here; the writer sends the empty ones that clear the rest.
 */
export function assistantBody(attributes: AssistantAttributes): AssistantBody {
  const { reasoning_effort, tool_resources, ...rest } = attributes;
  return {
    ...rest,
    tool_resources: tool_resources as AssistantBody['tool_resources'],
    ...(reasoning_effort ? { reasoning_effort } : {}),
  };
}

/** Creates and updates assistants, wired to the ids the files and stores have now. */
export async function createAssistants(run: ApplyRun, changes: readonly Change[]): Promise<void> {
  const assistants = new Map(run.input.desired.assistants.map((a) => [a.address, a]));
  const work = changes.filter((c) => inCreateHalf(c, 'assistant'));
  const { recorder, writer } = run.input;
  await run.each(work, async (change) => {
    const assistant = assistants.get(change.address);
    if (!assistant) return;
    await run.step(change, 'create', async () => {
      const attributes = desiredAssistantAttributes(assistant, run.state.lineage, (address) => {
        const id = run.idOf(address);
        if (!id) throw new AssistantsError('APPLY_FAILED', `${address} has no id: it was not made`);
        return id;
      });
      const dependencies = assistantDependencies(assistant);
      const current = run.resource(change.address);
      const record = (id: string) => (doc: typeof run.state) => {
        doc.resources[change.address] = {
          kind: 'assistant',
          id,
          attributes,
          dependencies,
          protect: assistant.protect,
        };
      };
      if (current && change.action === 'update') {
        await withJournalEntry(
          recorder,
          [{ address: change.address, kind: 'assistant', operation: 'update', resource_id: current.id }],
          () => writer.updateAssistant(current.id, assistantBody(attributes)),
          record(current.id),
        );
        return current.id;
      }
      const made = await withJournalEntry(
        recorder,
        [{ address: change.address, kind: 'assistant', operation: 'create' }],
        () => writer.createAssistant(assistantBody(attributes)),
        (doc, result) => record(result.id)(doc),
      );
      return made.id;
    });
  });
}

export async function deleteAssistants(run: ApplyRun, changes: readonly Change[]): Promise<void> {
  await run.deleteKind(changes, 'assistant');
}
