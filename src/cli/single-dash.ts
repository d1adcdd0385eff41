import type { Command } from 'commander';
import { AssistantsError } from '../errors/index.js';

/**
 * Terraform spells long flags with one dash (`-auto-approve`, `-out=p`); here they take two. Left
 * to the parser, `-out=p` would be `-o` with the value `ut=p`, and `-auto-approve` a cluster of
 * unknown short flags. So a single-dash word that is one of our long options, or one of
 * Terraform's, is answered with what to write instead, before anything is parsed.
 */

/** Terraform flags with no `--` twin here, and what to do instead. */
const TERRAFORM_ADVICE: Readonly<Record<string, string>> = {
  input: 'assistants never prompts without a terminal: leave it out (with a terminal, pass --auto-approve)',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the text names the manifest syntax
  var: 'manifests read values from the environment: write ${env:NAME} in the manifest and set NAME',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the text names the manifest syntax
  'var-file': 'manifests read values from the environment: write ${env:NAME} in the manifest and set NAME',
  lock: 'the state lock is always taken: --lock-timeout DURATION says how long to wait for it',
  chdir: 'run assistants in that folder, or give its manifests with -f FOLDER',
  'compact-warnings': 'leave it out: warnings are printed once, after the plan',
  destroy: 'use the command: assistants destroy',
  upgrade: 'leave it out: there are no providers or modules to install',
  reconfigure: 'leave it out: the state backend is chosen by --state on every run',
};

/** Every long option name of `program` and its commands, without the dashes. */
function longNames(program: Command): Set<string> {
  const names = new Set(['help', 'version']);
  const visit = (command: Command) => {
    for (const option of command.options) {
      if (!option.long) continue;
      names.add(option.long.replace(/^--/, ''));
    }
    for (const sub of command.commands) visit(sub);
  };
  visit(program);
  return names;
}

/**
 * USAGE for the first single-dash long flag in `argv` (before a `--`), with the right spelling;
 * undefined when there is none. A short flag with its value attached (`-fstack`) is left alone.
 */
export function singleDashFlag(argv: readonly string[], program: Command): AssistantsError | undefined {
  let names: Set<string> | undefined;
  for (const arg of argv) {
    if (arg === '--') return undefined;
    const match = /^-([A-Za-z][A-Za-z0-9-]+)(=.*)?$/.exec(arg);
    if (!match) continue;
    const [, name = '', value = ''] = match;
    names ??= longNames(program);
    if (names.has(name)) {
      const spelled = `--${name}${value}`;
      return new AssistantsError('USAGE', `unknown option '${arg}': did you mean '${spelled}'?`, {
        hint: 'long options take two dashes here (Terraform spells them with one)',
      });
    }
    const advice = TERRAFORM_ADVICE[name];
    if (advice)
      return new AssistantsError('USAGE', `unknown option '${arg}' (a Terraform flag)`, { hint: advice });
  }
  return undefined;
}
