import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type OpenAI from 'openai';
import { toFile } from 'openai';
import { validateManifests } from '../../src/manifest/validate.js';
import type { Address } from '../../src/model/address.js';
import { fileAddress, vectorStoreAddress } from '../../src/model/address.js';
import type { Desired } from '../../src/model/desired.js';
import { desiredAssistantAttributes } from '../../src/plan/kinds/assistant.js';
import { desiredFileAttributes } from '../../src/plan/kinds/file.js';
import { desiredStoreAttributes } from '../../src/plan/kinds/vector-store.js';
import { desiredMembershipAttributes } from '../../src/plan/kinds/vector-store-file.js';
import { LocalStateStore } from '../../src/state/local-backend.js';
import { emptyState, type StateDocument } from '../../src/state/state-document.js';
import { mapLimit } from '../../src/util/concurrency.js';
import { sha256File } from '../../src/workflow/file-hashes.js';
import { waitFor } from './emulator.js';

/**
 * Makes a stack's resources straight through the SDK and writes the state an apply would leave,
 * so plan can be tested before (and independently of) `apply`. Every file is uploaded, attached
 * with a file batch carrying its store's chunking and its attributes, and indexed; stores and
 * assistants carry the ownership stamp.
 */
export async function seedStack(
  client: OpenAI,
  options: { cwd: string; files?: string[]; statePath?: string; concurrency?: number },
): Promise<{ state: StateDocument; desired: Desired }> {
  const result = await validateManifests(options.files ?? [], {
    cwd: options.cwd,
    env: {},
    allowOutsideRoot: false,
  });
  const desired = result.value;
  if (!desired) throw new Error(`seedStack: invalid manifests: ${JSON.stringify(result.errors)}`);
  const doc = emptyState(randomUUID(), desired.stack);
  const ids = new Map<Address, string>();
  const idOf = (address: Address) => ids.get(address) ?? `missing:${address}`;
  const put = (address: Address, resource: StateDocument['resources'][string]) => {
    ids.set(address, resource.id);
    doc.resources[address] = resource;
  };
  const concurrency = options.concurrency ?? 8;

  await mapLimit(desired.files, concurrency, async (file) => {
    const content = await readFile(file.path);
    const made = await client.files.create({
      file: await toFile(content, path.basename(file.relativePath)),
      purpose: file.purpose as OpenAI.FilePurpose,
    });
    const attributes = desiredFileAttributes(file, await sha256File(file.path));
    put(file.address, { kind: 'file', id: made.id, attributes, dependencies: [], protect: file.protect });
  });

  for (const store of desired.vectorStores) {
    const attributes = desiredStoreAttributes(store, doc.lineage);
    const made = await client.vectorStores.create({
      name: attributes.name,
      metadata: attributes.metadata,
      ...(attributes.expires_after ? { expires_after: attributes.expires_after } : {}),
    });
    put(store.address, {
      kind: 'vector_store',
      id: made.id,
      attributes,
      dependencies: [],
      protect: store.protect,
    });
    const members = desired.memberships.filter((m) => m.store === store.name);
    const entries = members.map((m) => desiredMembershipAttributes(m, store, idOf));
    // Only what the manifest sets is sent: the server fills its own defaults (auto chunking), and
    // the plan must see them as no change.
    for (let start = 0; start < members.length; start += 2000) {
      const batch = await client.vectorStores.fileBatches.create(made.id, {
        files: members.slice(start, start + 2000).map((m) => ({
          file_id: idOf(fileAddress(m.file)),
          ...(m.attributes ? { attributes: m.attributes } : {}),
          ...(store.chunking_strategy ? { chunking_strategy: store.chunking_strategy } : {}),
        })),
      });
      await waitFor(
        () => client.vectorStores.fileBatches.retrieve(batch.id, { vector_store_id: made.id }),
        (b) => b.status !== 'in_progress',
      );
    }
    members.forEach((m, index) => {
      const attributes = entries[index] as (typeof entries)[number];
      doc.resources[m.address] = {
        kind: 'vector_store_file',
        id: String(attributes.file_id),
        attributes,
        dependencies: [fileAddress(m.file), vectorStoreAddress(m.store)],
        protect: false,
      };
    });
  }

  for (const assistant of desired.assistants) {
    const attributes = desiredAssistantAttributes(assistant, doc.lineage, idOf);
    const search = assistant.toolResources.file_search?.vector_stores ?? [];
    const code = assistant.toolResources.code_interpreter?.files ?? [];
    // The request holds only what the manifest sets, as the user wrote it (tools not normalised).
    const made = await client.beta.assistants.create({
      model: assistant.model,
      ...(assistant.displayName !== undefined ? { name: assistant.displayName } : {}),
      ...(assistant.description !== undefined ? { description: assistant.description } : {}),
      ...(assistant.instructions !== undefined ? { instructions: assistant.instructions } : {}),
      ...(assistant.tools.length > 0 ? { tools: assistant.tools } : {}),
      ...(Object.keys(attributes.tool_resources).length > 0
        ? { tool_resources: attributes.tool_resources as OpenAI.Beta.AssistantCreateParams.ToolResources }
        : {}),
      ...(assistant.temperature !== undefined ? { temperature: assistant.temperature } : {}),
      ...(assistant.top_p !== undefined ? { top_p: assistant.top_p } : {}),
      ...(assistant.response_format !== undefined ? { response_format: assistant.response_format } : {}),
      ...(assistant.reasoning_effort !== undefined ? { reasoning_effort: assistant.reasoning_effort } : {}),
      metadata: attributes.metadata,
    } as OpenAI.Beta.AssistantCreateParams);
    put(assistant.address, {
      kind: 'assistant',
      id: made.id,
      attributes,
      dependencies: [...code.map(fileAddress), ...search.map(vectorStoreAddress)],
      protect: assistant.protect,
    });
  }

  const store = new LocalStateStore(path.resolve(options.cwd, options.statePath ?? '.assistants/state.json'));
  const lock = await store.lock('seed', { timeoutMs: 0 });
  try {
    return { state: await store.write(doc), desired };
  } finally {
    await lock.release();
  }
}
