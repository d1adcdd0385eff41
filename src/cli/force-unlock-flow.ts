import { holderLiveness } from '../state/lock-info.js';
import { EXIT } from './exit-codes.js';
import { openState } from './open-state.js';
import type { CommandContext } from './program.js';

/** `assistants force-unlock`: removes the lock carrying `id` (see forceUnlockCommand for the safeguards). */
export async function runForceUnlock(
  context: CommandContext,
  id: string,
  flags: { force?: boolean; file?: string[] },
): Promise<void> {
  const { io } = context;
  const opened = await openState(context, { files: flags.file });
  const { store } = opened;
  const holder = await store.forceUnlock(id, { force: flags.force === true });
  io.stdout(`Unlocked ${store.location}: lock ${id} removed.\n`);
  context.exitCode = EXIT.OK;
  if (opened.backend === 'postgres') {
    io.stderr(`note: ${opened.store.unlockNote(holder)}\n`);
    return;
  }
  const liveness = holderLiveness(holder);
  if (liveness === 'elsewhere') {
    io.stderr(
      `note: the lock was held by ${holder.who} (pid ${holder.pid}) on host ${holder.host}; whether that run still goes on cannot be checked from this host: make sure it has ended, or it may write the state beside the next run\n`,
    );
  } else if (liveness === 'alive') {
    io.stderr(
      `note: removed with --force while pid ${holder.pid} (${holder.who}, "${holder.operation}" since ${holder.created}) still runs on this host\n`,
    );
  }
  context.exitCode = EXIT.OK;
}
