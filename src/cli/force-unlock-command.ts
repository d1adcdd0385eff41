import { Command } from 'commander';
import { holderLiveness } from '../state/lock-info.js';
import { EXIT } from './exit-codes.js';
import { openStateStore } from './open-state.js';
import type { CommandContext } from './program.js';

/**
 * `assistants force-unlock LOCK_ID [--force]`: removes the state lock when it carries LOCK_ID (the
 * id that a STATE_LOCKED message names), for a run that died without releasing it, or whose lock
 * could not be reclaimed. Asking for the id is the first safeguard: it cannot remove a lock that
 * another run took since. The second: a holder still running on this host keeps its lock unless
 * --force. A holder on another host cannot be checked; its lock is removed with a note saying so.
 * It never touches the state itself.
 */
export function forceUnlockCommand(context: CommandContext): Command {
  return new Command('force-unlock')
    .description('remove the state lock left by a run that is no longer active')
    .argument('<lock-id>', 'the lock id, as the "is locked by" message gives it')
    .option('--force', 'remove the lock even if its holder still runs on this host')
    .action(async (id: string, flags: { force?: boolean }) => {
      const { io } = context;
      const store = openStateStore(context);
      const holder = await store.forceUnlock(id, { force: flags.force === true });
      io.stdout(`Unlocked ${store.location}: lock ${id} removed.\n`);
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
    });
}
