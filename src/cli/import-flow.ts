import { randomUUID } from 'node:crypto';
import { StateRecorder } from '../apply/state-recorder.js';
import { AssistantsError, toAssistantsError } from '../errors/index.js';
import { parseAddress, vectorStoreAddress } from '../model/address.js';
import type { ResourceKind } from '../model/kinds.js';
import { importResource } from '../plan/import-resource.js';
import { stamped } from '../plan/kinds/wanted.js';
import { ownedBy } from '../plan/ownership.js';
import { createApiClient } from '../provider/api-client.js';
import { updateMetadata } from '../provider/api-writer.js';
import { retrieveResource } from '../provider/retrieve.js';
import { sdkWriter } from '../provider/sdk-writer.js';
import { remember } from '../state/forget-resources.js';
import { HashCache } from '../state/hash-cache.js';
import { emptyState, type StateDocument } from '../state/state-document.js';
import { hashFiles, loadDesired, readStateFor } from '../workflow/prepare-plan.js';
import { parseDuration } from './duration.js';
import { generateFromAccount } from './generate-flow.js';
import { hashCacheFile, openStateStore } from './open-state.js';
import type { CommandContext } from './program.js';

/** The flags of `assistants import`, as commander parses them. */
export interface ImportFlags {
  file: string[];
  force?: boolean;
  lockTimeout: string;
  allowOutsideRoot?: boolean;
  generate?: string;
  stack?: string;
}

/**
 * `assistants import`: takes the resource `id` into the state under `address` (and stamps it),
 * or with --generate writes manifests and a new state for the whole account.
 */
export async function runImport(
  context: CommandContext,
  address: string | undefined,
  id: string | undefined,
  flags: ImportFlags,
): Promise<void> {
  const { io } = context;
  if (flags.generate !== undefined) {
    if (address !== undefined || flags.file.length > 0 || flags.force)
      throw new AssistantsError('USAGE', '--generate takes no address, id, -f or --force', {
        hint: 'assistants import --generate DIR [--stack NAME]',
      });
    await generateFromAccount(context, flags.generate, flags);
    return;
  }
  if (address === undefined || id === undefined)
    throw new AssistantsError('USAGE', 'import needs an address and an id, or --generate DIR', {
      hint: 'assistants import vector_store.kb vs_abc123, or assistants import --generate DIR',
    });
  const parsed = parseAddress(address);
  if (!parsed) throw new AssistantsError('INVALID_ADDRESS', `${address} is not a resource address`);
  const { desired } = await loadDesired({
    files: flags.file,
    cwd: io.cwd,
    env: io.env,
    allowOutsideRoot: flags.allowOutsideRoot === true,
  });
  const api = createApiClient({ baseUrl: context.globals().baseUrl, env: io.env });
  const store = openStateStore(context);
  const lock = await store.lock('import', {
    timeoutMs: parseDuration(flags.lockTimeout, '--lock-timeout'),
  });
  let active: StateRecorder | undefined;
  try {
    const state = (await readStateFor(store, desired)) ?? emptyState(randomUUID(), desired.stack);
    // What an interrupted run left in the journal is folded into the state first.
    await store.compact(state);
    if (state.resources[address])
      throw new AssistantsError(
        'ALREADY_MANAGED',
        `${address} is already managed as ${state.resources[address]?.id}`,
        {
          hint: `\`assistants state rm ${address}\` first to take another resource under it`,
        },
      );
    let storeId: string | undefined;
    if (parsed.kind === 'vector_store_file') {
      const storeAt = vectorStoreAddress(parsed.store ?? '');
      storeId = state.resources[storeAt]?.id;
      if (!storeId) throw new AssistantsError('RESOURCE_NOT_IN_STATE', `import ${storeAt} before its files`);
    }
    const holder = heldElsewhere(state, parsed.kind, id, storeId);
    if (holder)
      throw new AssistantsError('ALREADY_MANAGED', `${id} is already managed as ${holder}`, {
        hint: `one object is managed under one address: \`assistants state rm ${holder}\` first to move it`,
      });
    const found = await retrieveResource(api, parsed.kind, id, storeId);
    const hashes = await hashFiles(desired, await HashCache.load(hashCacheFile(store)), state, true);
    const { resource, notes } = importResource(
      { ...parsed, address },
      found,
      desired,
      hashes,
      state,
      flags.force === true,
    );
    const recorder = new StateRecorder(store, state);
    active = recorder;
    await recorder.mutate((doc) => {
      doc.resources[address] = resource;
    });
    // A stamp that names another state or address is rewritten now, with the consent --force
    // gave (or, for this state's own stamp under another address, plainly): plans refuse to
    // change a store or assistant whose stamp is not this state's for its address.
    if (resource.kind === 'vector_store' || resource.kind === 'assistant') {
      const metadata = resource.attributes.metadata;
      if (!ownedBy(metadata, state.lineage, address)) {
        const restamped = stamped(metadata, state.lineage, address);
        try {
          await updateMetadata(sdkWriter(api), resource.kind, id, restamped);
        } catch (err) {
          // Not taken after all: the state must not hold what it cannot stamp.
          await recorder.mutate((doc) => {
            delete doc.resources[address];
          });
          const error = toAssistantsError(err);
          throw new AssistantsError('STAMP_FAILED', `could not stamp ${id} as ${address}: ${error.message}`, {
            hint: 'nothing was imported; run the import again',
            cause: err,
          });
        }
        await recorder.mutate((doc) => {
          const held = doc.resources[address];
          // Replaced, not edited: the recorder logs what is assigned (see StateRecorder).
          if (held?.kind === 'vector_store' || held?.kind === 'assistant')
            doc.resources[address] = {
              ...held,
              attributes: { ...held.attributes, metadata: restamped },
            } as typeof held;
        });
        io.stderr(`note: ${id} now carries this state's ownership stamp for ${address}\n`);
      }
    }
    // Managed again: no longer one that `state rm` let go (only now, once it is surely taken).
    await recorder.mutate((doc) => remember(doc, new Set([id])));
    for (const note of notes) io.stderr(`note: ${note}\n`);
    io.stdout(
      `Import successful: ${address} is ${id}. Run \`assistants plan\` to see how it differs from the manifests.\n`,
    );
  } finally {
    // What was recorded is folded into the state while the lock is still held.
    await active?.settled().catch(() => {});
    await lock.release();
  }
}

/** The address that already holds this object (for a membership: this file in the same store). */
function heldElsewhere(
  state: StateDocument,
  kind: ResourceKind,
  id: string,
  storeId: string | undefined,
): string | undefined {
  for (const [address, resource] of Object.entries(state.resources)) {
    if (resource.kind !== kind || resource.id !== id) continue;
    if (resource.kind === 'vector_store_file' && resource.attributes.vector_store_id !== storeId) continue;
    return address;
  }
  return undefined;
}
