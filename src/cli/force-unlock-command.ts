import { Command } from 'commander';
import { type StackFileFlags, stackFileOption } from './options.js';
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
  return stackFileOption(new Command('force-unlock'))
    .description('remove the state lock left by a run that is no longer active')
    .argument('<lock-id>', 'the lock id, as the "is locked by" message gives it')
    .option('--force', 'remove the lock even if its holder still runs on this host')
    .action(async (id: string, flags: { force?: boolean } & StackFileFlags) =>
      (await import('./force-unlock-flow.js')).runForceUnlock(context, id, flags),
    );
}
