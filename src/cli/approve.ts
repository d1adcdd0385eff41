import { AssistantsError } from '../errors/index.js';
import type { CommandContext } from './program.js';

const QUESTIONS = {
  apply: ['apply', 'perform these actions'],
  destroy: ['destroy', 'destroy every resource in this stack'],
  gc: ['gc', 'delete these resources'],
} as const;

/** Asks for `yes` on a terminal; refuses where no one can answer. */
export async function approve(context: CommandContext, command: keyof typeof QUESTIONS): Promise<void> {
  const { io } = context;
  const [name, question] = QUESTIONS[command];
  if (!io.prompt) {
    throw new AssistantsError('APPROVAL_REQUIRED', `${name} needs approval, and stdin is not a terminal`, {
      hint: 'review the plan above, then run again with --auto-approve (or apply a saved plan file)',
    });
  }
  const answer = await io.prompt(
    `\nDo you really want to ${question}?\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: `,
  );
  if (answer.trim() !== 'yes') throw new AssistantsError('APPLY_CANCELLED', `${name} cancelled.`);
}
