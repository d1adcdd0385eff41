import type { Command } from 'commander';

/** Commander's reducer for a repeatable option (`-f a -f b`, `--target x --target y`). */
export const collect = (value: string, previous: string[]): string[] => [...previous, value];

/**
 * `-f PATH` on the commands that read only the state (output, state, workspace, force-unlock): a
 * PostgreSQL state keeps one row per stack, and the manifests say which stack it is. A local state
 * ignores it.
 */
export function stackFileOption(command: Command): Command {
  return command.option(
    '-f, --file <path>',
    'manifests that name the stack, for a PostgreSQL state (default assistants.yaml; or ?stack= in the URL)',
    collect,
    [],
  );
}

/** What commands with stackFileOption get. */
export interface StackFileFlags {
  file?: string[];
}
