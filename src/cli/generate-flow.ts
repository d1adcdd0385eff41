import path from 'node:path';
import { AssistantsError } from '../errors/index.js';
import { RESOURCE_NAME, slug } from '../plan/resource-keys.js';
import { createApiClient } from '../provider/api-client.js';
import { sdkReader } from '../provider/sdk-reader.js';
import { sdkWriter } from '../provider/sdk-writer.js';
import { renderGenerateSummary } from '../render/generate-summary.js';
import { counted } from '../util/words.js';
import { generateWorkflow } from '../workflow/generate.js';
import { parseDuration } from './duration.js';
import { openState } from './open-state.js';
import type { CommandContext } from './program.js';
import { otherWorkspaceStates } from './workspace-states.js';

export interface GenerateFlags {
  stack?: string;
  lockTimeout: string;
  skillPrefix?: string;
}

/** `assistants import --generate DIR`: checks the stack name, runs generate (see generateWorkflow), prints what it did. */
export async function generateFromAccount(context: CommandContext, dir: string, flags: GenerateFlags) {
  const { io } = context;
  const target = path.resolve(io.cwd, dir);
  const stack = flags.stack ?? (slug(path.basename(target)) || 'default');
  if (!RESOURCE_NAME.test(stack))
    throw new AssistantsError('USAGE', `--stack ${JSON.stringify(stack)} is not a valid stack name`, {
      hint: "a stack name is 1 to 64 letters, digits, '_', '-' or '.', starting with a letter or digit",
    });
  if (flags.skillPrefix !== undefined && flags.skillPrefix.trim() === '')
    throw new AssistantsError('USAGE', '--skill-prefix is empty: it would adopt every skill of the account', {
      hint: "give the prefix this stack's skills are named with, as their SKILL.md `name:` starts: --skill-prefix acme-support-",
    });
  const opened = await openState(context, { stack });
  const { store } = opened;
  const ports = {
    store,
    otherStates: () => otherWorkspaceStates(context, opened),
    api: () => {
      const api = createApiClient({ baseUrl: context.globals().baseUrl, env: io.env });
      return { reader: sdkReader(api), writer: sdkWriter(api) };
    },
    today: () => new Date().toISOString().slice(0, 10),
  };
  const lockTimeoutMs = () => parseDuration(flags.lockTimeout, '--lock-timeout');
  const { generated, file, failed } = await generateWorkflow(ports, {
    target,
    dir,
    stack,
    lockTimeoutMs,
    ...(flags.skillPrefix !== undefined ? { skillPrefix: flags.skillPrefix } : {}),
  });
  io.stdout(renderGenerateSummary(generated, path.relative(io.cwd, file) || file, store.location));
  if (failed.length > 0)
    throw new AssistantsError(
      'STAMP_FAILED',
      `${counted(failed.length, 'resource')} could not be stamped: ${failed.map((f) => `${f.id} (${f.reason})`).join('; ')}`,
      {
        hint: 'the state is written; the next `assistants apply` stamps them (the plan shows it as a metadata update)',
      },
    );
}
