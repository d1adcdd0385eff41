import { Command } from 'commander';
import { EXIT } from './exit-codes.js';
import { openStateStore } from './open-state.js';
import type { CommandContext } from './program.js';

/**
 * `assistants force-unlock LOCK_ID`: removes the state lock when it carries LOCK_ID (the id that a
 * STATE_LOCKED message names), for a run that died without releasing it on another host, or whose
 * lock could not be reclaimed. Asking for the id is the safeguard: it cannot remove a lock that
 * another run took since. It never touches the state itself.
 */
export function forceUnlockCommand(context: CommandContext): Command {
  return new Command('force-unlock')
    .description('remove the state lock left by a run that is no longer active')
    .argument('<lock-id>', 'the lock id, as the "is locked by" message gives it')
    .action(async (id: string) => {
      const store = openStateStore(context);
      await store.forceUnlock(id);
      context.io.stdout(`Unlocked ${store.location}: lock ${id} removed.\n`);
      context.exitCode = EXIT.OK;
    });
}
