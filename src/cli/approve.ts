import { AssistantsError } from '../errors/index.js';
import type { CommandContext } from './program.js';

/** Per command: its name, the question, and what to do where no one can answer. */
const QUESTIONS = {
  apply: [
    'apply',
    'perform these actions',
    'review the plan above, then run again with --auto-approve (or apply a saved plan file)',
  ],
  destroy: [
    'destroy',
    'destroy every resource in this stack',
    'review the plan above, then run again with --auto-approve',
  ],
  gc: [
    'gc',
    'delete these resources',
    'review what gc found above, then run again with --auto-approve (--dry-run only shows it)',
  ],
} as const;

/** Asks for `yes` on a terminal; refuses where no one can answer. */
export async function approve(context: CommandContext, command: keyof typeof QUESTIONS): Promise<void> {
  const { io } = context;
  const [name, question, unattended] = QUESTIONS[command];
  if (!io.prompt) {
    throw new AssistantsError('APPROVAL_REQUIRED', `${name} needs approval, and stdin is not a terminal`, {
      hint: unattended,
    });
  }
  const answer = await io.prompt(
    `\nDo you really want to ${question}?\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: `,
  );
  if (answer.trim() !== 'yes') throw new AssistantsError('APPLY_CANCELLED', `${name} cancelled.`);
}
