import { AssistantsError } from '../errors/index.js';
import { parseAddress } from '../model/address.js';
import type { ResourceKind } from '../model/kinds.js';
import { createApiClient } from '../provider/api-client.js';
import { retrieveResource } from '../provider/retrieve.js';
import { sdkReader } from '../provider/sdk-reader.js';
import { sdkWriter } from '../provider/sdk-writer.js';
import { readSkillVersion } from '../provider/skill-version-content.js';
import { importWorkflow } from '../workflow/import.js';
import { loadDesired } from '../workflow/prepare-plan.js';
import { parseDuration } from './duration.js';
import { generateFromAccount } from './generate-flow.js';
import { openState } from './open-state.js';
import type { CommandContext } from './program.js';
import { skippedNotes } from './skipped-notes.js';
import { otherWorkspaceStates } from './workspace-states.js';

/** The flags of `assistants import`, as commander parses them. */
export interface ImportFlags {
  file: string[];
  force?: boolean;
  lockTimeout: string;
  allowOutsideRoot?: boolean;
  generate?: string;
  stack?: string;
  skillPrefix?: string;
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
        hint: 'assistants import --generate DIR [--stack NAME] [--skill-prefix PREFIX]',
      });
    await generateFromAccount(context, flags.generate, flags);
    return;
  }
  if (flags.skillPrefix !== undefined)
    throw new AssistantsError('USAGE', '--skill-prefix chooses the skills --generate adopts', {
      hint: 'assistants import --generate DIR --skill-prefix PREFIX; a single skill is imported by its address and id',
    });
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
    onSkipped: skippedNotes(context),
  });
  const api = createApiClient({ baseUrl: context.globals().baseUrl, env: io.env });
  const opened = await openState(context, {
    files: flags.file,
    allowOutsideRoot: flags.allowOutsideRoot === true,
    readsManifests: true,
  });
  const { store } = opened;
  const ports = {
    store,
    writer: sdkWriter(api),
    retrieve: (kind: ResourceKind, id: string, storeId?: string) => retrieveResource(api, kind, id, storeId),
    skillVersion: (skillId: string, version: string) => readSkillVersion(sdkReader(api), skillId, version),
    otherStates: () => otherWorkspaceStates(context, opened, flags.file),
    hashCacheFile: opened.hashCacheFile,
  };
  const lockTimeoutMs = parseDuration(flags.lockTimeout, '--lock-timeout');
  const request = {
    address: { ...parsed, address },
    id,
    desired,
    force: flags.force === true,
    lockTimeoutMs,
  };
  const { restamped, notes } = await importWorkflow(ports, request);
  if (restamped) io.stderr(`note: ${id} now carries this state's ownership stamp for ${address}\n`);
  for (const note of notes) io.stderr(`note: ${note}\n`);
  io.stdout(
    `Import successful: ${address} is ${id}. Run \`assistants plan\` to see how it differs from the manifests.\n`,
  );
}
